package org.mailintegrator.strategies;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.DiscoveredHosts;
import org.mailintegrator.core.Endpoint;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.PreferencePolicy;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;

/**
 * A policy that lists fixed (protocol, security, port) steps in order, each on the account's host for its
 * protocol, or on a host the step names. Made with {@link Policies#ordered()}.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class OrderedPolicy implements PreferencePolicy {
    private final List<Step> steps;

    private OrderedPolicy(List<Step> steps) {
        this.steps = List.copyOf(steps);
    }

    static Builder builder() {
        return new Builder();
    }

    /** One candidate per step, in order, on {@code account.host(protocol)}; an unmodifiable list. */
    @Override
    public List<ProtocolCandidate> candidates(MailAccount account) {
        Objects.requireNonNull(account, "account");
        List<ProtocolCandidate> candidates = new ArrayList<>(steps.size());
        for (Step step : steps) {
            String host = step.host != null ? step.host : account.host(step.protocol);
            candidates.add(ProtocolCandidate.of(step.protocol, step.security, host, step.port));
        }
        return List.copyOf(candidates);
    }

    /**
     * With discovery: one candidate per step, in the steps' order.
     * <ol>
     *   <li>A step with a fixed host, or for a protocol whose host the caller gave, keeps its host and port.</li>
     *   <li>A step meets the server discovery found for its protocol and security, on that server's host and port
     *       (an autoconfig or SRV record may name another port).</li>
     *   <li>A cleartext step ({@link Security#NONE}) that discovery found no cleartext server for meets the first
     *       {@link Security#STARTTLS} server found for its protocol, on that server's host and port: RFC 6186's
     *       {@code _imap} and {@code _pop3} records (and an autoconfig {@code STARTTLS} entry) name the server for
     *       cleartext and STARTTLS alike, so the port 143 or 110 that no record named is not tried.</li>
     *   <li>Any other step uses the best host found for its protocol and the step's own port.</li>
     * </ol>
     * A candidate two steps lead to is listed once.
     */
    @Override
    public List<ProtocolCandidate> candidates(MailAccount account, DiscoveredHosts discovered) {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(discovered, "discovered");
        MailAccount withFound = discovered.applyTo(account);
        Set<ProtocolCandidate> candidates = new LinkedHashSet<>();
        for (Step step : steps) {
            if (step.host != null || account.givesHost(step.protocol)) {
                String host = step.host != null ? step.host : account.host(step.protocol);
                candidates.add(ProtocolCandidate.of(step.protocol, step.security, host, step.port));
                continue;
            }
            candidates.add(discovered.best(step.protocol, step.security).map(Endpoint::candidate)
                    .or(() -> step.security == Security.NONE
                            ? discovered.best(step.protocol, Security.STARTTLS).map(Endpoint::candidate)
                                    .map(startTls -> ProtocolCandidate.of(step.protocol, Security.NONE,
                                            startTls.host(), startTls.port()))
                            : Optional.empty())
                    .orElseGet(() -> ProtocolCandidate.of(step.protocol, step.security,
                            withFound.host(step.protocol), step.port)));
        }
        return List.copyOf(candidates);
    }

    @Override
    public String toString() {
        return "OrderedPolicy" + steps;
    }

    private static final class Step {
        final MailProtocol protocol;
        final Security security;
        final int port;
        /** A fixed host, or null for the account's host for the protocol. */
        final @Nullable String host;

        Step(MailProtocol protocol, Security security, @Nullable String host, int port) {
            this.protocol = protocol;
            this.security = security;
            this.host = host;
            this.port = port;
        }

        boolean sameAs(Step other) {
            return protocol == other.protocol && security == other.security && port == other.port
                    && Objects.equals(host, other.host);
        }

        @Override
        public String toString() {
            return protocol + "/" + security + " " + (host != null ? host : "<account host>") + ":" + port;
        }
    }

    /**
     * Collects the steps of an {@link OrderedPolicy}; each call validates at once. Not thread-safe; {@link #build()}
     * copies, so one builder can make several policies.
     */
    public static final class Builder {
        private final List<Step> steps = new ArrayList<>();

        private Builder() {
        }

        /**
         * Appends a step.
         *
         * @throws IllegalArgumentException if the port is outside 1..65535 or the same step is already listed
         */
        public Builder then(MailProtocol protocol, Security security, int port) {
            return add(protocol, security, null, port);
        }

        /**
         * Appends a step on a fixed host, whatever the account's host: a provider's own server name, e.g.
         * {@code then(IMAP, IMPLICIT_TLS, "imap.example.net", 993)}. The host is checked as a candidate's host is.
         *
         * @throws IllegalArgumentException if the host or port is invalid, or the same step is already listed
         */
        public Builder then(MailProtocol protocol, Security security, String host, int port) {
            Objects.requireNonNull(host, "host");
            // validates (blank, white space, IDNA, a port in the name) and gives the ASCII form
            String checked = ProtocolCandidate.of(Objects.requireNonNull(protocol, "protocol"),
                    Objects.requireNonNull(security, "security"), host, checkPort(port)).host();
            return add(protocol, security, checked, port);
        }

        private static int checkPort(int port) {
            if (port < 1 || port > 65_535) {
                throw new IllegalArgumentException("port must be between 1 and 65535, was " + port);
            }
            return port;
        }

        private Builder add(MailProtocol protocol, Security security, @Nullable String host, int port) {
            Objects.requireNonNull(protocol, "protocol");
            Objects.requireNonNull(security, "security");
            checkPort(port);
            Step step = new Step(protocol, security, host, port);
            if (steps.stream().anyMatch(step::sameAs)) {
                throw new IllegalArgumentException(step + " is already listed: " + steps);
            }
            steps.add(step);
            return this;
        }

        /**
         * @throws IllegalStateException if no step was added
         */
        public OrderedPolicy build() {
            if (steps.isEmpty()) {
                throw new IllegalStateException("an ordered policy needs at least one step");
            }
            return new OrderedPolicy(steps);
        }
    }
}
