package org.mailintegrator.discovery;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Discovery's thread pools: named daemon threads that end a second after their work. Stateless. */
final class DaemonPool {
    private DaemonPool() {
    }

    /** At most {@code threads} threads named {@code <name>-<n>}; further work waits in {@code queue}. */
    static ThreadPoolExecutor fixed(String name, int threads, BlockingQueue<Runnable> queue) {
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 1, TimeUnit.SECONDS, queue, runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
