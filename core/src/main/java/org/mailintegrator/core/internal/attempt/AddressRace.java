package org.mailintegrator.core.internal.attempt;

import java.time.Duration;

/**
 * When to start the next of a host's addresses, and when to give the connect up (RFC 8305, as {@link TrackedSocket}
 * races them):
 *
 * <ol>
 *   <li>The first address starts at once; each next one when {@link #stagger} has passed since the previous one
 *       started, or at once when no connect is pending (the previous ones failed).</li>
 *   <li>A failed connect lets the next address start at once.</li>
 *   <li>When every address has failed, the connect fails; when the connect timeout has passed with connects still
 *       pending, it times out.</li>
 *   <li>Once the stagger has passed since the first start with no answer, the attempt is told so, once
 *       ({@link AttemptTransport#connectUnanswered()}).</li>
 * </ol>
 *
 * <p>No I/O, no threads: the caller reads its clock (the engine's {@link org.mailintegrator.core.internal.Timeline})
 * and does what {@link #step} says; instants are nanoseconds of that clock. Not thread-safe: one connect's.
 */
final class AddressRace {
    /** What the connect does next. */
    enum Step {
        /** Start the address {@link #started} returns. */
        START,
        /** Every address failed. */
        FAIL,
        /** The connect timeout passed with connects pending. */
        TIME_OUT,
        /** Wait for a pending connect, at most {@link #waitMillis}. */
        WAIT
    }

    private final int addresses;
    private final long stagger;
    private final long deadline;
    private final long unansweredAt;
    private int next;
    private int pending;
    private long nextStart;
    private boolean unanswered;

    /**
     * {@code timeout}: the connect timeout, zero for none; {@code now}: when the connect begins.
     */
    AddressRace(int addresses, Duration stagger, Duration timeout, long now) {
        this.addresses = addresses;
        this.stagger = stagger.toNanos();
        this.deadline = timeout.isZero() ? Long.MAX_VALUE : now + timeout.toNanos();
        this.nextStart = now;
        this.unansweredAt = now + this.stagger;
    }

    /** What to do at {@code now}. */
    Step step(long now) {
        if (next < addresses && (now >= nextStart || pending == 0)) {
            return Step.START;
        }
        if (pending == 0) {
            return Step.FAIL;
        }
        return now >= deadline ? Step.TIME_OUT : Step.WAIT;
    }

    /** The next address starts at {@code now}; returns its index. Call after {@link Step#START}. */
    int started(long now) {
        nextStart = now + stagger;
        return next++;
    }

    /** The started address's connect is pending. */
    void pending() {
        pending++;
    }

    /** A pending connect failed at {@code now}: the next address may start at once. */
    void failed(long now) {
        pending--;
        nextStart = now;
    }

    /** Whether the attempt is to be told now that its first connect went unanswered; true once. */
    boolean unansweredNow(long now) {
        if (unanswered || now < unansweredAt) {
            return false;
        }
        unanswered = true;
        return true;
    }

    /** How long to wait at {@code now} for a pending connect before deciding again; at least 1 ms. */
    long waitMillis(long now) {
        long until = next < addresses ? Math.min(deadline, nextStart) : deadline;
        if (!unanswered) {
            until = Math.min(until, unansweredAt);
        }
        return Math.max(1, Duration.ofNanos(until - now).toMillis());
    }
}
