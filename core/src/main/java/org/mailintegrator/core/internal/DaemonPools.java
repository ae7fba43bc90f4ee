package org.mailintegrator.core.internal;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The library's thread pools: daemon threads, named for a thread dump, that end {@link #IDLE_THREAD_MILLIS} ms after
 * their work so that none holds up a program's exit. Stateless.
 */
public final class DaemonPools {
    /** How long an idle library thread waits for work before it ends. */
    public static final long IDLE_THREAD_MILLIS = 1_000;

    private DaemonPools() {
    }

    /** At most {@code threads} threads named {@code <name>-<n>}; further work waits in an unbounded queue. */
    public static ThreadPoolExecutor fixed(String name, int threads) {
        return fixed(name, threads, new LinkedBlockingQueue<>());
    }

    /**
     * As many threads named {@code <name>-<n>} as there are tasks running at once: a task never waits for another to
     * end. For short hand-offs that may, on occasion, be held up for long.
     */
    public static ThreadPoolExecutor unbounded(String name) {
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, IDLE_THREAD_MILLIS, TimeUnit.MILLISECONDS,
                new SynchronousQueue<>(), daemons(name));
    }

    /** At most {@code threads} threads named {@code <name>-<n>}; further work waits in {@code queue}. */
    public static ThreadPoolExecutor fixed(String name, int threads, BlockingQueue<Runnable> queue) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, IDLE_THREAD_MILLIS, TimeUnit.MILLISECONDS,
                queue, daemons(name));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    private static ThreadFactory daemons(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
