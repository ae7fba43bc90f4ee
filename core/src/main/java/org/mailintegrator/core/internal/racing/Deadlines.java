package org.mailintegrator.core.internal.racing;

import java.time.Duration;

/**
 * The race's deadlines (rule 8 of {@link Race}) and the limit of its "not now" retries (rule 4):
 *
 * <ol>
 *   <li>an attempt has {@link #attemptTimeout()} before its login, and {@link #loginBudget()} for its login;</li>
 *   <li>the attempt's deadline does not run while it waits for its turn or backs off after a "not now": those
 *       waits are the race's, not the server's;</li>
 *   <li>the integration ends {@link #integrationTimeout()} after the race began;</li>
 *   <li>a candidate is tried again after a "not now" only while the wait ends before both its busy window
 *       ({@link #busyRetryWindow()} from its first try) and the integration's deadline.</li>
 * </ol>
 *
 * <p>No I/O, no threads: instants are nanoseconds of the race's {@link org.mailintegrator.core.internal.Timeline}.
 * Immutable.
 */
record Deadlines(Duration attemptTimeout, Duration loginBudget, Duration integrationTimeout,
        Duration busyRetryWindow) {

    /** Whether an attempt deadline that falls due now stops a lane in {@code stage}. */
    static boolean stops(LaneState.Stage stage) {
        return stage != LaneState.Stage.READY && stage != LaneState.Stage.BACKING_OFF;
    }

    /**
     * The instant by which a retry's wait must end, for a race begun at {@code raceStart}, a lane first tried at
     * {@code firstTry}.
     */
    long retryLimit(long raceStart, long firstTry) {
        return Math.min(firstTry + busyRetryWindow.toNanos(), raceStart + integrationTimeout.toNanos());
    }
}
