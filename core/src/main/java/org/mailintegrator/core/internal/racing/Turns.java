package org.mailintegrator.core.internal.racing;

import java.util.ArrayList;
import java.util.List;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.internal.planning.Plan;

/**
 * Who may send credentials, and who is stopped for it (rules 3, 5, 6 and 7 of {@link Race}):
 *
 * <ol>
 *   <li>The credential gate: only the most preferred lane that is not over may authenticate, once it is ready.</li>
 *   <li>Patience: once the patience window has passed, a more preferred lane still waiting for its permit or its TCP
 *       connection, whose server has shown no sign of life, is given up for the first ready one.</li>
 *   <li>Never a less secure one on a "not now": a lane recorded busy stops every less preferred running lane with
 *       weaker security.</li>
 *   <li>A winner stops every less preferred running lane.</li>
 *   <li>Stop at the first rejection: with that setting, a rejected password or token ends the race.</li>
 * </ol>
 *
 * <p>No I/O, no threads, no clock: decisions on the lanes' states, in preference order. Stateless.
 */
final class Turns {
    private Turns() {
    }

    /** The lane whose turn it is: the most preferred one not over, if it is ready; -1 when none may go now. */
    static int turn(List<LaneState> lanes) {
        for (int index = 0; index < lanes.size(); index++) {
            LaneState lane = lanes.get(index);
            if (!lane.resolved()) {
                return lane.stage() == LaneState.Stage.READY ? index : -1;
            }
        }
        return -1;
    }

    /**
     * The lanes given up once the patience window has passed: those before the first ready lane that are not over,
     * are still queued or connecting, and are not up (no connection, no "not now"). Empty when no lane is ready.
     */
    static List<Integer> abandoned(List<LaneState> lanes) {
        List<Integer> abandoned = new ArrayList<>();
        int ready = firstReady(lanes);
        for (int index = 0; index < ready; index++) {
            LaneState higher = lanes.get(index);
            boolean waiting = higher.stage() == LaneState.Stage.QUEUED || higher.stage() == LaneState.Stage.CONNECTING;
            if (!higher.resolved() && waiting && !higher.connected() && !higher.saidNotNow()) {
                abandoned.add(index);
            }
        }
        return abandoned;
    }

    /** The first lane that waits for its turn; -1 when none does. */
    static int firstReady(List<LaneState> lanes) {
        for (int index = 0; index < lanes.size(); index++) {
            if (lanes.get(index).ready()) {
                return index;
            }
        }
        return -1;
    }

    /** The running lanes less preferred than {@code busy} with weaker security: they get no credentials. */
    static List<Integer> heldBackBy(List<LaneState> lanes, int busy) {
        List<Integer> heldBack = new ArrayList<>();
        for (int index = busy + 1; index < lanes.size(); index++) {
            LaneState lane = lanes.get(index);
            if (lane.running() && !Plan.meets(lane.security(), lanes.get(busy).security())) {
                heldBack.add(index);
            }
        }
        return heldBack;
    }

    /** The running lanes from {@code from} on: stopped when a more preferred one wins, or when the race ends. */
    static List<Integer> running(List<LaneState> lanes, int from) {
        List<Integer> running = new ArrayList<>();
        for (int index = from; index < lanes.size(); index++) {
            if (lanes.get(index).running()) {
                running.add(index);
            }
        }
        return running;
    }

    /** Whether {@code outcome} ends the race under stop-at-the-first-rejection ({@code stopOnRejection}). */
    static boolean endsRace(Outcome outcome, boolean stopOnRejection) {
        return stopOnRejection && (outcome == Outcome.AUTH_FAILED || outcome == Outcome.TOKEN_REJECTED);
    }
}
