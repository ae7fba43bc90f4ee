package org.mailintegrator.core;

import java.util.List;

/**
 * Hears what an {@link Integrator} does, for progress displays, metrics and traces: paired start and end events
 * for discovery, each integration, each attempt, and each {@link Phase} of an attempt. Every method has an empty
 * default; override the ones you need.
 *
 * <pre>
 * discoveryStart                       (only when discovery runs: one is set and the caller gave not every host)
 *   discoverySourceEnd                 (per source, as it answers: what it found, or why nothing)
 * discoveryEnd                         (with what the policy is offered)
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
 * <p>Discovery's events come before the {@code integrationStart} of the integration that uses what it found, on the
 * same thread, one at a time; their handle has the integration's address and a number of its own. Attempts run
 * concurrently, so events of different attempts interleave; those of one attempt come in the order above, on the
 * attempt's thread. A phase an attempt never reached has no events; an attempt retried after a busy
 * answer goes through its phases again. The {@code integration} argument tells concurrent integrations apart.
 *
 * <p>Implementations must be thread-safe and fast: they run on the integrator's threads, never while the engine
 * holds a lock. An exception thrown by a listener is logged and otherwise ignored: it changes no result.
 */
public interface IntegrationListener {
    /** A listener that does nothing. */
    IntegrationListener NONE = new IntegrationListener() {
    };

    /**
     * Discovery started looking for the servers of {@code integration}'s address: every source at once (see
     * {@link org.mailintegrator.core.spi.HostDiscovery}).
     */
    default void discoveryStart(Integration integration) {
    }

    /**
     * A discovery source answered: {@code answer} holds what it alone found (servers with their provenance,
     * services the domain withdraws, OAuth2 data) and its notes; with no server, its notes say why (nothing there, a
     * failure, no answer within the deadline). Sources answer in any order; a source made unnecessary by a more
     * preferred one before its answer was taken has no event.
     *
     * @param source the source's short name, e.g. {@code autoconfig}, {@code srv}, {@code ISPDB}, {@code mx},
     *     {@code guess}
     */
    default void discoverySourceEnd(Integration integration, String source, DiscoveredHosts answer) {
    }

    /**
     * Discovery ended with {@code discovered}, what the policy is offered (also when the discovery failed: then it
     * is empty and its note says how, and the integration throws).
     */
    default void discoveryEnd(Integration integration, DiscoveredHosts discovered) {
    }

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
     * of the same address. An immutable value, thread-safe; never holds the password.
     *
     * @param id a number unique among the integrations of this JVM
     * @param emailAddress the address of the account being integrated
     */
    record Integration(long id, String emailAddress) {
        /** A handle; the integrator makes one per integration, a listener's own tests may make their own. */
        public Integration {
            java.util.Objects.requireNonNull(emailAddress, "emailAddress");
        }

        @Override
        public String toString() {
            return "integration " + id + " of " + emailAddress;
        }
    }
}
