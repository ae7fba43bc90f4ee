package org.mailintegrator.core.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A timeline whose clock moves only when the test says so: {@link #advance} runs every task that falls due, in
 * order of due time, each at its own moment. Tasks run on the test's thread.
 */
public final class ManualTimeline implements Timeline {
    private final PriorityQueue<Task> tasks = new PriorityQueue<>();
    private long now = 1_000_000_000L;
    private long sequence;

    private final class Task implements Comparable<Task>, Scheduled {
        final long due;
        final long order = sequence++;
        final Runnable action;
        boolean cancelled;

        Task(long due, Runnable action) {
            this.due = due;
            this.action = action;
        }

        @Override
        public int compareTo(Task other) {
            return due != other.due ? Long.compare(due, other.due) : Long.compare(order, other.order);
        }

        @Override
        public void cancel() {
            synchronized (ManualTimeline.this) {
                cancelled = true;
            }
        }
    }

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public synchronized Scheduled schedule(Runnable task, Duration delay) {
        Task scheduled = new Task(now + Math.max(delay.toNanos(), 0), task);
        tasks.add(scheduled);
        return scheduled;
    }

    @Override
    public void execute(Runnable task) {
        schedule(task, Duration.ZERO);
    }

    /** Moves the clock forward by {@code duration}, running what falls due on the way. */
    public void advance(Duration duration) {
        long target;
        synchronized (this) {
            target = now + duration.toNanos();
        }
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.peek();
                if (next == null || next.due > target) {
                    now = target;
                    return;
                }
                tasks.poll();
                now = next.due;
                if (next.cancelled) {
                    continue;
                }
            }
            next.action.run();
        }
    }

    /** Runs what is due now (work handed off with {@link #execute}), without moving the clock. */
    public void runDue() {
        advance(Duration.ZERO);
    }

    /** Delays of the tasks still pending, from now, for assertions. */
    public synchronized List<Duration> pendingDelays() {
        List<Duration> delays = new ArrayList<>();
        for (Task task : tasks) {
            if (!task.cancelled) {
                delays.add(Duration.ofNanos(task.due - now));
            }
        }
        delays.sort(null);
        return delays;
    }
}
