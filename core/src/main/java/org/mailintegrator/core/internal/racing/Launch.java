package org.mailintegrator.core.internal.racing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.internal.planning.Plan;

/**
 * Who starts next, and when (rules 1 and 2 of {@link Race}, and the launch half of rule 5):
 *
 * <ol>
 *   <li>Candidates start in preference order; a lane already finished (a route skipped by the plan) is passed
 *       over.</li>
 *   <li>A pending candidate less secure than one already recorded busy is held back, never started.</li>
 *   <li>A further candidate may start only while every launched one that is not over has its connection permit and
 *       none of them is alive (connected, or its server said "not now"): connections are raced, not servers.</li>
 *   <li>The next start is due when {@link #stagger()} has passed since the previous candidate's first TCP connect
 *       began, or at once when the previous has failed; with no stagger, only then (a sequential walk).</li>
 * </ol>
 *
 * <p>No I/O, no threads, no clock: a decision on the lanes' states. Immutable.
 *
 * @param stagger the grace period a connect has before the next candidate may start; null for a sequential walk
 */
record Launch(@Nullable Duration stagger) {

    /**
     * What to do next from the lanes' states: which pending lanes to hold back (and who holds each back), and which
     * lane to start, if any.
     *
     * @param heldBack pairs of (lane held back, the busy lane that holds it back), in order
     * @param start the lane to start, or -1 for none
     * @param nextToLaunch the index the next launch looks at from now on
     */
    record Next(List<HeldBack> heldBack, int start, int nextToLaunch) {
    }

    /** A pending lane that a more preferred, more secure, busy lane keeps from starting. */
    record HeldBack(int lane, int by) {
    }

    /**
     * Decides the next launch. {@code nextToLaunch}: the first lane not yet looked at; {@code over}: the race has a
     * winner or has ended, so nothing more starts or is held back.
     */
    Next next(List<LaneState> lanes, int nextToLaunch, boolean over) {
        List<HeldBack> heldBack = new ArrayList<>();
        int next = nextToLaunch;
        while (next < lanes.size()) {
            if (lanes.get(next).stage() != LaneState.Stage.FINISHED) {
                int busy = over ? -1 : heldBackBy(lanes, next);
                if (busy < 0) {
                    break;
                }
                heldBack.add(new HeldBack(next, busy));
            }
            next++;
        }
        if (over || next >= lanes.size() || !mayLaunchMore(lanes, next)) {
            return new Next(heldBack, -1, next);
        }
        return new Next(heldBack, next, next + 1);
    }

    /**
     * The wait before the next start is due, armed when a lane's first TCP connect starts; null when none is armed:
     * a sequential walk, a connect that is not the lane's first, a lane already over, or no candidate left to start.
     */
    @Nullable Duration staggerOnConnect(boolean firstConnect, boolean resolved, int nextToLaunch, int lanes) {
        return firstConnect && !resolved && nextToLaunch < lanes ? stagger : null;
    }

    /**
     * The most preferred lane before {@code index} recorded busy with a security stronger than that lane's, which
     * therefore holds it back; -1 when none does.
     */
    static int heldBackBy(List<LaneState> lanes, int index) {
        for (int before = 0; before < index; before++) {
            LaneState busy = lanes.get(before);
            if (busy.busy() && !Plan.meets(lanes.get(index).security(), busy.security())) {
                return before;
            }
        }
        return -1;
    }

    /**
     * Whether a further candidate may start: every launched lane ({@code launched} of them) that is not over has its
     * permit and none is alive.
     */
    static boolean mayLaunchMore(List<LaneState> lanes, int launched) {
        for (LaneState lane : lanes.subList(0, launched)) {
            if (!lane.resolved() && (lane.stage() == LaneState.Stage.QUEUED || lane.alive())) {
                return false;
            }
        }
        return true;
    }
}
