package org.mailintegrator.core.internal;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The real {@link Timeline}: {@link System#nanoTime()} and one daemon timer thread shared by every integration,
 * which ends when it has had no work for {@link DaemonPools#IDLE_THREAD_MILLIS} ms. Thread-safe.
 */
public final class SystemTimeline implements Timeline {
    /** The one instance. */
    public static final SystemTimeline INSTANCE = new SystemTimeline();

    private final ScheduledThreadPoolExecutor timers;

    private SystemTimeline() {
        timers = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "mailintegrator-timer");
            thread.setDaemon(true);
            return thread;
        });
        timers.setRemoveOnCancelPolicy(true);
        timers.setKeepAliveTime(DaemonPools.IDLE_THREAD_MILLIS, TimeUnit.MILLISECONDS);
        timers.allowCoreThreadTimeOut(true);
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public Scheduled schedule(Runnable task, Duration delay) {
        ScheduledFuture<?> future = timers.schedule(task, Math.max(delay.toNanos(), 0), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    @Override
    public void execute(Runnable task) {
        timers.execute(task);
    }
}
