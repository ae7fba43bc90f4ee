package org.mailintegrator.core.internal.engine;

import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.HostApproval;
import org.mailintegrator.core.IntegrationListener;
import org.mailintegrator.core.PreferencePolicy;
import org.mailintegrator.core.Security;
import org.mailintegrator.core.internal.SystemTimeline;
import org.mailintegrator.core.internal.Timeline;
import org.mailintegrator.core.spi.HostDiscovery;
import org.mailintegrator.core.spi.HostResolver;

/**
 * An integrator's settings, validated once and immutable: what {@code Integrator.Builder} collected, with every
 * default applied. {@code stagger} is null for a sequential walk, {@code patience} for none, {@code unreachableFor}
 * when no unreachable endpoint is remembered, {@code executor} for the library's shared pool, {@code discovery} when
 * none runs. Made by {@link Builder}, whose setters check each value as it is given. Thread-safe.
 */
public record IntegratorSettings(PreferencePolicy policy, Duration connectTimeout, Duration readTimeout,
        SSLContext sslContext, @Nullable Duration stagger, @Nullable Duration patience,
        @Nullable Duration unreachableFor, int maxUnreachable, Duration attemptTimeout, Duration integrationTimeout,
        @Nullable Executor executor, Security minimumSecurity, boolean stopOnAuthFailure, Duration authTimeout,
        int maxConnectionsPerServer, Duration addressStagger, Duration busyRetryWindow, HostResolver resolver,
        IntegrationListener listener, @Nullable HostDiscovery discovery, HostApproval approval, Timeline timeline) {

    // The defaults; Integrator's public constants of the same names give them, and say why, to its users.
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_STAGGER = Duration.ofMillis(250);
    public static final Duration DEFAULT_INTEGRATION_TIMEOUT = Duration.ofMinutes(2);
    public static final int DEFAULT_MAX_CONNECTIONS_PER_SERVER = 8;
    public static final Duration DEFAULT_AUTH_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_BUSY_RETRY_WINDOW = Duration.ofSeconds(20);
    public static final int DEFAULT_MAX_UNREACHABLE_ENDPOINTS = 10_000;

    private static final Duration MAX_UNREACHABLE_MEMORY = Duration.ofHours(24);
    private static final int MAX_UNREACHABLE_ENDPOINTS = 1_000_000;

    /**
     * Collects settings; each setter checks its value at once and throws {@link NullPointerException} or
     * {@link IllegalArgumentException} with the setting's name. Not thread-safe; {@link #build()} can be called
     * repeatedly.
     */
    public static final class Builder {
        private @Nullable PreferencePolicy policy;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration readTimeout = DEFAULT_READ_TIMEOUT;
        private @Nullable SSLContext sslContext;
        private @Nullable Duration stagger = DEFAULT_STAGGER;
        private @Nullable Duration patience;
        private @Nullable Duration unreachableFor;
        private int maxUnreachable = DEFAULT_MAX_UNREACHABLE_ENDPOINTS;
        private @Nullable Duration attemptTimeout;
        private Duration integrationTimeout = DEFAULT_INTEGRATION_TIMEOUT;
        private @Nullable Executor executor;
        private Security minimumSecurity = Security.NONE;
        private boolean stopOnAuthFailure;
        private Duration authTimeout = DEFAULT_AUTH_TIMEOUT;
        private int maxConnectionsPerServer = DEFAULT_MAX_CONNECTIONS_PER_SERVER;
        private Duration addressStagger = DEFAULT_STAGGER;
        private Duration busyRetryWindow = DEFAULT_BUSY_RETRY_WINDOW;
        private HostResolver resolver = HostResolver.SYSTEM;
        private IntegrationListener listener = IntegrationListener.NONE;
        private @Nullable HostDiscovery discovery;
        private HostApproval approval = HostApproval.NONE;
        private Timeline timeline = SystemTimeline.INSTANCE;

        public Builder policy(PreferencePolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        public Builder readTimeout(Duration timeout) {
            this.readTimeout = positive(timeout, "readTimeout");
            return this;
        }

        public Builder sslContext(SSLContext sslContext) {
            this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
            return this;
        }

        public Builder stagger(Duration delay) {
            this.stagger = notNegative(delay, "stagger");
            return this;
        }

        /** One candidate at a time: no stagger. */
        public Builder sequential() {
            this.stagger = null;
            return this;
        }

        public Builder patience(Duration window) {
            this.patience = positive(window, "patience");
            return this;
        }

        public Builder rememberUnreachable(Duration forHowLong, int maxEndpoints) {
            Objects.requireNonNull(forHowLong, "forHowLong");
            if (forHowLong.isNegative() || forHowLong.toMillis() < 1
                    || forHowLong.compareTo(MAX_UNREACHABLE_MEMORY) > 0) {
                throw new IllegalArgumentException("rememberUnreachable: forHowLong must be between 1 ms and 24 hours,"
                        + " was " + forHowLong);
            }
            if (maxEndpoints < 1 || maxEndpoints > MAX_UNREACHABLE_ENDPOINTS) {
                throw new IllegalArgumentException("rememberUnreachable: maxEndpoints must be between 1 and "
                        + MAX_UNREACHABLE_ENDPOINTS + ", was " + maxEndpoints);
            }
            this.unreachableFor = forHowLong;
            this.maxUnreachable = maxEndpoints;
            return this;
        }

        public Builder attemptTimeout(Duration timeout) {
            this.attemptTimeout = positive(timeout, "attemptTimeout");
            return this;
        }

        public Builder integrationTimeout(Duration timeout) {
            this.integrationTimeout = positive(timeout, "integrationTimeout");
            return this;
        }

        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        public Builder minimumSecurity(Security minimum) {
            this.minimumSecurity = Objects.requireNonNull(minimum, "minimumSecurity");
            return this;
        }

        public Builder stopOnAuthFailure() {
            this.stopOnAuthFailure = true;
            return this;
        }

        public Builder authTimeout(Duration timeout) {
            this.authTimeout = positive(timeout, "authTimeout");
            return this;
        }

        public Builder maxConnectionsPerServer(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxConnectionsPerServer must be at least 1, was " + max);
            }
            this.maxConnectionsPerServer = max;
            return this;
        }

        public Builder addressStagger(Duration delay) {
            this.addressStagger = notNegative(delay, "addressStagger");
            return this;
        }

        public Builder busyRetryWindow(Duration window) {
            this.busyRetryWindow = notNegative(window, "busyRetryWindow");
            return this;
        }

        public Builder resolver(HostResolver resolver) {
            this.resolver = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        public Builder listener(IntegrationListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        public Builder discovery(HostDiscovery discovery) {
            this.discovery = Objects.requireNonNull(discovery, "discovery");
            return this;
        }

        public Builder approveHosts(HostApproval approval) {
            this.approval = Objects.requireNonNull(approval, "approval");
            return this;
        }

        /** Where the engine's time comes from; the real one unless a test gives a manual one. */
        public Builder timeline(Timeline timeline) {
            this.timeline = Objects.requireNonNull(timeline, "timeline");
            return this;
        }

        /**
         * The settings; the attempt timeout defaults to twice the connect timeout plus twice the read timeout, the
         * TLS context to the JDK's.
         *
         * @throws IllegalStateException if no policy was set
         */
        public IntegratorSettings build() {
            if (policy == null) {
                throw new IllegalStateException("a policy is required: call policy(...) before build()");
            }
            Duration attempt = attemptTimeout != null ? attemptTimeout
                    : connectTimeout.multipliedBy(2).plus(readTimeout.multipliedBy(2));
            return new IntegratorSettings(policy, connectTimeout, readTimeout,
                    sslContext != null ? sslContext : defaultSslContext(), stagger, patience, unreachableFor,
                    maxUnreachable, attempt, integrationTimeout, executor, minimumSecurity, stopOnAuthFailure,
                    authTimeout, maxConnectionsPerServer, addressStagger, busyRetryWindow, resolver, listener,
                    discovery, approval, timeline);
        }

        private static Duration positive(Duration timeout, String name) {
            Objects.requireNonNull(timeout, name);
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + timeout);
            }
            if (timeout.toMillis() > Integer.MAX_VALUE || timeout.toMillis() == 0) {
                throw new IllegalArgumentException(name + " must be between 1 ms and "
                        + Integer.MAX_VALUE + " ms, was " + timeout);
            }
            return timeout;
        }

        private static Duration notNegative(Duration delay, String name) {
            Objects.requireNonNull(delay, name);
            if (delay.isNegative() || delay.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(name + " must be between 0 and " + Integer.MAX_VALUE
                        + " ms, was " + delay);
            }
            return delay;
        }

        private static SSLContext defaultSslContext() {
            try {
                return SSLContext.getDefault();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("the JDK offers no default TLS context", e);
            }
        }
    }
}
