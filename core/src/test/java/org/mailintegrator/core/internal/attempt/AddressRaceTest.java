package org.mailintegrator.core.internal.attempt;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.mailintegrator.core.internal.ManualTimeline;
import org.mailintegrator.core.internal.attempt.AddressRace.Step;

/** The address race's timing on a manual clock: given the connects so far and now, one step. */
class AddressRaceTest {
    private final ManualTimeline time = new ManualTimeline();

    @Test
    void theNextAddressStartsWhenTheStaggerHasPassed() {
        AddressRace race = new AddressRace(3, Duration.ofMillis(250), Duration.ofSeconds(10), time.nanoTime());
        assertThat(race.step(time.nanoTime())).isEqualTo(Step.START);
        assertThat(race.started(time.nanoTime())).isZero();
        race.pending();

        time.advance(Duration.ofMillis(249));
        assertThat(race.step(time.nanoTime())).isEqualTo(Step.WAIT);
        assertThat(race.waitMillis(time.nanoTime())).isEqualTo(1);
        time.advance(Duration.ofMillis(1));
        assertThat(race.step(time.nanoTime())).isEqualTo(Step.START);
        assertThat(race.started(time.nanoTime())).isEqualTo(1);
    }

    @Test
    void aFailedAddressStartsTheNextAtOnce() {
        AddressRace race = new AddressRace(2, Duration.ofMillis(250), Duration.ofSeconds(10), time.nanoTime());
        race.started(time.nanoTime());
        race.pending();
        time.advance(Duration.ofMillis(30));

        race.failed(time.nanoTime());

        assertThat(race.step(time.nanoTime())).isEqualTo(Step.START);
    }

    @Test
    void anAddressWhoseConnectFailedAtOnceLetsTheNextStartWithoutWaiting() {
        AddressRace race = new AddressRace(2, Duration.ofMillis(250), Duration.ofSeconds(10), time.nanoTime());
        race.started(time.nanoTime());

        assertThat(race.step(time.nanoTime())).as("nothing pending").isEqualTo(Step.START);
    }

    @Test
    void whenEveryAddressHasFailedTheConnectFails() {
        AddressRace race = new AddressRace(1, Duration.ofMillis(250), Duration.ofSeconds(10), time.nanoTime());
        race.started(time.nanoTime());
        race.pending();
        race.failed(time.nanoTime());

        assertThat(race.step(time.nanoTime())).isEqualTo(Step.FAIL);
    }

    @Test
    void theConnectTimesOutAtItsTimeoutWithConnectsPending() {
        AddressRace race = new AddressRace(1, Duration.ofMillis(250), Duration.ofSeconds(10), time.nanoTime());
        race.started(time.nanoTime());
        race.pending();
        time.advance(Duration.ofMillis(500));
        race.unansweredNow(time.nanoTime());
        assertThat(race.waitMillis(time.nanoTime())).as("until the timeout").isEqualTo(9_500);

        time.advance(Duration.ofMillis(9_499));
        assertThat(race.step(time.nanoTime())).isEqualTo(Step.WAIT);
        time.advance(Duration.ofMillis(1));
        assertThat(race.step(time.nanoTime())).isEqualTo(Step.TIME_OUT);
    }

    @Test
    void withoutATimeoutAPendingConnectIsWaitedFor() {
        AddressRace race = new AddressRace(1, Duration.ofMillis(250), Duration.ZERO, time.nanoTime());
        race.started(time.nanoTime());
        race.pending();
        time.advance(Duration.ofDays(1));

        assertThat(race.step(time.nanoTime())).isEqualTo(Step.WAIT);
    }

    @Test
    void anUnansweredFirstConnectIsToldOnceWhenTheStaggerHasPassed() {
        AddressRace race = new AddressRace(1, Duration.ofMillis(250), Duration.ofSeconds(10), time.nanoTime());
        race.started(time.nanoTime());
        race.pending();
        assertThat(race.waitMillis(time.nanoTime())).isEqualTo(250);
        time.advance(Duration.ofMillis(249));
        assertThat(race.unansweredNow(time.nanoTime())).isFalse();
        time.advance(Duration.ofMillis(1));

        assertThat(race.unansweredNow(time.nanoTime())).isTrue();
        assertThat(race.unansweredNow(time.nanoTime())).isFalse();
    }
}
