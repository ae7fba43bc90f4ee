package org.mailintegrator.core.internal.racing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.Phase;
import org.mailintegrator.core.internal.ManualTimeline;
import org.mailintegrator.core.internal.racing.LaneState.Stage;

/** The deadlines and the "not now" backoff on a manual clock: given the state and now, one decision. */
class DeadlinesTest {
    private final ManualTimeline time = new ManualTimeline();
    private final Deadlines deadlines = new Deadlines(Duration.ofSeconds(40), Duration.ofSeconds(40),
            Duration.ofMinutes(2), Duration.ofSeconds(20));

    @Test
    void theAttemptsDeadlinePausesWhileItWaitsForItsTurnOrBacksOff() {
        assertThat(Deadlines.stops(Stage.CONNECTING)).isTrue();
        assertThat(Deadlines.stops(Stage.AUTHENTICATING)).isTrue();
        assertThat(Deadlines.stops(Stage.QUEUED)).isTrue();
        assertThat(Deadlines.stops(Stage.READY)).isFalse();
        assertThat(Deadlines.stops(Stage.BACKING_OFF)).isFalse();
    }

    @Test
    void retriesEndWithTheBusyWindowOrTheIntegrationsDeadlineWhicheverComesFirst() {
        long raceStart = time.nanoTime();
        time.advance(Duration.ofSeconds(105));
        long lateFirstTry = time.nanoTime();

        assertThat(deadlines.retryLimit(raceStart, raceStart)).isEqualTo(raceStart + Duration.ofSeconds(20).toNanos());
        assertThat(deadlines.retryLimit(raceStart, lateFirstTry))
                .isEqualTo(raceStart + Duration.ofMinutes(2).toNanos());
    }

    @Test
    void busyAnswersAreTriedAgainAfterADoublingBackoffWithinTheLimit() {
        NotNow notNow = new NotNow();
        long limit = deadlines.retryLimit(time.nanoTime(), time.nanoTime());

        notNow.answered(NotNow.Kind.BUSY, busy());
        assertThat(notNow.nextTry(time.nanoTime(), limit)).isEqualTo(Duration.ofMillis(250));
        notNow.answered(NotNow.Kind.BUSY, busy());
        assertThat(notNow.nextTry(time.nanoTime(), limit)).isEqualTo(Duration.ofMillis(500));
        for (int answer = 3; answer <= 8; answer++) {
            notNow.answered(NotNow.Kind.BUSY, busy());
        }
        assertThat(notNow.nextTry(time.nanoTime(), limit)).as("capped").isEqualTo(Duration.ofSeconds(4));

        time.advance(Duration.ofSeconds(16));
        assertThat(notNow.nextTry(time.nanoTime(), limit)).as("ends exactly at the limit").isNull();
        assertThat(notNow.nextTry(time.nanoTime() - 1, limit)).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void aLoginDelayIsWaitedOutOnlyWhenAdvertisedAndFitting() {
        NotNow notNow = new NotNow();
        long limit = deadlines.retryLimit(time.nanoTime(), time.nanoTime());

        notNow.answered(NotNow.Kind.LOGIN_DELAYED, busy().retryingAfter(Duration.ofSeconds(5)));
        assertThat(notNow.nextTry(time.nanoTime(), limit)).isEqualTo(Duration.ofSeconds(5));
        notNow.answered(NotNow.Kind.LOGIN_DELAYED, busy().retryingAfter(Duration.ofSeconds(20)));
        assertThat(notNow.nextTry(time.nanoTime(), limit)).as("longer than the window").isNull();
        notNow.answered(NotNow.Kind.LOGIN_DELAYED, busy());
        assertThat(notNow.nextTry(time.nanoTime(), limit)).as("of unknown length").isNull();
    }

    private static TryEnd busy() {
        return new TryEnd(Outcome.BUSY, "too many connections", null, Phase.LOGIN, null);
    }
}
