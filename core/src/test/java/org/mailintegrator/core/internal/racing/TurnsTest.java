package org.mailintegrator.core.internal.racing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.Security;
import org.mailintegrator.core.internal.racing.LaneState.Stage;

/** Who may send credentials and who is stopped for it: given the lanes' states, one decision. */
class TurnsTest {

    @Test
    void onlyTheMostPreferredLaneNotOverMayAuthenticate() {
        assertThat(Turns.turn(List.of(lane(Stage.CONNECTING), lane(Stage.READY)))).isEqualTo(-1);
        assertThat(Turns.turn(List.of(lane(Stage.FINISHED), lane(Stage.READY)))).isEqualTo(1);
        assertThat(Turns.turn(List.of(lane(Stage.READY), lane(Stage.READY)))).isEqualTo(0);
    }

    @Test
    void patienceGivesUpUnconnectedMorePreferredLanesForTheFirstReadyOne() {
        LaneState connected = new LaneState(Stage.CONNECTING, false, true, false, Security.IMPLICIT_TLS, false);
        LaneState saidNotNow = new LaneState(Stage.QUEUED, false, false, true, Security.IMPLICIT_TLS, false);
        List<LaneState> lanes = List.of(lane(Stage.QUEUED), connected, lane(Stage.CONNECTING), saidNotNow,
                lane(Stage.READY), lane(Stage.CONNECTING));

        assertThat(Turns.abandoned(lanes)).containsExactly(0, 2);
    }

    @Test
    void patienceGivesUpNobodyWhileNoLaneIsReady() {
        assertThat(Turns.abandoned(List.of(lane(Stage.CONNECTING), lane(Stage.AUTHENTICATING)))).isEmpty();
    }

    @Test
    void aBusyLaneStopsTheLessSecureRunningOnesAfterIt() {
        LaneState busy = new LaneState(Stage.FINISHED, true, false, true, Security.STARTTLS, true);
        List<LaneState> lanes = List.of(busy, lane(Stage.READY, Security.NONE), lane(Stage.READY,
                Security.IMPLICIT_TLS), lane(Stage.PENDING, Security.NONE), lane(Stage.CONNECTING, Security.NONE));

        assertThat(Turns.heldBackBy(lanes, 0)).containsExactly(1, 4);
    }

    @Test
    void aWinnerStopsTheRunningLanesAfterIt() {
        List<LaneState> lanes = List.of(lane(Stage.CONNECTING), lane(Stage.AUTHENTICATING), lane(Stage.READY),
                lane(Stage.FINISHED), lane(Stage.PENDING), lane(Stage.BACKING_OFF));

        assertThat(Turns.running(lanes, 2)).containsExactly(2, 5);
    }

    @Test
    void onlyARejectionEndsTheRaceAndOnlyWhenSoSet() {
        assertThat(Turns.endsRace(Outcome.AUTH_FAILED, true)).isTrue();
        assertThat(Turns.endsRace(Outcome.TOKEN_REJECTED, true)).isTrue();
        assertThat(Turns.endsRace(Outcome.AUTH_FAILED, false)).isFalse();
        assertThat(Turns.endsRace(Outcome.TLS_FAILED, true)).isFalse();
    }

    private static LaneState lane(Stage stage) {
        return lane(stage, Security.IMPLICIT_TLS);
    }

    private static LaneState lane(Stage stage, Security security) {
        return new LaneState(stage, stage == Stage.FINISHED, false, false, security, false);
    }
}
