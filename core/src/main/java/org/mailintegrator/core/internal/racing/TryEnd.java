package org.mailintegrator.core.internal.racing;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.Explanation;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.Phase;

/**
 * How a try ended, as the attempt saw it; the race turns it into the lane's {@link Attempt} or a retry.
 * {@code tryAgain}: the credentials changed (a refreshed access token), so the candidate is tried once more at
 * once, keeping its place, unless the race is over. {@code explainedAs}: the cause, where the outcome alone does
 * not tell it ({@link Attempt#explainedAs()}), else null. {@code closedBeforeGreeting}: the server closed or reset
 * the established connection before it sent anything of its greeting (on implicit TLS: during or right after the
 * handshake), with no credential sent, no certificate at fault and the race not the one that closed it; whether
 * that was a connection limit is the {@link ConnectionLimiter}'s to say. {@code retryAfter}: how long the server
 * said to wait before the next login (the {@code LOGIN-DELAY} it advertised), when it said so, else null.
 */
public record TryEnd(Outcome outcome, String detail, @Nullable Throwable cause, Phase phase,
        @Nullable InetSocketAddress address, boolean tryAgain, Explanation.@Nullable Cause explainedAs,
        boolean closedBeforeGreeting, @Nullable Duration retryAfter) {
    public TryEnd(Outcome outcome, String detail, @Nullable Throwable cause, Phase phase,
            @Nullable InetSocketAddress address, boolean tryAgain, Explanation.@Nullable Cause explainedAs) {
        this(outcome, detail, cause, phase, address, tryAgain, explainedAs, false, null);
    }

    public TryEnd(Outcome outcome, String detail, @Nullable Throwable cause, Phase phase,
            @Nullable InetSocketAddress address, boolean tryAgain) {
        this(outcome, detail, cause, phase, address, tryAgain, null);
    }

    public TryEnd(Outcome outcome, String detail, @Nullable Throwable cause, Phase phase,
            @Nullable InetSocketAddress address) {
        this(outcome, detail, cause, phase, address, false);
    }

    /** This end, with the server's connection closed before its greeting. */
    public TryEnd closedEarly() {
        return new TryEnd(outcome, detail, cause, phase, address, tryAgain, explainedAs, true, retryAfter);
    }

    /** This end, with the wait the server asked for before the next login. */
    public TryEnd retryingAfter(@Nullable Duration wait) {
        return new TryEnd(outcome, detail, cause, phase, address, tryAgain, explainedAs, closedBeforeGreeting,
                wait);
    }
}
