package org.mailintegrator.core;

import java.util.List;

/**
 * Hears what an {@link Integrator} does, for progress displays, metrics and traces: paired start and end events
 * for each integration, each attempt, and each {@link Phase} of an attempt. Every method has an empty default;
 * override the ones you need.
 *
 * <pre>
 * integrationStart
 *   attemptStart                       (per candidate that is started, in preference order of starting)
 *     phaseStart RESOLVE .. phaseEnd RESOLVE
 *     phaseStart CONNECT .. phaseEnd CONNECT
 *     phaseStart TLS     .. phaseEnd TLS
 *     phaseStart GREETING .. phaseEnd GREETING   (STARTTLS: GREETING, TLS, then GREETING again for the
 *                                                capabilities read over TLS)
 *     phaseStart LOGIN   .. phaseEnd LOGIN
 *   attemptEnd                         (with the attempt's outcome; also for candidates never started)
 * integrationEnd                       (with the result)
 * </pre>
 *
 * <p>Attempts run concurrently, so events of different attempts interleave; those of one attempt come in the order
 * above, on the attempt's thread. A phase an attempt never reached has no events; an attempt retried after a busy
 * answer goes through its phases again. The {@code integration} argument tells concurrent integrations apart.
 *
 * <p>Implementations must be thread-safe and fast: they run on the integrator's threads, never while the engine
 * holds a lock. An exception thrown by a listener is logged and otherwise ignored: it changes no result.
 */
public interface IntegrationListener {
    /** A listener that does nothing. */
    IntegrationListener NONE = new IntegrationListener() {
    };

    /** An integration started with these candidates, in preference order. */
    default void integrationStart(Integration integration, List<ProtocolCandidate> candidates) {
    }

    /** A candidate's attempt started (it has its connection permit and a thread). */
    default void attemptStart(Integration integration, ProtocolCandidate candidate) {
    }

    /** An attempt entered {@code phase}. */
    default void phaseStart(Integration integration, ProtocolCandidate candidate, Phase phase) {
    }

    /** An attempt left {@code phase}: for the next phase, or because it ended in it. */
    default void phaseEnd(Integration integration, ProtocolCandidate candidate, Phase phase) {
    }

    /** An attempt ended with {@code attempt}'s outcome. */
    default void attemptEnd(Integration integration, Attempt attempt) {
    }

    /** The integration ended with {@code result}. */
    default void integrationEnd(Integration integration, IntegrationResult result) {
    }

    /**
     * One integration, as the events name it: its address and a number that tells it apart from other integrations
     * of the same address. Immutable and thread-safe; never holds the password.
     */
    final class Integration {
        private final long id;
        private final String emailAddress;

        /** A handle; the integrator makes one per integration, a listener's own tests may make their own. */
        public Integration(long id, String emailAddress) {
            this.id = id;
            this.emailAddress = java.util.Objects.requireNonNull(emailAddress, "emailAddress");
        }

        /** A number unique among the integrations of this JVM. */
        public long id() {
            return id;
        }

        /** The address of the account being integrated. */
        public String emailAddress() {
            return emailAddress;
        }

        @Override
        public String toString() {
            return "integration " + id + " of " + emailAddress;
        }
    }
}
