package org.mailintegrator.strategies;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.PreferencePolicy;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;

/**
 * A policy that lists fixed (protocol, security, port) steps in order, each on the account's host for its
 * protocol. Made with {@link Policies#ordered()}.
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
            candidates.add(ProtocolCandidate.of(step.protocol, step.security, account.host(step.protocol), step.port));
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

        Step(MailProtocol protocol, Security security, int port) {
            this.protocol = protocol;
            this.security = security;
            this.port = port;
        }

        boolean sameAs(Step other) {
            return protocol == other.protocol && security == other.security && port == other.port;
        }

        @Override
        public String toString() {
            return protocol + "/" + security + ":" + port;
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
            Objects.requireNonNull(protocol, "protocol");
            Objects.requireNonNull(security, "security");
            if (port < 1 || port > 65_535) {
                throw new IllegalArgumentException("port must be between 1 and 65535, was " + port);
            }
            Step step = new Step(protocol, security, port);
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
