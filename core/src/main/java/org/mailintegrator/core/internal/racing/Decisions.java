package org.mailintegrator.core.internal.racing;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The race's lock discipline: decide under one monitor, act after letting go of it. A thread that enters the race
 * decides under the monitor, appending what is to be done ({@link #afterwards}) to a list that only the monitor's
 * holder touches; it takes the actions out before it lets go of the monitor and runs them after, in the order
 * decided. So no action (handing a try to the starter, closing sockets, giving a permit back, completing the result)
 * ever runs under the monitor. Thread-safe.
 */
final class Decisions {
    private static final Logger log = LoggerFactory.getLogger(Decisions.class);

    private final Object monitor;
    private final List<Runnable> actions = new ArrayList<>();

    /** Decisions taken under {@code monitor}'s lock: the coordinator's. */
    Decisions(Object monitor) {
        this.monitor = monitor;
    }

    /** The monitor the decisions are taken under. */
    Object monitor() {
        return monitor;
    }

    void decide(Runnable decision) {
        decide(() -> {
            decision.run();
            return null;
        });
    }

    /**
     * Runs {@code decision} under the monitor and returns its answer, then runs the actions it decided. Never called
     * with the monitor held: the actions would run under it.
     */
    <T> T decide(Supplier<T> decision) {
        assert !Thread.holdsLock(monitor) : "the race's actions must run outside its monitor";
        T answer;
        List<Runnable> decided;
        synchronized (monitor) {
            answer = decision.get();
            decided = List.copyOf(actions);
            actions.clear();
        }
        for (Runnable action : decided) {
            try {
                action.run();
            } catch (RuntimeException e) {
                log.error("An action of the race failed; the others still run", e);
            }
        }
        return answer;
    }

    /** Something to do once the monitor is let go of, by the thread that decided it (caller holds the monitor). */
    void afterwards(Runnable action) {
        actions.add(action);
    }
}
