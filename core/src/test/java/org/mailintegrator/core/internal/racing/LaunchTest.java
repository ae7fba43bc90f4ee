package org.mailintegrator.core.internal.racing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mailintegrator.core.Security;
import org.mailintegrator.core.internal.racing.LaneState.Stage;

/** Who starts next: given the lanes' states, one decision. */
class LaunchTest {
    private final Launch staggered = new Launch(Duration.ofMillis(250));

    @Test
    void theFirstCandidateStartsAtOnce() {
        Launch.Next next = staggered.next(List.of(pending(Security.IMPLICIT_TLS), pending(Security.NONE)), 0, false);

        assertThat(next).isEqualTo(new Launch.Next(List.of(), 0, 1));
    }

    @Test
    void aConnectingCandidateWithoutAConnectionLetsTheNextStart() {
        List<LaneState> lanes = List.of(lane(Stage.CONNECTING, Security.IMPLICIT_TLS), pending(Security.NONE));

        assertThat(staggered.next(lanes, 1, false)).isEqualTo(new Launch.Next(List.of(), 1, 2));
    }

    @Test
    void aConnectedCandidateIsWaitedForAndNothingElseStarts() {
        LaneState connected = new LaneState(Stage.CONNECTING, false, true, false, Security.IMPLICIT_TLS, false);

        assertThat(staggered.next(List.of(connected, pending(Security.NONE)), 1, false))
                .isEqualTo(new Launch.Next(List.of(), -1, 1));
    }

    @Test
    void aCandidateWaitingForItsPermitKeepsTheNextFromStarting() {
        List<LaneState> lanes = List.of(lane(Stage.QUEUED, Security.IMPLICIT_TLS), pending(Security.NONE));

        assertThat(staggered.next(lanes, 1, false).start()).isEqualTo(-1);
    }

    @Test
    void aCandidateWhoseServerSaidNotNowIsAliveAndWaitedFor() {
        LaneState backingOff = new LaneState(Stage.QUEUED, false, false, true, Security.IMPLICIT_TLS, false);

        assertThat(Launch.mayLaunchMore(List.of(backingOff, pending(Security.NONE)), 1)).isFalse();
    }

    @Test
    void lessSecureCandidatesAfterABusyOneAreHeldBackAndAsSecureOnesStart() {
        LaneState busy = new LaneState(Stage.FINISHED, true, false, true, Security.STARTTLS, true);
        List<LaneState> lanes = List.of(busy, pending(Security.NONE), pending(Security.NONE),
                pending(Security.IMPLICIT_TLS));

        assertThat(staggered.next(lanes, 1, false)).isEqualTo(new Launch.Next(
                List.of(new Launch.HeldBack(1, 0), new Launch.HeldBack(2, 0)), 3, 4));
    }

    @Test
    void skippedRoutesArePassedOver() {
        List<LaneState> lanes = List.of(lane(Stage.FINISHED, Security.IMPLICIT_TLS), pending(Security.NONE));

        assertThat(staggered.next(lanes, 0, false)).isEqualTo(new Launch.Next(List.of(), 1, 2));
    }

    @Test
    void nothingStartsOrIsHeldBackOnceTheRaceIsOver() {
        LaneState busy = new LaneState(Stage.FINISHED, true, false, true, Security.IMPLICIT_TLS, true);

        assertThat(staggered.next(List.of(busy, pending(Security.NONE)), 1, true))
                .isEqualTo(new Launch.Next(List.of(), -1, 1));
    }

    @Test
    void theStaggerIsArmedOnlyByALanesFirstConnectWhileACandidateIsLeft() {
        assertThat(staggered.staggerOnConnect(true, false, 1, 2)).isEqualTo(Duration.ofMillis(250));
        assertThat(staggered.staggerOnConnect(false, false, 1, 2)).as("a retry's connect").isNull();
        assertThat(staggered.staggerOnConnect(true, true, 1, 2)).as("stopped already").isNull();
        assertThat(staggered.staggerOnConnect(true, false, 2, 2)).as("no candidate left").isNull();
        assertThat(new Launch(null).staggerOnConnect(true, false, 1, 2)).as("a sequential walk").isNull();
    }

    private static LaneState pending(Security security) {
        return lane(Stage.PENDING, security);
    }

    private static LaneState lane(Stage stage, Security security) {
        return new LaneState(stage, stage == Stage.FINISHED, false, false, security, false);
    }
}
