package org.mailintegrator.core.internal.racing;

import org.mailintegrator.core.Security;

/**
 * What the race's rules see of one lane at a moment: where it is in its life, whether it is over for the race, and
 * what its server has shown of itself. A value taken under the race's monitor; the rules decide on a list of them,
 * in preference order. Immutable.
 *
 * @param stage where the lane is
 * @param resolved whether it can no longer win or block others: finished, or stopped by the race
 * @param connected whether its current try has an established TCP connection
 * @param saidNotNow whether its server has answered "not now" at least once ({@link NotNow}): it is up
 * @param security the security of its candidate
 * @param busy whether it was recorded {@link org.mailintegrator.core.Outcome#BUSY}
 */
record LaneState(Stage stage, boolean resolved, boolean connected, boolean saidNotNow, Security security,
        boolean busy) {

    /** Where a lane is in its life, in order. */
    enum Stage {
        /** Not launched. */
        PENDING,
        /** Waiting for a connection permit or a thread. */
        QUEUED,
        /** Resolving, connecting, TLS, greeting. */
        CONNECTING,
        /** Waiting for its turn to authenticate. */
        READY,
        /** Its credentials are on their way. */
        AUTHENTICATING,
        /** The server said "not now"; a retry is scheduled. */
        BACKING_OFF,
        /** Its attempt is recorded. */
        FINISHED
    }

    /**
     * Connected, or known to be up: waiting for its turn, authenticating, or its server said "not now" (it is backing
     * off, or trying again).
     */
    boolean alive() {
        return stage == Stage.READY || stage == Stage.AUTHENTICATING || stage == Stage.BACKING_OFF || saidNotNow
                || stage == Stage.CONNECTING && connected;
    }

    /** Whether it has been launched and is not over: the race may stop it. */
    boolean running() {
        return !resolved && stage != Stage.PENDING;
    }

    /** Whether it waits for its turn to authenticate. */
    boolean ready() {
        return !resolved && stage == Stage.READY;
    }
}
