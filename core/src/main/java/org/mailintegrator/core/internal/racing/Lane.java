package org.mailintegrator.core.internal.racing;

import static org.mailintegrator.core.internal.ResultAccess.explainedAs;
import static org.mailintegrator.core.internal.ResultAccess.withAddress;
import static org.mailintegrator.core.internal.ResultAccess.withCause;
import static org.mailintegrator.core.internal.ResultAccess.withPhase;
import static org.mailintegrator.core.internal.ResultAccess.withProvenance;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.Explanation;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.Phase;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.internal.Timeline;
import org.mailintegrator.core.internal.Wording;
import org.mailintegrator.core.internal.planning.Route;
import org.mailintegrator.core.internal.racing.LaneState.Stage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One candidate's place in a race, and the attempt's way to report to it: the lane's state and its transitions.
 * The attempt calls, in order: {@link #begin}, {@link #connecting()} when its TCP connect starts,
 * {@link #readyForTurn()} and {@link #startLogin()} before its credentials, {@link #won()} if they were accepted, then
 * {@link #end} and {@link #announced}. What looks at more than this lane (who starts next, whose turn it is, what a
 * win or a recorded attempt means for the others) it asks of its {@link LaneHost}, the race. Thread-safe: every
 * method takes the race's monitor, and one that changes the race runs what it decided after letting go of it
 * ({@link Decisions}).
 */
public final class Lane {
    private static final Logger log = LoggerFactory.getLogger(Lane.class);

    private final Route route;
    private final ProtocolCandidate candidate;
    private final LaneHost host;
    private final Decisions decisions;
    private final Race.Starter starter;
    private final ConnectionLimiter limiter;
    private final Deadlines deadlines;
    private final Timeline timeline;
    private Stage state = Stage.PENDING;
    private @Nullable CompletableFuture<@Nullable Void> turn;
    private @Nullable Attempt attempt;
    private @Nullable Outcome stopOutcome;
    private @Nullable String stopDetail;
    /** Why the race stopped it, when that says more than {@link #stopOutcome}: recorded with its attempt. */
    private Explanation.@Nullable Cause stopCause;
    private @Nullable Connection connection;
    private ConnectionLimiter.@Nullable Ticket ticket;
    private Timeline.@Nullable Scheduled watchdog;
    private Timeline.@Nullable Scheduled retry;
    private long firstStart;
    private boolean started;
    private boolean endPending;
    private boolean staggerPending;
    private boolean endEmitted;
    /** The answers of its server that meant "not now". */
    private final NotNow notNow = new NotNow();
    private Phase lastPhase = Phase.NOT_STARTED;

    /**
     * The lane of {@code route} in the race {@code host}, deciding under {@code decisions}' monitor; its tries are
     * handed to {@code starter} once a permit of {@code limiter} is granted.
     */
    Lane(Route route, LaneHost host, Decisions decisions, Race.Starter starter, ConnectionLimiter limiter,
            Deadlines deadlines, Timeline timeline) {
        this.route = route;
        this.candidate = route.candidate();
        this.host = host;
        this.decisions = decisions;
        this.starter = starter;
        this.limiter = limiter;
        this.deadlines = deadlines;
        this.timeline = timeline;
    }

    public ProtocolCandidate candidate() {
        return candidate;
    }

    /** The connection permit this lane holds while it runs. */
    public ConnectionLimiter.@Nullable Ticket permit() {
        synchronized (decisions.monitor()) {
            return ticket;
        }
    }

    /** The attempt recorded for this lane, once it has one. */
    public @Nullable Attempt attempt() {
        synchronized (decisions.monitor()) {
            return attempt;
        }
    }

    /**
     * A try begins on {@code tryConnection}. The pre-login deadline starts now. If the lane was stopped
     * meanwhile, it is finished here and the try must not run.
     */
    public Race.Start begin(Connection tryConnection) {
        return decisions.decide(() -> {
            if (stopOutcome != null) {
                if (attempt == null) {
                    finish(withPhase(stopped(elapsed()), lastPhase));
                }
                return Race.Start.STOPPED;
            }
            boolean first = !started;
            if (first) {
                started = true;
                firstStart = timeline.nanoTime();
            }
            state = Stage.CONNECTING;
            connection = tryConnection;
            armWatchdog(deadlines.attemptTimeout());
            staggerPending = first;
            return first ? Race.Start.FIRST : Race.Start.RETRY;
        });
    }

    /**
     * The try's TCP connect starts. The stagger runs from here: it is the grace period for the connection to
     * be established before the next candidate may start (resolving and setting up are not counted, so that
     * a busy machine does not start candidates that a calm one would not).
     */
    public void connecting() {
        decisions.decide(() -> {
            host.connectBegan(staggerPending, resolved());
            staggerPending = false;
        });
    }

    /**
     * The attempt is ready to send its credentials. The returned future completes when it may (or when the
     * lane was stopped, which {@link #startLogin()} then reports). The pre-login deadline pauses meanwhile.
     */
    public CompletableFuture<@Nullable Void> readyForTurn() {
        CompletableFuture<@Nullable Void> myTurn = new CompletableFuture<>();
        decisions.decide(() -> {
            cancelWatchdog();
            turn = myTurn;
            if (resolved()) {
                myTurn.complete(null);
                return;
            }
            state = Stage.READY;
            host.grantTurn();
        });
        return myTurn;
    }

    /**
     * The turn was given: the login starts, with its own deadline.
     *
     * @throws IOException if the lane was stopped instead (it lost, or the integration ended)
     */
    public void startLogin() throws IOException {
        synchronized (decisions.monitor()) {
            if (stopOutcome != null) {
                throw new IOException("stopped before authenticating: " + stopDetail);
            }
            state = Stage.AUTHENTICATING;
            armWatchdog(deadlines.loginBudget());
        }
    }

    /** The credentials were accepted: this lane wins, and every less preferred one still running is stopped. */
    public void won() {
        decisions.decide(() -> host.won(this));
    }

    /**
     * The try is over. Returns the attempt recorded for the lane, which the caller announces to the listener
     * and then confirms with {@link #announced}; or null when the race keeps the lane going (a retry after a
     * busy answer) or had already recorded its attempt.
     */
    public @Nullable Attempt end(TryEnd end) {
        return decisions.decide(() -> {
            cancelWatchdog();
            endPending = true;
            lastPhase = end.phase();
            if (attempt != null) {
                return null;
            }
            Duration elapsed = elapsed();
            Attempt outcome;
            NotNow.Kind notNowKind = null;
            if (end.outcome() != Outcome.AUTHENTICATED && stopOutcome == null) {
                ConnectionLimiter.Ticket held = ticket;
                // only the limiter knows whether the server holds other connections of ours: ask it once
                notNowKind = NotNow.of(end, end.closedBeforeGreeting() && held != null
                        && held.closedBeforeGreeting());
            }
            if (end.outcome() == Outcome.AUTHENTICATED) {
                outcome = Attempt.of(candidate, Outcome.AUTHENTICATED, elapsed, end.detail());
            } else if (stopOutcome != null) {
                outcome = stopped(elapsed);
            } else if (notNowKind != null && retryNotNow(notNowKind, end)) {
                return null;
            } else if (end.tryAgain() && retryNow()) {
                return null;
            } else if (notNowKind != null) {
                outcome = notNow.recorded(candidate, elapsed);
            } else {
                outcome = Attempt.of(candidate, end.outcome(), elapsed, end.detail());
                if (end.cause() != null) {
                    outcome = withCause(outcome, end.cause());
                }
                if (end.explainedAs() != null) {
                    outcome = explainedAs(outcome, end.explainedAs());
                }
            }
            outcome = withPhase(outcome, end.phase());
            if (end.address() != null) {
                outcome = withAddress(outcome, end.address());
            }
            finish(outcome);
            return attempt;
        });
    }

    /** The end of the try has been told to the listener (if there was an attempt to tell). */
    public void announced(boolean attemptEndEmitted) {
        decisions.decide(() -> {
            endPending = false;
            endEmitted |= attemptEndEmitted;
            host.completeIfDone();
        });
    }

    /**
     * The executor refused to run the try: the candidate is recorded as not tried, explained as
     * {@link Explanation.Cause#NOT_RUN}, unless the race had stopped it meanwhile (then as stopped). Call it
     * holding no lock of the race.
     */
    public void notRun(RejectedExecutionException refusal) {
        decisions.decide(() -> {
            if (attempt != null) {
                return;
            }
            if (stopOutcome != null) {
                finish(withPhase(stopped(elapsed()), lastPhase));
            } else {
                finish(explainedAs(Attempt.of(candidate, Outcome.NOT_TRIED, Duration.ZERO,
                        Wording.notRun(String.valueOf(refusal.getMessage()))), Explanation.Cause.NOT_RUN));
            }
        });
    }

    /** Time since the candidate's first try began; zero before. */
    public Duration elapsed() {
        synchronized (decisions.monitor()) {
            return started ? Duration.ofNanos(timeline.nanoTime() - firstStart) : Duration.ZERO;
        }
    }

    // The race's side: each of these is called holding the race's monitor.

    /** The candidate's position in preference order. */
    int index() {
        return route.index();
    }

    /** What the race's rules see of this lane now. */
    LaneState view() {
        Connection current = connection;
        return new LaneState(state, resolved(), current != null && current.isConnected(), notNow.any(),
                candidate.security(), attempt != null && attempt.outcome() == Outcome.BUSY);
    }

    /** Whether this lane can no longer win or block others: finished, or stopped by the race. */
    boolean resolved() {
        return attempt != null || stopOutcome != null;
    }

    /** Whether it has not been launched. */
    boolean pending() {
        return state == Stage.PENDING;
    }

    /** Whether a try of it has begun. */
    boolean started() {
        return started;
    }

    /** Whether its attempt is recorded and the end of its last try has been told. */
    boolean done() {
        return attempt != null && !endPending;
    }

    /** Whether the listener was told of its attempt's end. */
    boolean endEmitted() {
        return endEmitted;
    }

    /** The wait its server last advertised before the next login, if it did. */
    @Nullable Duration retryAfter() {
        return notNow.retryAfter();
    }

    /** Records {@code settled} as this lane's attempt without a try: it never runs. */
    void settle(Attempt settled) {
        state = Stage.FINISHED;
        attempt = traced(settled);
    }

    /** Lets the lane authenticate, if it waits for its turn. */
    void giveTurn() {
        if (turn != null) {
            turn.complete(null);
        }
    }

    /**
     * The lane waits for a connection permit, then is handed to the starter. Granted now: this thread submits it
     * once it lets go of the monitor; granted later: the thread that frees a permit does, holding no lock of the race.
     */
    void queue() {
        state = Stage.QUEUED;
        ConnectionLimiter.Ticket granted = limiter.ticket(route.server());
        ticket = granted;
        if (granted.request(this::submit)) {
            decisions.afterwards(this::submit);
        }
    }

    /**
     * Marks the lane stopped; its sockets are closed once the monitor is let go of. A lane that is not running
     * (waiting for a connection permit, or backing off from a busy server) is finished at once. {@code cause}: why,
     * when that says more than {@code outcome}; recorded with the attempt.
     */
    void stop(Outcome outcome, String detail, Explanation.@Nullable Cause cause) {
        if (resolved()) {
            return;
        }
        stopOutcome = outcome;
        stopDetail = detail;
        stopCause = cause;
        Connection current = connection;
        if (current != null) {
            // the socket belongs to a thread that may be blocked in I/O on it: closing it ends that at once
            decisions.afterwards(current::closeAll);
        }
        giveTurn();
        boolean idle = state == Stage.BACKING_OFF || state == Stage.QUEUED && ticket != null && ticket.withdraw();
        if (idle) {
            if (retry != null) {
                retry.cancel();
            }
            if (notNow.any() && outcome == Outcome.TIMED_OUT) {
                // the deadline came while it waited to try again: what the server last said is the story
                attempt = traced(notNow.recorded(candidate, elapsed()));
            } else {
                String recordedDetail = state == Stage.QUEUED && outcome == Outcome.TIMED_OUT
                        ? detail + Wording.stillQueued(candidate) : detail;
                attempt = traced(explained(withPhase(Attempt.of(candidate, outcome, elapsed(), recordedDetail),
                        lastPhase), cause));
            }
            state = Stage.FINISHED;
            releasePermit();
        }
    }

    /** {@code attempt}, with {@code cause} when it says more than the outcome. */
    static Attempt explained(Attempt attempt, Explanation.@Nullable Cause cause) {
        return cause == null ? attempt : explainedAs(attempt, cause);
    }

    /** {@code attempt}, with where its host came from when discovery named it. */
    private Attempt traced(Attempt attempt) {
        return route.provenance().map(provenance -> withProvenance(attempt, provenance)).orElse(attempt);
    }

    /** Hands a try to the starter; runs outside the race's monitor. */
    private void submit() {
        try {
            starter.start(this);
        } catch (RejectedExecutionException e) {
            notRun(e);
        }
    }

    /**
     * Gives the connection permit back once the monitor is let go of (it may grant a waiting request, whose
     * callback then runs on that thread).
     */
    private void releasePermit() {
        ConnectionLimiter.Ticket held = ticket;
        if (held != null) {
            decisions.afterwards(held::release);
        }
        ticket = null;
    }

    /** The attempt of this lane as the race stopped it: its stop outcome and words, and its cause if any. */
    private Attempt stopped(Duration elapsed) {
        return explained(Attempt.of(candidate, Objects.requireNonNull(stopOutcome, "stopped"), elapsed,
                Objects.requireNonNull(stopDetail, "stopped")), stopCause);
    }

    /**
     * After a "not now" ({@link NotNow}): schedules another try while the busy window and the integration's
     * deadline allow. The lane counts as alive meanwhile, so that no less preferred candidate is started or
     * allowed to authenticate in its place. After a busy answer or a login delay it keeps its connection permit;
     * after a connection limit it gives it back and asks for one again when the wait is over, so that the
     * limit the limiter has just learned holds for it too.
     *
     * @return whether a retry was scheduled
     */
    private boolean retryNotNow(NotNow.Kind kind, TryEnd end) {
        notNow.answered(kind, end);
        Duration wait = notNow.nextTry(timeline.nanoTime(), deadlines.retryLimit(host.raceStart(), firstStart));
        if (host.over() || wait == null) {
            return false;
        }
        log.debug("{} said not now ({}); trying again in {} ms: {}", candidate, kind, wait.toMillis(),
                end.detail());
        state = Stage.BACKING_OFF;
        if (notNow.lastWasConnectionLimit()) {
            releasePermit();
        }
        retry = timeline.schedule(this::retry, wait);
        return true;
    }

    /**
     * After new credentials: another try at once, keeping the lane's place and permit as a busy retry does.
     *
     * @return whether it was scheduled (not when the race is over)
     */
    private boolean retryNow() {
        if (host.over()) {
            return false;
        }
        log.debug("{}: trying again with new credentials", candidate);
        state = Stage.BACKING_OFF;
        retry = timeline.schedule(this::retry, Duration.ZERO);
        return true;
    }

    /**
     * The wait is over: the try is handed to the starter again, with the permit it kept, or once it has a new
     * one.
     */
    private void retry() {
        decisions.decide(() -> {
            if (state != Stage.BACKING_OFF || resolved()) {
                return;
            }
            if (ticket == null) {
                queue();
            } else {
                state = Stage.QUEUED;
                decisions.afterwards(this::submit);
            }
        });
    }

    /** Records the lane's attempt; the race decides what follows: the next candidate, the turn, the end. */
    private void finish(Attempt outcome) {
        Attempt finished = traced(outcome);
        attempt = finished;
        state = Stage.FINISHED;
        releasePermit();
        log.debug("{} -> {} in {} ms: {}", candidate, finished.outcome(), finished.elapsed().toMillis(),
                finished.detail());
        host.finished(this, finished);
    }

    private void armWatchdog(Duration limit) {
        watchdog = timeline.schedule(() -> decisions.decide(() -> {
            if (resolved() || !Deadlines.stops(state)) {
                return;
            }
            boolean loggingIn = connection != null && connection.phase() == Phase.LOGIN;
            stop(Outcome.TIMED_OUT, Wording.attemptDeadline(candidate, loggingIn, limit), null);
        }), limit);
    }

    private void cancelWatchdog() {
        if (watchdog != null) {
            watchdog.cancel();
            watchdog = null;
        }
    }

    @Override
    public String toString() {
        synchronized (decisions.monitor()) {
            return route + " " + state;
        }
    }
}
