package org.mailintegrator.core.internal.racing;

import static org.mailintegrator.core.internal.ResultAccess.explainedAs;
import static org.mailintegrator.core.internal.ResultAccess.withCause;
import static org.mailintegrator.core.internal.ResultAccess.withPhase;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.Explanation;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.internal.Wording;

/**
 * One candidate's answers that meant "not now": which ends of a try say so, how long the candidate waits before it
 * is tried again, and what is recorded when it is tried no more. A try ends "not now" when:
 *
 * <ul>
 *   <li>{@link Kind#BUSY}: the server said it was busy ({@link Outcome#BUSY}: too many connections, a locked
 *       mailbox, a temporary failure);</li>
 *   <li>{@link Kind#LOGIN_DELAYED}: the server said the account signed in too recently ({@link Outcome#BUSY}
 *       explained as {@link Explanation.Cause#LOGIN_DELAYED}, POP3 {@code [LOGIN-DELAY]});</li>
 *   <li>{@link Kind#CONNECTION_LIMIT}: the server closed or reset the connection before its greeting, no
 *       credential sent and no certificate at fault ({@link TryEnd#closedBeforeGreeting()}), while it served
 *       other connections of ours or had just greeted one ({@link ConnectionLimiter.Ticket#closedBeforeGreeting()}).
 *   </li>
 * </ul>
 *
 * <p>Busy answers and connection limits are tried again after a backoff of 250 ms doubling to 4 s; a login delay
 * once the delay the server advertised has passed, and never when it advertised none, since a login delay is
 * minutes long and a try too soon may start it again. Either only while the wait ends within the busy window and the
 * integration's deadline. Not thread-safe: guarded by the race's monitor.
 */
final class NotNow {
    static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(4);

    /** What a "not now" was. */
    enum Kind { BUSY, LOGIN_DELAYED, CONNECTION_LIMIT }

    private int answers;
    private int busyAnswers;
    private int closes;
    private @Nullable Kind last;
    private @Nullable TryEnd lastEnd;

    /**
     * What kind of "not now" {@code end} was, or null for a definitive end. {@code connectionLimit}: the limiter took
     * the early close for a connection limit.
     */
    static @Nullable Kind of(TryEnd end, boolean connectionLimit) {
        if (connectionLimit) {
            return Kind.CONNECTION_LIMIT;
        }
        if (end.outcome() != Outcome.BUSY) {
            return null;
        }
        return end.explainedAs() == Explanation.Cause.LOGIN_DELAYED ? Kind.LOGIN_DELAYED : Kind.BUSY;
    }

    /** Counts one more answer. */
    void answered(Kind kind, TryEnd end) {
        answers++;
        if (kind == Kind.BUSY) {
            busyAnswers++;
        } else if (kind == Kind.CONNECTION_LIMIT) {
            closes++;
        }
        last = kind;
        lastEnd = end;
    }

    /**
     * How long to wait before the next try after the last answer, or null when no try is to be made: a login delay
     * of unknown length, or a wait that would end at or after {@code until} (nanoseconds of the race's timeline;
     * {@code now} likewise).
     */
    @Nullable Duration nextTry(long now, long until) {
        Duration wait;
        if (last == Kind.LOGIN_DELAYED) {
            wait = lastEnd == null ? null : lastEnd.retryAfter();
        } else {
            wait = Duration.ofNanos(Math.min(FIRST_BACKOFF.toNanos() << Math.min(answers - 1, 16),
                    MAX_BACKOFF.toNanos()));
        }
        if (wait == null || now + wait.toNanos() >= until) {
            return null;
        }
        return wait;
    }

    /** Whether the server has said "not now" at all: it is up. */
    boolean any() {
        return answers > 0;
    }

    /** Whether the last answer was a connection limit, after which the permit is given back and asked for again. */
    boolean lastWasConnectionLimit() {
        return last == Kind.CONNECTION_LIMIT;
    }

    /** When the server said to try again, if the last answer said so (a login delay). */
    @Nullable Duration retryAfter() {
        return lastEnd == null ? null : lastEnd.retryAfter();
    }

    /**
     * The attempt recorded when the candidate is tried no more after its last "not now": {@link Outcome#BUSY},
     * explained as a connection limit or a login delay where it was one. Call only when {@link #any()}.
     */
    Attempt recorded(ProtocolCandidate candidate, Duration elapsed) {
        TryEnd end = lastEnd;
        if (end == null || last == null) {
            throw new IllegalStateException("no answer was 'not now'");
        }
        Attempt attempt;
        switch (last) {
            case CONNECTION_LIMIT -> attempt = explainedAs(Attempt.of(candidate, Outcome.BUSY, elapsed,
                    Wording.connectionLimit(candidate, closes, elapsed, end.detail())),
                    Explanation.Cause.CONNECTION_LIMIT);
            case LOGIN_DELAYED -> attempt = explainedAs(Attempt.of(candidate, Outcome.BUSY, elapsed, end.detail()),
                    Explanation.Cause.LOGIN_DELAYED);
            default -> {
                String detail = busyAnswers > 1 ? Wording.busyRepeatedly(end.detail(), busyAnswers, elapsed)
                        : end.detail();
                attempt = Attempt.of(candidate, Outcome.BUSY, elapsed, detail);
                if (end.explainedAs() != null) {
                    attempt = explainedAs(attempt, end.explainedAs());
                }
            }
        }
        if (end.cause() != null) {
            attempt = withCause(attempt, end.cause());
        }
        return withPhase(attempt, end.phase());
    }
}
