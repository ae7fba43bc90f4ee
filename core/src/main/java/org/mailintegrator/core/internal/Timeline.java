package org.mailintegrator.core.internal;

import java.time.Duration;

/**
 * The engine's source of time: a clock, delayed tasks and a thread to hand work to. The real one
 * ({@link SystemTimeline}) reads {@link System#nanoTime()} and runs tasks on the library's timer thread; a test
 * gives the race a manual one and moves time by hand, so that the race's rules are checked without waiting.
 *
 * <p>Implementations are thread-safe.
 */
public interface Timeline {
    /** A delayed task that can be called off. */
    interface Scheduled {
        /** Calls the task off if it has not run yet; does nothing otherwise. */
        void cancel();
    }

    /** A monotonic clock in nanoseconds, as {@link System#nanoTime()}. */
    long nanoTime();

    /** Runs {@code task} once, after {@code delay}, on a thread that holds no lock of the caller. */
    Scheduled schedule(Runnable task, Duration delay);

    /** Runs {@code task} soon, on a thread that holds no lock of the caller. */
    void execute(Runnable task);
}
