package org.mailintegrator.core.internal.racing;

/**
 * How many connections one server takes from this client at once, as learned from what the server shows: additive
 * increase, multiplicative decrease (AIMD), the rule of TCP's congestion window and of Netflix's concurrency-limits
 * {@code AIMDLimit}. It starts at the configured maximum and never goes above it, nor below 1.
 *
 * <ul>
 *   <li><b>Decrease</b> ({@link #refused(int)}): the server closed a new connection before its greeting while it
 *       held {@code others} of ours. It has just shown that it takes that many and not one more, so the limit
 *       drops to {@code others} (at least 1), at once, whatever it was: a better estimate than a fixed ratio, which
 *       is what a limiter that knows nothing of the cause must use. If the server counts connections we have
 *       already closed a moment longer than we do, the next refusal lowers the limit again.</li>
 *   <li><b>Increase</b> ({@link #greeted(int)}): a greeting while at least half the limit was in use (a greeting
 *       while the limit is barely used proves nothing about it, as in {@code AIMDLimit}) adds {@code 1/limit}: one
 *       whole connection more per limit's worth of greetings, so that a server that takes more is probed gently,
 *       one refused connection at a time.</li>
 * </ul>
 *
 * <p>Not thread-safe: its {@link ConnectionLimiter} guards it.
 */
final class LearnedLimit {
    private final int max;
    private double limit;

    LearnedLimit(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("the limit must be at least 1, was " + max);
        }
        this.max = max;
        this.limit = max;
    }

    /** The connections allowed at once now: at least 1, at most the configured maximum. */
    int current() {
        // the sum of n times 1/n may fall a hair short of 1
        return (int) (limit + 1e-9);
    }

    /** Whether the limit is below the configured maximum: something was learned, and is worth remembering. */
    boolean learned() {
        return current() < max;
    }

    /** The server closed a connection before its greeting while it held {@code others} of ours. */
    void refused(int others) {
        limit = Math.max(1, Math.min(current(), others));
    }

    /** The server greeted a connection while {@code inUse} of ours were counted against the limit. */
    void greeted(int inUse) {
        int now = current();
        if (now < max && inUse * 2 >= now) {
            limit = Math.min(max, limit + 1.0 / now);
        }
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%.2f of %d", limit, max);
    }
}
