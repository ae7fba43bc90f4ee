package org.mailintegrator.discovery;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.SynchronousQueue;
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

    /**
     * As many threads named {@code <name>-<n>} as there is work at once, each ending a second after its work: for
     * work that may block on what another party does (a resolver, a server), which must not wait behind other such
     * work.
     */
    static ThreadPoolExecutor cached(String name) {
        AtomicInteger count = new AtomicInteger();
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 1, TimeUnit.SECONDS, new SynchronousQueue<>(), runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }
}
