package org.mailintegrator.core.internal.racing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.DiscoveredHosts;
import org.mailintegrator.core.Explanation;
import org.mailintegrator.core.IntegrationListener.Integration;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.Phase;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.internal.SafeListener;
import org.mailintegrator.core.internal.Timeline;
import org.mailintegrator.core.internal.Wording;
import org.mailintegrator.core.internal.planning.Plan;
import org.mailintegrator.core.internal.planning.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * its {@link Lane}. Time comes from a {@link Timeline}, so the rules can be driven by a manual clock.
 *
 * <p>All state is guarded by this object's monitor, and nothing but deciding happens under it. A thread that
 * enters the race (the caller that starts it, the timer that runs a deadline, the stagger or a busy retry, the
 * application that cancels, an attempt that reports) decides under the monitor what is to be done, as actions
 * appended to a list that only the monitor's holder touches; it takes them out before it lets go of the monitor and
 * runs them after: handing a try to the starter, closing a stopped attempt's sockets, giving a connection permit
 * back, completing the result. So no lock of the race is held while an executor is called, a socket is closed or a
 * listener runs, and a timer or a cancellation never waits for an attempt's I/O. The starter is thus called on
 * whichever thread decided: it must hand the try off and return, never run it nor wait for a thread (the
 * engine's starter hands it to the executor from a thread of the engine's own where the executor might not; see
 * {@code Engine}). Thread-safe.
 */
public final class Race {
    private static final Logger log = LoggerFactory.getLogger(Race.class);

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

    /**
     * How a try ended, as the attempt saw it; the race turns it into the lane's {@link Attempt} or a retry.
     * {@code tryAgain}: the credentials changed (a refreshed access token), so the candidate is tried once more at
     * once, keeping its place, unless the race is over. {@code explainedAs}: the cause, where the outcome alone does
     * not tell it ({@link Attempt#explainedAs()}), else null. {@code closedBeforeGreeting}: the server closed or reset
     * the established connection before it sent anything of its greeting (on implicit TLS: during or right after the
     * handshake), with no credential sent, no certificate at fault and the race not the one that closed it; whether
     * that was a connection limit is the {@link ConnectionLimiter}'s to say. {@code retryAfter}: how long the server
     * said to wait before the next login (the {@code LOGIN-DELAY} it advertised), when it said so, else null.
     */
    public record TryEnd(Outcome outcome, String detail, @Nullable Throwable cause, Phase phase,
            @Nullable InetSocketAddress address, boolean tryAgain, Explanation.@Nullable Cause explainedAs,
            boolean closedBeforeGreeting, @Nullable Duration retryAfter) {
        public TryEnd(Outcome outcome, String detail, @Nullable Throwable cause, Phase phase,
                @Nullable InetSocketAddress address, boolean tryAgain, Explanation.@Nullable Cause explainedAs) {
            this(outcome, detail, cause, phase, address, tryAgain, explainedAs, false, null);
        }

        public TryEnd(Outcome outcome, String detail, @Nullable Throwable cause, Phase phase,
                @Nullable InetSocketAddress address, boolean tryAgain) {
            this(outcome, detail, cause, phase, address, tryAgain, null);
        }

        public TryEnd(Outcome outcome, String detail, @Nullable Throwable cause, Phase phase,
                @Nullable InetSocketAddress address) {
            this(outcome, detail, cause, phase, address, false);
        }

        /** This end, with the server's connection closed before its greeting. */
        public TryEnd closedEarly() {
            return new TryEnd(outcome, detail, cause, phase, address, tryAgain, explainedAs, true, retryAfter);
        }

        /** This end, with the wait the server asked for before the next login. */
        public TryEnd retryingAfter(@Nullable Duration wait) {
            return new TryEnd(outcome, detail, cause, phase, address, tryAgain, explainedAs, closedBeforeGreeting,
                    wait);
        }
    }

    /**
     * PENDING: not launched; QUEUED: waiting for a connection permit or a thread; CONNECTING: resolving,
     * connecting, TLS, greeting; READY: waiting for its turn to authenticate; AUTHENTICATING; BACKING_OFF: the
     * server said "not now", a retry is scheduled; FINISHED.
     */
    private enum State { PENDING, QUEUED, CONNECTING, READY, AUTHENTICATING, BACKING_OFF, FINISHED }

    private final Rules rules;
    private final Timeline timeline;
    private final Integration integration;
    private final Starter starter;
    private final @Nullable DiscoveredHosts discovered;
    private final List<Lane> lanes = new ArrayList<>();
    private final CompletableFuture<IntegrationResult> result = new CompletableFuture<>();
    private final List<Timeline.Scheduled> timers = new ArrayList<>();
    /** What the thread holding the monitor decided to do once it lets go of it; see {@link #decide(Supplier)}. */
    private final List<Runnable> actions = new ArrayList<>();
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
        this.integration = integration;
        this.starter = starter;
        for (Route route : routes) {
            Lane lane = new Lane(route);
            route.skipped().ifPresent(reason -> {
                lane.state = State.FINISHED;
                lane.attempt = lane.traced(route.explained(Attempt.of(route.candidate(), route.skippedAs(), Duration.ZERO, reason)));
            });
            lanes.add(lane);
        }
    }

    /**
     * Starts the race; the future completes when every attempt has finished and told the listener so. The first
     * candidate is handed to the starter before this method returns, and never run on the calling thread.
     */
    public CompletableFuture<IntegrationResult> start() {
        decide(() -> {
            startNanos = timeline.nanoTime();
            schedule(this::deadlinePassed, rules.integrationTimeout());
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
        endAll(null, Wording.deadlineBeforeStart(rules.integrationTimeout()), Outcome.TIMED_OUT, Outcome.NOT_TRIED,
                Explanation.Cause.DEADLINE_PASSED, false);
    }

    /**
     * Ends the race: stops every unresolved lane (launched ones only, unless {@code pendingToo}) and settles those
     * never launched. {@code notStartedCause}, if any, is recorded for the lanes that never began a try.
     */
    private void endAll(@Nullable String runningDetail, String unlaunchedDetail, Outcome outcome,
            Outcome unlaunchedOutcome, Explanation.@Nullable Cause notStartedCause, boolean pendingToo) {
        decide(() -> {
            if (ended || completed) {
                return;
            }
            ended = true;
            for (Lane lane : lanes) {
                if (!lane.resolved() && (pendingToo || lane.state != State.PENDING)) {
                    String detail = runningDetail != null ? runningDetail
                            : Wording.deadlineWhileRunning(rules.integrationTimeout(), lane.candidate);
                    lane.stop(outcome, detail, lane.started ? null : notStartedCause);
                }
            }
            settleUnlaunched(unlaunchedOutcome, unlaunchedDetail, notStartedCause);
            completeIfDone();
        });
    }

    private void patienceOver() {
        decide(() -> {
            patienceOver = true;
            grantTurn();
            completeIfDone();
        });
    }

    /**
     * Runs {@code decision} under the monitor, then, after letting go of it, the actions it decided: the one way
     * into the race for a thread that may change its state.
     */
    private void decide(Runnable decision) {
        decide(() -> {
            decision.run();
            return null;
        });
    }

    /**
     * Runs {@code decision} under the monitor and returns its answer; the actions it decided ({@link #afterwards})
     * are taken out before the monitor is let go of and run by this thread after, in the order decided. Never called
     * with the monitor held: the actions would run under it.
     */
    private <T> T decide(Supplier<T> decision) {
        assert !Thread.holdsLock(this) : "the race's actions must run outside its monitor";
        T answer;
        List<Runnable> decided;
        synchronized (this) {
            answer = decision.get();
            decided = List.copyOf(actions);
            actions.clear();
        }
        for (Runnable action : decided) {
            try {
                action.run();
            } catch (RuntimeException e) {
                log.error("An action of the race failed; the others still run", e);
            }
        }
        return answer;
    }

    /** Something to do once the monitor is let go of, by the thread that decided it (caller holds the monitor). */
    private void afterwards(Runnable action) {
        actions.add(action);
    }

    /**
     * Launches the next candidate in order, if a further one may start ({@link #mayLaunchMore()}). It first waits
     * for a permit to open a connection to its server; its stagger starts when its TCP connect does. Candidates a
     * busy one holds back ({@link #busyAndStronger}) are recorded as such on the way, never started.
     */
    private void launchNext() {
        while (nextToLaunch < lanes.size()) {
            Lane next = lanes.get(nextToLaunch);
            if (next.state != State.FINISHED) {
                Lane busy = ended || winner >= 0 ? null : busyAndStronger(next);
                if (busy == null) {
                    break;
                }
                next.state = State.FINISHED;
                next.attempt = next.traced(Attempt.of(next.candidate, Outcome.NOT_TRIED, Duration.ZERO,
                        Wording.heldBack(busy.candidate, next.candidate.security(), busy.notNow.retryAfter()))
                        .explainedAs(Explanation.Cause.HELD_BACK));
            }
            nextToLaunch++;
        }
        if (ended || winner >= 0 || nextToLaunch >= lanes.size() || !mayLaunchMore()) {
            completeIfDone();
            return;
        }
        queue(lanes.get(nextToLaunch++));
    }

    /**
     * The lane waits for a connection permit, then is handed to the starter (caller holds the monitor). Granted
     * now: this thread submits it once it lets go of the monitor; granted later: the thread that frees a permit
     * does, holding no lock of this race.
     */
    private void queue(Lane lane) {
        lane.state = State.QUEUED;
        ConnectionLimiter.Ticket ticket = rules.limiter().ticket(lane.route.server());
        lane.ticket = ticket;
        if (ticket.request(() -> submit(lane))) {
            afterwards(() -> submit(lane));
        }
    }

    /**
     * The most preferred lane before {@code lane} that was recorded {@link Outcome#BUSY} with a security stronger
     * than {@code lane}'s, which therefore holds it back; null when none does.
     */
    private @Nullable Lane busyAndStronger(Lane lane) {
        for (Lane before : lanes.subList(0, lane.route.index())) {
            if (before.attempt != null && before.attempt.outcome() == Outcome.BUSY
                    && !Plan.meets(lane.candidate.security(), before.candidate.security())) {
                return before;
            }
        }
        return null;
    }

    /**
     * Never a less secure one on a "not now": {@code busy} was recorded busy, so every less preferred lane with
     * weaker security that has started is stopped before its credentials (caller holds the monitor); the ones not
     * started are held back as {@link #launchNext()} reaches them.
     */
    private void holdBackWeakerThan(Lane busy) {
        for (Lane lane : lanes.subList(busy.route.index() + 1, lanes.size())) {
            if (!lane.resolved() && lane.state != State.PENDING
                    && !Plan.meets(lane.candidate.security(), busy.candidate.security())) {
                lane.stop(Outcome.NOT_TRIED, Wording.heldBack(busy.candidate, lane.candidate.security(),
                        busy.notNow.retryAfter()), Explanation.Cause.HELD_BACK);
            }
        }
    }

    /**
     * Connections are raced, not servers: a further candidate may start only while every launched, unresolved one
     * has its connection permit and none of them has connected (a connected server is alive, and is waited for).
     */
    private boolean mayLaunchMore() {
        for (Lane lane : lanes.subList(0, nextToLaunch)) {
            if (!lane.resolved() && (lane.state == State.QUEUED || lane.isAlive())) {
                return false;
            }
        }
        return true;
    }

    /** Hands a lane's try to the starter; runs outside this race's monitor. */
    private void submit(Lane lane) {
        try {
            starter.start(lane);
        } catch (RejectedExecutionException e) {
            lane.notRun(e);
        }
    }

    /**
     * Gives a connection permit back once the monitor is let go of (it may grant a waiting request, whose callback
     * then runs on this thread).
     */
    private void release(ConnectionLimiter.@Nullable Ticket ticket) {
        if (ticket != null) {
            afterwards(ticket::release);
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
            Lane ready = lanes.stream().filter(lane -> lane.state == State.READY && !lane.resolved()).findFirst()
                    .orElse(null);
            if (ready != null) {
                for (Lane higher : lanes.subList(0, ready.route.index())) {
                    boolean up = higher.connection != null && higher.connection.isConnected() || higher.notNow.any();
                    if (!higher.resolved() && !up
                            && (higher.state == State.QUEUED || higher.state == State.CONNECTING)) {
                        Duration patience = Objects.requireNonNull(rules.patience(), "patience");
                        higher.stop(Outcome.ABANDONED, Wording.abandoned(patience, ready.candidate), null);
                    }
                }
            }
        }
        for (Lane lane : lanes) {
            if (!lane.resolved()) {
                if (lane.state == State.READY && lane.turn != null) {
                    lane.turn.complete(null);
                }
                break;
            }
        }
    }

    /** Records the lanes never launched as {@code outcome}, and {@code cause} when it says more than the outcome. */
    private void settleUnlaunched(Outcome outcome, String detail, Explanation.@Nullable Cause cause) {
        for (Lane lane : lanes) {
            if (lane.state == State.PENDING) {
                lane.state = State.FINISHED;
                lane.attempt = lane.traced(explained(Attempt.of(lane.candidate, outcome, Duration.ZERO, detail),
                        cause));
            }
        }
        nextToLaunch = lanes.size();
    }

    private static Attempt explained(Attempt attempt, Explanation.@Nullable Cause cause) {
        return cause == null ? attempt : attempt.explainedAs(cause);
    }

    /**
     * Completes the integration once every attempt has finished and told the listener so. The listener's last
     * events and the result's completion are handed to the timeline's thread, once the monitor is let go of.
     */
    private void completeIfDone() {
        if (completed || lanes.stream().anyMatch(lane -> lane.attempt == null || lane.endPending)) {
            return;
        }
        completed = true;
        timers.forEach(Timeline.Scheduled::cancel);
        List<Attempt> attempts = new ArrayList<>();
        List<Attempt> unannounced = new ArrayList<>();
        for (Lane lane : lanes) {
            Attempt attempt = lane.attempt;
            attempts.add(attempt);
            if (!lane.endEmitted) {
                unannounced.add(attempt);
            }
        }
        IntegrationResult of = IntegrationResult.of(integration.emailAddress(), attempts,
                Duration.ofNanos(timeline.nanoTime() - startNanos));
        IntegrationResult done = discovered == null ? of : of.withDiscovered(discovered);
        SafeListener listener = rules.listener();
        afterwards(() -> timeline.execute(() -> {
            unannounced.forEach(attempt -> listener.attemptEnd(integration, attempt));
            listener.integrationEnd(integration, done);
            result.complete(done);
        }));
    }

    private void schedule(Runnable action, Duration delay) {
        timers.add(timeline.schedule(action, delay));
    }

    /**
     * One candidate's place in the race, and the attempt's way to report to it. The attempt calls, in order:
     * {@link #begin}, {@link #connecting()} when its TCP connect starts, {@link #readyForTurn()} and
     * {@link #startLogin()} before its credentials, {@link #won()} if they were accepted, then {@link #end} and
     * {@link #announced}. Thread-safe: every method takes the race's monitor, and one that changes the race runs
     * what it decided after letting go of it ({@link Race#decide(Supplier)}).
     */
    public final class Lane {
        private final Route route;
        private final ProtocolCandidate candidate;
        private State state = State.PENDING;
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

        private Lane(Route route) {
            this.route = route;
            this.candidate = route.candidate();
        }

        public ProtocolCandidate candidate() {
            return candidate;
        }

        /** The connection permit this lane holds while it runs. */
        public ConnectionLimiter.@Nullable Ticket permit() {
            synchronized (Race.this) {
                return ticket;
            }
        }

        /** The attempt recorded for this lane, once it has one. */
        public @Nullable Attempt attempt() {
            synchronized (Race.this) {
                return attempt;
            }
        }

        /** {@code attempt}, with where its host came from when discovery named it. */
        private Attempt traced(Attempt attempt) {
            return route.provenance().map(attempt::withProvenance).orElse(attempt);
        }

        /** Whether this lane can no longer win or block others: finished, or stopped by the race. */
        private boolean resolved() {
            return attempt != null || stopOutcome != null;
        }

        /**
         * Connected, or known to be up: waiting for its turn, authenticating, or its server said "not now" (it is
         * backing off, or trying again).
         */
        private boolean isAlive() {
            return state == State.READY || state == State.AUTHENTICATING || state == State.BACKING_OFF
                    || notNow.any() || state == State.CONNECTING && connection != null && connection.isConnected();
        }

        /**
         * A try begins on {@code tryConnection}. The pre-login deadline starts now. If the lane was stopped
         * meanwhile, it is finished here and the try must not run.
         */
        public Start begin(Connection tryConnection) {
            return decide(() -> {
                if (stopOutcome != null) {
                    if (attempt == null) {
                        finish(stopped(elapsed()).withPhase(lastPhase));
                    }
                    return Start.STOPPED;
                }
                boolean first = !started;
                if (first) {
                    started = true;
                    firstStart = timeline.nanoTime();
                }
                state = State.CONNECTING;
                connection = tryConnection;
                armWatchdog(rules.attemptTimeout());
                staggerPending = first && rules.stagger() != null;
                return first ? Start.FIRST : Start.RETRY;
            });
        }

        /**
         * The try's TCP connect starts. The stagger runs from here: it is the grace period for the connection to
         * be established before the next candidate may start (resolving and setting up are not counted, so that
         * a busy machine does not start candidates that a calm one would not).
         */
        public void connecting() {
            decide(() -> {
                Duration stagger = rules.stagger();
                if (!staggerPending || stagger == null || resolved() || nextToLaunch >= lanes.size()) {
                    return;
                }
                staggerPending = false;
                int expected = nextToLaunch;
                schedule(() -> decide(() -> {
                    if (nextToLaunch == expected) {
                        launchNext();
                    }
                }), stagger);
            });
        }

        /**
         * The attempt is ready to send its credentials. The returned future completes when it may (or when the
         * lane was stopped, which {@link #startLogin()} then reports). The pre-login deadline pauses meanwhile.
         */
        public CompletableFuture<@Nullable Void> readyForTurn() {
            CompletableFuture<@Nullable Void> myTurn = new CompletableFuture<>();
            decide(() -> {
                cancelWatchdog();
                turn = myTurn;
                if (resolved()) {
                    myTurn.complete(null);
                    return;
                }
                state = State.READY;
                grantTurn();
            });
            return myTurn;
        }

        /**
         * The turn was given: the login starts, with its own deadline.
         *
         * @throws IOException if the lane was stopped instead (it lost, or the integration ended)
         */
        public void startLogin() throws IOException {
            synchronized (Race.this) {
                if (stopOutcome != null) {
                    throw new IOException("stopped before authenticating: " + stopDetail);
                }
                state = State.AUTHENTICATING;
                armWatchdog(rules.loginBudget());
            }
        }

        /** The credentials were accepted: this lane wins, and every less preferred one still running is stopped. */
        public void won() {
            decide(() -> {
                winner = route.index();
                for (Lane lane : lanes.subList(route.index() + 1, lanes.size())) {
                    if (!lane.resolved() && lane.state != State.PENDING) {
                        lane.stop(Outcome.SUPERSEDED, Wording.superseded(candidate), null);
                    }
                }
                settleUnlaunched(Outcome.NOT_TRIED, Wording.notNeededBeforeStart(), null);
            });
        }

        /**
         * The try is over. Returns the attempt recorded for the lane, which the caller announces to the listener
         * and then confirms with {@link #announced}; or null when the race keeps the lane going (a retry after a
         * busy answer) or had already recorded its attempt.
         */
        public @Nullable Attempt end(TryEnd end) {
            return decide(() -> {
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
                        outcome = outcome.withCause(end.cause());
                    }
                    if (end.explainedAs() != null) {
                        outcome = outcome.explainedAs(end.explainedAs());
                    }
                }
                outcome = outcome.withPhase(end.phase());
                if (end.address() != null) {
                    outcome = outcome.withAddress(end.address());
                }
                finish(outcome);
                return attempt;
            });
        }

        /** The end of the try has been told to the listener (if there was an attempt to tell). */
        public void announced(boolean attemptEndEmitted) {
            decide(() -> {
                endPending = false;
                endEmitted |= attemptEndEmitted;
                completeIfDone();
            });
        }

        /**
         * The executor refused to run the try: the candidate is recorded as not tried, explained as
         * {@link Explanation.Cause#NOT_RUN}, unless the race had stopped it meanwhile (then as stopped). Call it
         * holding no lock of the race.
         */
        public void notRun(RejectedExecutionException refusal) {
            decide(() -> {
                if (attempt != null) {
                    return;
                }
                if (stopOutcome != null) {
                    finish(stopped(elapsed()).withPhase(lastPhase));
                } else {
                    finish(Attempt.of(candidate, Outcome.NOT_TRIED, Duration.ZERO,
                            Wording.notRun(String.valueOf(refusal.getMessage()))).explainedAs(
                                    Explanation.Cause.NOT_RUN));
                }
            });
        }

        /** Time since the candidate's first try began; zero before. */
        public Duration elapsed() {
            synchronized (Race.this) {
                return started ? Duration.ofNanos(timeline.nanoTime() - firstStart) : Duration.ZERO;
            }
        }

        /** The attempt of this lane as the race stopped it: its stop outcome and words, and its cause if any. */
        private Attempt stopped(Duration elapsed) {
            return explained(Attempt.of(candidate, Objects.requireNonNull(stopOutcome, "stopOutcome"), elapsed,
                    Objects.requireNonNull(stopDetail, "stopDetail")), stopCause);
        }

        /**
         * Marks the lane stopped (caller holds the monitor); its sockets are closed once the monitor is let go of. A
         * lane that is not running (waiting for a connection permit, or backing off from a busy server) is finished
         * at once. {@code cause}: why, when that says more than {@code outcome}; recorded with the attempt.
         */
        private void stop(Outcome outcome, String detail, Explanation.@Nullable Cause cause) {
            if (resolved()) {
                return;
            }
            stopOutcome = outcome;
            stopDetail = detail;
            stopCause = cause;
            Connection current = connection;
            if (current != null) {
                // the socket belongs to a thread that may be blocked in I/O on it: closing it ends that at once
                afterwards(current::closeAll);
            }
            if (turn != null) {
                turn.complete(null);
            }
            boolean idle = state == State.BACKING_OFF || state == State.QUEUED && ticket != null && ticket.withdraw();
            if (idle) {
                if (retry != null) {
                    retry.cancel();
                }
                if (notNow.any() && outcome == Outcome.TIMED_OUT) {
                    // the deadline came while it waited to try again: what the server last said is the story
                    attempt = traced(notNow.recorded(candidate, elapsed()));
                } else {
                    String recordedDetail = state == State.QUEUED && outcome == Outcome.TIMED_OUT
                            ? detail + Wording.stillQueued(candidate) : detail;
                    attempt = traced(explained(Attempt.of(candidate, outcome, elapsed(), recordedDetail)
                            .withPhase(lastPhase), cause));
                }
                state = State.FINISHED;
                release(ticket);
                ticket = null;
            }
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
            long windowEnd = firstStart + rules.busyRetryWindow().toNanos();
            long integrationEnd = startNanos + rules.integrationTimeout().toNanos();
            Duration wait = notNow.nextTry(timeline.nanoTime(), Math.min(windowEnd, integrationEnd));
            if (ended || winner >= 0 || wait == null) {
                return false;
            }
            log.debug("{} said not now ({}); trying again in {} ms: {}", candidate, kind, wait.toMillis(),
                    end.detail());
            state = State.BACKING_OFF;
            if (notNow.lastWasConnectionLimit()) {
                release(ticket);
                ticket = null;
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
            if (ended || winner >= 0) {
                return false;
            }
            log.debug("{}: trying again with new credentials", candidate);
            state = State.BACKING_OFF;
            retry = timeline.schedule(this::retry, Duration.ZERO);
            return true;
        }

        /**
         * The wait is over: the try is handed to the starter again, with the permit it kept, or once it has a new
         * one.
         */
        private void retry() {
            decide(() -> {
                if (state != State.BACKING_OFF || resolved()) {
                    return;
                }
                if (ticket == null) {
                    queue(this);
                } else {
                    state = State.QUEUED;
                    afterwards(() -> submit(this));
                }
            });
        }

        /**
         * Records the lane's attempt (caller holds the monitor) and decides what follows: the next candidate, the
         * turn, the end of the race.
         */
        private void finish(Attempt outcome) {
            Attempt finished = traced(outcome);
            attempt = finished;
            state = State.FINISHED;
            release(ticket);
            ticket = null;
            log.debug("{} -> {} in {} ms: {}", candidate, finished.outcome(), finished.elapsed().toMillis(),
                    finished.detail());
            if (rules.stopOnAuthFailure() && (finished.outcome() == Outcome.AUTH_FAILED
                    || finished.outcome() == Outcome.TOKEN_REJECTED) && !ended) {
                ended = true;
                String detail = Wording.stoppedAtFirstRejection(candidate,
                        finished.outcome() == Outcome.TOKEN_REJECTED);
                for (Lane lane : lanes) {
                    if (!lane.resolved() && lane.state != State.PENDING) {
                        lane.stop(Outcome.NOT_TRIED, detail, Explanation.Cause.STOPPED_AT_REJECTION);
                    }
                }
                settleUnlaunched(Outcome.NOT_TRIED, detail, Explanation.Cause.STOPPED_AT_REJECTION);
            }
            if (finished.outcome() == Outcome.BUSY && !ended && winner < 0) {
                holdBackWeakerThan(this);
            }
            if (!finished.outcome().isAuthenticated()) {
                launchNext();
            }
            grantTurn();
            completeIfDone();
        }

        private void armWatchdog(Duration limit) {
            watchdog = timeline.schedule(() -> decide(() -> {
                if (resolved() || state == State.READY || state == State.BACKING_OFF) {
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
            synchronized (Race.this) {
                return route + " " + state;
            }
        }
    }
}
