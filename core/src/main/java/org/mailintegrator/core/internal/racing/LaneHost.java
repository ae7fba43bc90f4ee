package org.mailintegrator.core.internal.racing;

import org.mailintegrator.core.Attempt;

/**
 * What a {@link Lane} asks of the race that coordinates it: the decisions that look at more than one lane. Every
 * method is called holding the race's monitor, and only decides: what is to be done after is handed to the race's
 * {@link Decisions}.
 */
interface LaneHost {
    /** When the race began, in nanoseconds of its timeline. */
    long raceStart();

    /** Whether the race is over for lanes still running: ended, or won. */
    boolean over();

    /**
     * A lane's TCP connect began: the stagger to the next candidate runs from here if this is the lane's first
     * connect ({@code first}) and the lane is not {@code resolved} ({@link Launch#staggerOnConnect}).
     */
    void connectBegan(boolean first, boolean resolved);

    /** A lane waits for its turn, or one was resolved: whoever may authenticate now is let. */
    void grantTurn();

    /** {@code lane}'s credentials were accepted: it wins. */
    void won(Lane lane);

    /** {@code lane}'s attempt was recorded as {@code attempt}: what follows for the others. */
    void finished(Lane lane, Attempt attempt);

    /** A lane's end was told: the race completes if every lane's was. */
    void completeIfDone();
}
