package org.mailintegrator.core;

import jakarta.mail.MessagingException;
import jakarta.mail.Store;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Integrates mail accounts: asks the {@link PreferencePolicy} for the account's candidates and tries them in that
 * order until one authenticates, the way BlackBerry Internet Service configured an account with the highest
 * preference that worked.
 *
 * <ol>
 *   <li>The policy lists the candidates, most preferred first; the list is checked (no nulls, no duplicates)
 *       before any network I/O.</li>
 *   <li>Each candidate is tried for real with Jakarta Mail: TCP connect (bounded by the connect timeout), TLS
 *       (implicit, or a required STARTTLS/STLS upgrade), the greeting, authentication (each read bounded by the
 *       read timeout), then a clean logout.</li>
 *   <li>The first candidate that authenticates is selected; the ones after it are recorded as
 *       {@link Outcome#NOT_TRIED}. Every other candidate's failure is classified into an {@link Outcome} with a
 *       sentence that explains it.</li>
 * </ol>
 *
 * <pre>{@code
 * Integrator integrator = Integrator.builder().policy(Policies.blackBerry()).build();
 * IntegrationResult result = integrator.integrate(account);
 * result.selected().ifPresent(candidate -> System.out.println("Integrated with " + candidate));
 * }</pre>
 *
 * <p>Certificates are verified against the JDK's trust store, host name included, unless an {@link SSLContext} is
 * given. A password crosses the network in cleartext only on a {@link Security#NONE} candidate, because the
 * policy listed one; each such attempt is logged at WARN (never with the password).
 *
 * <p>This class is immutable and thread-safe: share one instance, and integrate many accounts at once.
 */
public final class Integrator {
    private static final Logger log = LoggerFactory.getLogger(Integrator.class);

    /** The connect timeout used when none is given. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** The read timeout used when none is given. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);

    private final PreferencePolicy policy;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final MailSessions sessions;
    private final CandidateProbe probe;

    private Integrator(Builder builder) {
        this.policy = builder.policy;
        this.connectTimeout = builder.connectTimeout;
        this.readTimeout = builder.readTimeout;
        SSLContext sslContext = builder.sslContext != null ? builder.sslContext : defaultSslContext();
        this.sessions = new MailSessions(connectTimeout, readTimeout, sslContext.getSocketFactory());
        this.probe = new CandidateProbe(sessions, new FailureClassifier(connectTimeout, readTimeout));
    }

    /** Starts a builder; a policy is required, everything else has a default. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Integrates {@code account}: tries the policy's candidates in order and selects the first that authenticates.
     * A server's behaviour never makes this method throw; it is an {@link Outcome} in the result.
     *
     * @throws NullPointerException if {@code account} is null, or the policy returns null or a null candidate
     * @throws IllegalArgumentException if the policy returns no candidate or a duplicate
     */
    public IntegrationResult integrate(MailAccount account) {
        Objects.requireNonNull(account, "account");
        List<ProtocolCandidate> candidates = candidatesFor(account);
        SecretRedactor redactor = new SecretRedactor(account.username(), account.password());
        long start = System.nanoTime();
        List<Attempt> attempts = new ArrayList<>(candidates.size());
        boolean integrated = false;
        for (ProtocolCandidate candidate : candidates) {
            if (integrated) {
                attempts.add(Attempt.of(candidate, Outcome.NOT_TRIED, Duration.ZERO,
                        "Not tried: a more preferred candidate had already authenticated."));
                continue;
            }
            Attempt attempt = probe.probe(account, candidate, redactor);
            attempts.add(attempt);
            integrated = attempt.outcome().isAuthenticated();
        }
        IntegrationResult result =
                IntegrationResult.of(account.emailAddress(), attempts, Duration.ofNanos(System.nanoTime() - start));
        if (result.isIntegrated()) {
            log.info("Integrated {} with {} in {} ms", account.emailAddress(), result.selected().get(),
                    result.elapsed().toMillis());
        } else {
            log.info("Could not integrate {}: none of {} candidates authenticated", account.emailAddress(),
                    attempts.size());
        }
        return result;
    }

    /**
     * Opens the mailbox of {@code account} through {@code candidate} (typically {@code result.selected()}) with
     * the same settings the integration used: a connected Jakarta Mail {@link Store} that the caller must close.
     *
     * @throws MessagingException if the server does not accept the connection now
     */
    public Store openStore(MailAccount account, ProtocolCandidate candidate) throws MessagingException {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(candidate, "candidate");
        Store store = sessions.newStore(candidate, account.username(), new AtomicBoolean());
        store.connect(candidate.host(), candidate.port(), account.username(), account.password());
        return store;
    }

    /**
     * Opens the mailbox through the candidate that {@code result} selected.
     *
     * @throws IllegalArgumentException if the result selected nothing, or is for another account
     * @throws MessagingException if the server does not accept the connection now
     */
    public Store openStore(MailAccount account, IntegrationResult result) throws MessagingException {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(result, "result");
        if (!result.emailAddress().equals(account.emailAddress())) {
            throw new IllegalArgumentException("the result is for " + result.emailAddress() + ", not for "
                    + account.emailAddress());
        }
        ProtocolCandidate selected = result.selected().orElseThrow(() -> new IllegalArgumentException(
                "the result selected no candidate: " + account.emailAddress() + " was not integrated"));
        return openStore(account, selected);
    }

    /**
     * The Jakarta Mail session properties this integrator uses for {@code candidate}: protocol, host, port,
     * timeouts, TLS settings and the TLS socket factory (an object value). No credential is among them. For
     * applications that build their own {@code Session}.
     */
    public Properties sessionProperties(ProtocolCandidate candidate) {
        return sessions.properties(Objects.requireNonNull(candidate, "candidate"));
    }

    public PreferencePolicy policy() {
        return policy;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration readTimeout() {
        return readTimeout;
    }

    private List<ProtocolCandidate> candidatesFor(MailAccount account) {
        List<ProtocolCandidate> listed = Objects.requireNonNull(policy.candidates(account),
                "the policy returned null instead of a list of candidates");
        if (listed.isEmpty()) {
            throw new IllegalArgumentException("the policy returned no candidate for " + account.emailAddress());
        }
        Set<ProtocolCandidate> seen = new HashSet<>();
        for (ProtocolCandidate candidate : listed) {
            Objects.requireNonNull(candidate, () -> "the policy returned a null candidate: " + listed);
            if (!seen.add(candidate)) {
                throw new IllegalArgumentException("the policy returned " + candidate + " twice: " + listed);
            }
        }
        return List.copyOf(listed);
    }

    private static SSLContext defaultSslContext() {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK offers no default TLS context", e);
        }
    }

    /**
     * Builds {@link Integrator}s. Setters validate at once and throw {@link NullPointerException} or
     * {@link IllegalArgumentException}; {@link #build()} can be called repeatedly.
     *
     * <p>This class is not thread-safe.
     */
    public static final class Builder {
        private PreferencePolicy policy;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration readTimeout = DEFAULT_READ_TIMEOUT;
        private SSLContext sslContext;

        private Builder() {
        }

        /** The policy that lists and orders the candidates. Required. */
        public Builder policy(PreferencePolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** How long a TCP connect may take; default {@link #DEFAULT_CONNECT_TIMEOUT}. Positive, at most 24 days. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = checkTimeout(timeout, "connectTimeout");
            return this;
        }

        /** How long any single read may wait; default {@link #DEFAULT_READ_TIMEOUT}. Positive, at most 24 days. */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = checkTimeout(timeout, "readTimeout");
            return this;
        }

        /**
         * The TLS context for implicit TLS and STARTTLS, e.g. one that trusts a private CA. Host names are still
         * verified, unless this context's trust manager decides otherwise. Default: the JDK's.
         */
        public Builder sslContext(SSLContext sslContext) {
            this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
            return this;
        }

        /**
         * Builds the integrator.
         *
         * @throws IllegalStateException if no policy was set
         */
        public Integrator build() {
            if (policy == null) {
                throw new IllegalStateException("a policy is required: call policy(...) before build()");
            }
            return new Integrator(this);
        }

        private static Duration checkTimeout(Duration timeout, String name) {
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
    }
}
