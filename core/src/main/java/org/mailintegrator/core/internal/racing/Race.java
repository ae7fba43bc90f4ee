package org.mailintegrator.core.internal.racing;

import static org.mailintegrator.core.internal.ResultAccess.explainedAs;
import static org.mailintegrator.core.internal.ResultAccess.withDiscovered;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.DiscoveredHosts;
import org.mailintegrator.core.Explanation;
import org.mailintegrator.core.IntegrationListener.Integration;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.internal.SafeListener;
import org.mailintegrator.core.internal.Timeline;
import org.mailintegrator.core.internal.Wording;
import org.mailintegrator.core.internal.planning.Route;

/**
 * The rules of one integration's race: who may start, who may authenticate, who is given up, and when it is over.
 * Candidates are tried concurrently, but decided strictly by preference.
 *
 * <ol>
 *   <li>Candidate 1 starts at once. A next one starts when the stagger delay has passed since the previous one
 *       began its TCP connect, or as soon as the previous one has failed, but only while every launched candidate
 *       that has not failed is still without a TCP connection: connections are raced, not servers, and a server
 *       that accepted the connection is waited for (Happy Eyeballs, RFC 8305, applied to the chain).</li>
 *   <li>Before it starts, a candidate waits for a permit to open a connection to its server
 *       ({@link ConnectionLimiter}); no further candidate starts meanwhile, so a candidate waiting for its turn
 *       never holds a permit that a more preferred one needs.</li>
 *   <li>Before its first credential-bearing command an attempt asks for its turn: a candidate may authenticate
 *       only when every more preferred one has failed. So credentials go to one candidate at a time, most
 *       preferred first, and the selection is the one a sequential walk would make.</li>
 *   <li>A try that ends "not now" keeps the candidate's place: it is tried again and no less preferred candidate
 *       authenticates meanwhile, within the busy window and the integration's deadline ({@link NotNow}). "Not now"
 *       is, and nothing else is:
 *       <ol type="a">
 *         <li>the server said it was busy ({@link Outcome#BUSY}): tried again after 250 ms doubling to 4 s, keeping
 *             its connection permit;</li>
 *         <li>the server closed or reset the connection before its greeting (during the TLS handshake or while the
 *             greeting was awaited; {@link TryEnd#closedBeforeGreeting()}: no credential sent, no certificate at
 *             fault, not closed by the race) while it held other established connections of the
 *             {@link ConnectionLimiter}, or had greeted one, or ended one it had greeted, less than
 *             {@link ConnectionLimiter#RECENTLY} ago: a connection limit. The limiter learns a lower limit for the
 *             server; the permit is given back, and asked for again after the same backoff, so that the lower limit
 *             holds (the wait for it counts against the integration's deadline, as any wait for a permit). Each
 *             such close is judged afresh: one with nothing else open and nothing served that recently is what it
 *             is (a network or TLS failure), and the chain moves on, as a calm walk would;</li>
 *         <li>the server delays logins ({@link Explanation.Cause#LOGIN_DELAYED}): tried again once the delay it
 *             advertised ({@link TryEnd#retryAfter()}) has passed if that fits in the window and the deadline, else,
 *             and when it advertised none, not at all (a try too soon may start the delay again).</li>
 *       </ol>
 *       When the retries run out the candidate is recorded {@link Outcome#BUSY}, explained as
 *       {@link Explanation.Cause#CONNECTION_LIMIT} or {@link Explanation.Cause#LOGIN_DELAYED} where it was one.</li>
 *   <li>Never a less secure candidate on a "not now": once a candidate is recorded {@link Outcome#BUSY}, every less
 *       preferred one whose security is weaker ({@code IMPLICIT_TLS} over {@code STARTTLS} over {@code NONE}) gets no
 *       credentials in this integration. It is not started, or stopped before its credentials, and recorded
 *       {@link Outcome#NOT_TRIED} explained as {@link Explanation.Cause#HELD_BACK}. Less preferred candidates as
 *       secure or more go on, and one may be selected ({@link IntegrationResult#busyBeforeSelected()}).</li>
 *   <li>The first candidate that authenticates wins; every less preferred attempt still running is stopped and
 *       recorded as not needed.</li>
 *   <li>With a patience window, once it has passed since the start, a more preferred candidate whose TCP
 *       connection is not even established is given up ({@link Outcome#ABANDONED}) in favour of a less preferred
 *       one that is ready to authenticate; one that has connected, or whose server said "not now", is still waited
 *       for.</li>
 *   <li>Every attempt has a deadline of its own before its login (time spent waiting for its turn not counted)
 *       and one for its login, and the integration has an overall deadline; cancelling stops everything at
 *       once.</li>
 * </ol>
 *
 * <p>The race does no I/O and runs no attempt: its {@link Starter} hands each try off, and the attempt reports to
 * its {@link Lane}, which holds the lane's state and transitions and asks the race ({@link LaneHost}) what looks
 * at more than one lane. Time comes from a {@link Timeline}, so the rules can be driven by a manual clock. The race
 * coordinates; the rules decide on what it shows them of its lanes ({@link LaneState}): {@link Launch} (1, 2, and
 * the launch half of 5), {@link Turns} (3, 5, 6, 7 and stop at the first rejection), {@link NotNow} (4) and
 * {@link Deadlines} (4, 8).
 *
 * <p>All state is guarded by this object's monitor, and nothing but deciding happens under it. A thread that
 * enters the race (the caller that starts it, the timer that runs a deadline, the stagger or a busy retry, the
 * application that cancels, an attempt that reports) decides under the monitor what is to be done, and runs it
 * after letting go of the monitor ({@link Decisions}): handing a try to the starter, closing a stopped attempt's
 * sockets, giving a connection permit back, completing the result. So no lock of the race is held while an executor is called, a socket is closed or a
 * listener runs, and a timer or a cancellation never waits for an attempt's I/O. The starter is thus called on
 * whichever thread decided: it must hand the try off and return, never run it nor wait for a thread (the
 * engine's starter hands it to the executor from a thread of the engine's own where the executor might not; see
 * {@code Engine}). Thread-safe.
 */
public final class Race {
    /**
     * Hands one try of a lane's attempt off to a thread of its own. Called outside the race's monitor, on whichever
     * thread decided the start (the timer's included), so it must return at once: never run the try, never wait. It
     * may refuse at once with a {@link RejectedExecutionException}, or later with {@link Lane#notRun}.
     */
    @FunctionalInterface
    public interface Starter {
        void start(Lane lane);
    }

    /**
     * The race's settings: {@code stagger} null for a sequential walk, {@code patience} null for none;
     * {@code loginBudget} bounds a login from the moment the turn is given.
     */
    public record Rules(@Nullable Duration stagger, @Nullable Duration patience, Duration attemptTimeout,
            Duration loginBudget, Duration integrationTimeout, Duration busyRetryWindow, boolean stopOnAuthFailure,
            ConnectionLimiter limiter, Timeline timeline, SafeListener listener) {
    }

    /** How a try began. */
    public enum Start {
        /** The lane was stopped before this try could begin; it is finished, there is nothing to do. */
        STOPPED,
        /** The candidate's first try. */
        FIRST,
        /** Another try after a "not now" or new credentials. */
        RETRY
    }

    private final Rules rules;
    private final Launch launch;
    private final Deadlines deadlines;
    private final Timeline timeline;
    private final Integration integration;
    private final @Nullable DiscoveredHosts discovered;
    /** Every decision is taken under this race's monitor; what it decided runs after. */
    private final Decisions decisions = new Decisions(this);
    private final List<Lane> lanes = new ArrayList<>();
    private final CompletableFuture<IntegrationResult> result = new CompletableFuture<>();
    private final List<Timeline.Scheduled> timers = new ArrayList<>();
    private long startNanos;
    private int nextToLaunch;
    private int winner = -1;
    private boolean patienceOver;
    private boolean ended;
    private boolean completed;

    public Race(Rules rules, Integration integration, List<Route> routes, Starter starter) {
        this(rules, integration, routes, starter, null);
    }

    /** A race whose result records what discovery found ({@code discovered}, when it ran). */
    public Race(Rules rules, Integration integration, List<Route> routes, Starter starter,
            @Nullable DiscoveredHosts discovered) {
        this.discovered = discovered;
        this.rules = rules;
        this.timeline = rules.timeline();
        this.launch = new Launch(rules.stagger());
        this.deadlines = new Deadlines(rules.attemptTimeout(), rules.loginBudget(), rules.integrationTimeout(),
                rules.busyRetryWindow());
        this.integration = integration;
        LaneHost host = new Host();
        for (Route route : routes) {
            Lane lane = new Lane(route, host, decisions, starter, rules.limiter(), deadlines, timeline);
            route.skipped().ifPresent(reason -> lane.settle(
                    route.explained(Attempt.of(route.candidate(), route.skippedAs(), Duration.ZERO, reason))));
            lanes.add(lane);
        }
    }

    /**
     * Starts the race; the future completes when every attempt has finished and told the listener so. The first
     * candidate is handed to the starter before this method returns, and never run on the calling thread.
     */
    public CompletableFuture<IntegrationResult> start() {
        decisions.decide(() -> {
            startNanos = timeline.nanoTime();
            schedule(this::deadlinePassed, deadlines.integrationTimeout());
            if (rules.patience() != null) {
                schedule(this::patienceOver, rules.patience());
            }
            launchNext();
        });
        return result;
    }

    /** The lane of the candidate at {@code index} in preference order. */
    public Lane lane(int index) {
        return lanes.get(index);
    }

    /** Stops every attempt now; the ones that had not finished are recorded as cancelled. */
    public void cancel() {
        endAll(Wording.cancelledWhileRunning(), Wording.cancelledBeforeStart(), Outcome.CANCELLED, Outcome.CANCELLED,
                null, true);
    }

    /**
     * Every attempt still running is stopped; a candidate that had not started (not launched, waiting for a
     * connection permit, or handed to the executor but not begun) never will, and records that the deadline passed.
     */
    private void deadlinePassed() {
        endAll(null, Wording.deadlineBeforeStart(deadlines.integrationTimeout()), Outcome.TIMED_OUT, Outcome.NOT_TRIED,
                Explanation.Cause.DEADLINE_PASSED, false);
    }

    /**
     * Ends the race: stops every unresolved lane (launched ones only, unless {@code pendingToo}) and settles those
     * never launched. {@code notStartedCause}, if any, is recorded for the lanes that never began a try.
     */
    private void endAll(@Nullable String runningDetail, String unlaunchedDetail, Outcome outcome,
            Outcome unlaunchedOutcome, Explanation.@Nullable Cause notStartedCause, boolean pendingToo) {
        decisions.decide(() -> {
            if (ended || completed) {
                return;
            }
            ended = true;
            for (Lane lane : lanes) {
                if (!lane.resolved() && (pendingToo || !lane.pending())) {
                    String detail = runningDetail != null ? runningDetail
                            : Wording.deadlineWhileRunning(deadlines.integrationTimeout(), lane.candidate());
                    lane.stop(outcome, detail, lane.started() ? null : notStartedCause);
                }
            }
            settleUnlaunched(unlaunchedOutcome, unlaunchedDetail, notStartedCause);
            completeIfDone();
        });
    }

    private void patienceOver() {
        decisions.decide(() -> {
            patienceOver = true;
            grantTurn();
            completeIfDone();
        });
    }

    /**
     * Launches the next candidate in order, if a further one may start ({@link Launch}). It first waits for a permit
     * to open a connection to its server; its stagger starts when its TCP connect does. Candidates a busy one holds
     * back are recorded as such on the way, never started.
     */
    private void launchNext() {
        Launch.Next next = launch.next(states(), nextToLaunch, ended || winner >= 0);
        for (Launch.HeldBack held : next.heldBack()) {
            Lane lane = lanes.get(held.lane());
            Lane busy = lanes.get(held.by());
            lane.settle(explainedAs(Attempt.of(lane.candidate(), Outcome.NOT_TRIED, Duration.ZERO,
                    Wording.heldBack(busy.candidate(), lane.candidate().security(), busy.retryAfter())),
                    Explanation.Cause.HELD_BACK));
        }
        nextToLaunch = next.nextToLaunch();
        if (next.start() < 0) {
            completeIfDone();
            return;
        }
        lanes.get(next.start()).queue();
    }

    /** What the rules see of every lane now, in preference order (caller holds the monitor). */
    private List<LaneState> states() {
        List<LaneState> states = new ArrayList<>(lanes.size());
        for (Lane lane : lanes) {
            states.add(lane.view());
        }
        return states;
    }

    /**
     * Never a less secure one on a "not now": {@code busy} was recorded busy, so every less preferred lane with
     * weaker security that has started is stopped before its credentials (caller holds the monitor); the ones not
     * started are held back as {@link #launchNext()} reaches them.
     */
    private void holdBackWeakerThan(Lane busy) {
        for (int index : Turns.heldBackBy(states(), busy.index())) {
            Lane lane = lanes.get(index);
            lane.stop(Outcome.NOT_TRIED, Wording.heldBack(busy.candidate(), lane.candidate().security(),
                    busy.retryAfter()), Explanation.Cause.HELD_BACK);
        }
    }

    /**
     * Lets the most preferred unresolved candidate authenticate if it is ready. After the patience window, first
     * gives up more preferred candidates that have not connected while a less preferred one is ready (their
     * sockets are closed once the monitor is let go of).
     */
    private void grantTurn() {
        if (ended || winner >= 0) {
            return;
        }
        if (patienceOver) {
            List<LaneState> states = states();
            int ready = Turns.firstReady(states);
            for (int index : Turns.abandoned(states)) {
                Duration patience = Objects.requireNonNull(rules.patience(), "patience");
                lanes.get(index).stop(Outcome.ABANDONED, Wording.abandoned(patience, lanes.get(ready).candidate()), null);
            }
        }
        int turn = Turns.turn(states());
        if (turn >= 0) {
            lanes.get(turn).giveTurn();
        }
    }

    /** Records the lanes never launched as {@code outcome}, and {@code cause} when it says more than the outcome. */
    private void settleUnlaunched(Outcome outcome, String detail, Explanation.@Nullable Cause cause) {
        for (Lane lane : lanes) {
            if (lane.pending()) {
                lane.settle(Lane.explained(Attempt.of(lane.candidate(), outcome, Duration.ZERO, detail), cause));
            }
        }
        nextToLaunch = lanes.size();
    }

    /**
     * Completes the integration once every attempt has finished and told the listener so. The listener's last
     * events and the result's completion are handed to the timeline's thread, once the monitor is let go of.
     */
    private void completeIfDone() {
        if (completed || !lanes.stream().allMatch(Lane::done)) {
            return;
        }
        completed = true;
        timers.forEach(Timeline.Scheduled::cancel);
        List<Attempt> attempts = new ArrayList<>();
        List<Attempt> unannounced = new ArrayList<>();
        for (Lane lane : lanes) {
            Attempt attempt = lane.attempt();
            attempts.add(attempt);
            if (!lane.endEmitted()) {
                unannounced.add(attempt);
            }
        }
        IntegrationResult of = IntegrationResult.of(integration.emailAddress(), attempts,
                Duration.ofNanos(timeline.nanoTime() - startNanos));
        IntegrationResult done = discovered == null ? of : withDiscovered(of, discovered);
        SafeListener listener = rules.listener();
        decisions.afterwards(() -> timeline.execute(() -> {
            unannounced.forEach(attempt -> listener.attemptEnd(integration, attempt));
            listener.integrationEnd(integration, done);
            result.complete(done);
        }));
    }

    private void schedule(Runnable action, Duration delay) {
        timers.add(timeline.schedule(action, delay));
    }

    /** The race's side of its lanes: the decisions that look at more than one lane (caller holds the monitor). */
    private final class Host implements LaneHost {
        @Override
        public long raceStart() {
            return startNanos;
        }

        @Override
        public boolean over() {
            return ended || winner >= 0;
        }

        @Override
        public void connectBegan(boolean first, boolean resolved) {
            Duration stagger = launch.staggerOnConnect(first, resolved, nextToLaunch, lanes.size());
            if (stagger == null) {
                return;
            }
            int expected = nextToLaunch;
            schedule(() -> decisions.decide(() -> {
                if (nextToLaunch == expected) {
                    launchNext();
                }
            }), stagger);
        }

        @Override
        public void grantTurn() {
            Race.this.grantTurn();
        }

        @Override
        public void won(Lane lane) {
            winner = lane.index();
            for (int index : Turns.running(states(), lane.index() + 1)) {
                lanes.get(index).stop(Outcome.SUPERSEDED, Wording.superseded(lane.candidate()), null);
            }
            settleUnlaunched(Outcome.NOT_TRIED, Wording.notNeededBeforeStart(), null);
        }

        /** What a recorded attempt means for the others: the end at a rejection, held back, the next, the turn. */
        @Override
        public void finished(Lane lane, Attempt finished) {
            if (Turns.endsRace(finished.outcome(), rules.stopOnAuthFailure()) && !ended) {
                ended = true;
                String detail = Wording.stoppedAtFirstRejection(lane.candidate(),
                        finished.outcome() == Outcome.TOKEN_REJECTED);
                for (int index : Turns.running(states(), 0)) {
                    lanes.get(index).stop(Outcome.NOT_TRIED, detail, Explanation.Cause.STOPPED_AT_REJECTION);
                }
                settleUnlaunched(Outcome.NOT_TRIED, detail, Explanation.Cause.STOPPED_AT_REJECTION);
            }
            if (finished.outcome() == Outcome.BUSY && !ended && winner < 0) {
                holdBackWeakerThan(lane);
            }
            if (!finished.outcome().isAuthenticated()) {
                launchNext();
            }
            Race.this.grantTurn();
            Race.this.completeIfDone();
        }

        @Override
        public void completeIfDone() {
            Race.this.completeIfDone();
        }
    }
}
