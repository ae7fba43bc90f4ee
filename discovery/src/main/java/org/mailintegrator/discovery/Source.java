package org.mailintegrator.discovery;

import java.io.IOException;

/**
 * One way of finding the servers of a domain. {@link Discovery} runs its sources concurrently, each on a thread of
 * its own and bounded by its own deadline (the thread is interrupted when it passes), and decides by priority.
 * Implementations are thread-safe and hold no state between lookups.
 */
interface Source {
    /** A short name for notes and logs, e.g. {@code autoconfig}. */
    String name();

    /**
     * Finds the servers for {@code query}. May block on the network; must stop promptly when the thread is
     * interrupted and bound every read by {@link Query#timeout()}. Nothing found is an empty {@link Findings} with a
     * note saying why, not an exception.
     *
     * @throws IOException if the lookup failed (reported as a note; lower sources then decide)
     * @throws InterruptedException if interrupted (the deadline passed, or a higher source decided)
     */
    Findings find(Query query) throws IOException, InterruptedException;
}
