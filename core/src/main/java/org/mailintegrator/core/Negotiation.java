package org.mailintegrator.core;

import jakarta.mail.MessagingException;
import jakarta.mail.Store;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.mailintegrator.core.spi.HostResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One integration: tries the candidates concurrently but decides strictly by preference.
 *
 * <ol>
 *   <li>Candidate 1 starts at once. A next one starts when the stagger delay has passed since the previous one
 *       began its TCP connect, or as soon as the previous one has failed, but only while every launched candidate that has not
 *       failed is still without a TCP connection: connections are raced, not servers, and a server that accepted
 *       the connection is waited for (Happy Eyeballs, RFC 8305, applied to the chain).</li>
 *   <li>Before it starts, a candidate waits for a permit to open a connection to its server
 *       ({@link ConnectionLimiter}); no further candidate starts meanwhile, so a candidate waiting for its turn
 *       never holds a permit that a more preferred one needs.</li>
 *   <li>Each attempt resolves its host (once per integration, bounded by the connect timeout), races the host's
 *       addresses, negotiates TLS and reads the greeting on its own. Before its first credential-bearing command it
 *       waits for its turn: a candidate may authenticate only when every more preferred one has failed. So
 *       credentials go to one candidate at a time, most preferred first, and the selection is the one a
 *       sequential walk would make.</li>
 *   <li>A candidate whose server answers busy is tried again with backoff, keeping its place and its permit.</li>
 *   <li>The first candidate that authenticates wins; every less preferred attempt still running is closed at once
 *       and recorded as not needed.</li>
 *   <li>With a patience window, once it has passed since the start, a more preferred candidate whose TCP
 *       connection is not even established is given up ({@link Outcome#ABANDONED}) in favour of a less preferred
 *       one that is ready to authenticate; one that has connected is still waited for.</li>
 *   <li>Every attempt has a deadline of its own before its login (time spent waiting for its turn not counted)
 *       and one for its login, and the integration has an overall deadline; cancelling stops everything at
 *       once.</li>
 * </ol>
 *
 * <p>All state is guarded by this object's monitor; connection permits are given back on the timer thread, never
 * under the monitor.
 */
final class Negotiation {
    private static final Logger log = LoggerFactory.getLogger(Negotiation.class);

    /** The integrator's settings, fixed for its life. */
    static final class Settings {
        final MailSessions sessions;
        final FailureClassifier classifier;
        final Duration stagger;
        final Duration patience;
        final Duration attemptTimeout;
        final Duration integrationTimeout;
        final Executor executor;
        final ScheduledExecutorService timers;
        final Security minimumSecurity;
        final boolean stopOnAuthFailure;
        final Limits limits;
        final SafeListener listener;

        Settings(MailSessions sessions, FailureClassifier classifier, Duration stagger, Duration patience,
                Duration attemptTimeout, Duration integrationTimeout, Executor executor,
                ScheduledExecutorService timers, Security minimumSecurity, boolean stopOnAuthFailure,
                Limits limits, SafeListener listener) {
            this.limits = limits;
            this.listener = listener;
            this.minimumSecurity = minimumSecurity;
            this.stopOnAuthFailure = stopOnAuthFailure;
            this.sessions = sessions;
            this.classifier = classifier;
            this.stagger = stagger;
            this.patience = patience;
            this.attemptTimeout = attemptTimeout;
            this.integrationTimeout = integrationTimeout;
            this.executor = executor;
            this.timers = timers;
        }
    }

    /** How attempts reach servers: timeouts, the address race, busy retries, the connection limit, the resolver. */
    static final class Limits {
        final Duration connectTimeout;
        final Duration readTimeout;
        final Duration authTimeout;
        final Duration addressStagger;
        final Duration busyRetryWindow;
        final ConnectionLimiter limiter;
        final HostResolver resolver;

        Limits(Duration connectTimeout, Duration readTimeout, Duration authTimeout, Duration addressStagger,
                Duration busyRetryWindow, ConnectionLimiter limiter, HostResolver resolver) {
            this.connectTimeout = connectTimeout;
            this.readTimeout = readTimeout;
            this.authTimeout = authTimeout;
            this.addressStagger = addressStagger;
            this.busyRetryWindow = busyRetryWindow;
            this.limiter = limiter;
            this.resolver = resolver;
        }
    }

    /** Lookups run here, so that a resolver that hangs holds one of these threads, never an attempt. */
    private static final ThreadPoolExecutor LOOKUPS = lookups();
    private static final Duration FIRST_BUSY_BACKOFF = Duration.ofMillis(250);
    private static final Duration MAX_BUSY_BACKOFF = Duration.ofSeconds(4);

    /**
     * PENDING: not launched; QUEUED: waiting for a connection permit or a thread; CONNECTING: resolving,
     * connecting, TLS, greeting; READY: waiting for its turn to authenticate; AUTHENTICATING; BACKING_OFF: the
     * server said it was busy, a retry is scheduled; FINISHED.
     */
    private enum State { PENDING, QUEUED, CONNECTING, READY, AUTHENTICATING, BACKING_OFF, FINISHED }

    private final Settings settings;
    private final IntegrationListener.Integration integration;
    private final MailAccount account;
    private final SecretRedactor redactor;
    private final List<Run> runs = new ArrayList<>();
    private final CompletableFuture<IntegrationResult> result = new CompletableFuture<>();
    private final List<ScheduledFuture<?>> timers = new ArrayList<>();
    private final Map<String, CompletableFuture<List<InetAddress>>> lookups = new HashMap<>();
    private long startNanos;
    private int nextToLaunch;
    private int winner = -1;
    private boolean patienceOver;
    private boolean ended;
    private boolean completed;

    Negotiation(Settings settings, IntegrationListener.Integration integration, MailAccount account,
            List<ProtocolCandidate> candidates) {
        this.settings = settings;
        this.integration = integration;
        this.account = account;
        this.redactor = new SecretRedactor(account.username(), account.password());
        for (int i = 0; i < candidates.size(); i++) {
            Run run = new Run(i, candidates.get(i));
            if (!meetsMinimum(run.candidate.security())) {
                run.state = State.FINISHED;
                run.attempt = Attempt.of(run.candidate, Outcome.SKIPPED, Duration.ZERO, "Skipped: "
                        + describe(run.candidate.security()) + " is below the integrator's minimum security ("
                        + settings.minimumSecurity + "); no connection was made and no password sent.");
            }
            runs.add(run);
        }
    }

    private boolean meetsMinimum(Security security) {
        return rank(security) >= rank(settings.minimumSecurity);
    }

    private static int rank(Security security) {
        switch (security) {
            case IMPLICIT_TLS:
                return 2;
            case STARTTLS:
                return 1;
            default:
                return 0;
        }
    }

    private static String describe(Security security) {
        return security == Security.NONE ? "cleartext" : security.toString();
    }

    /** Starts the negotiation; the future completes when every attempt has finished and closed its sockets. */
    synchronized CompletableFuture<IntegrationResult> start() {
        startNanos = System.nanoTime();
        schedule(this::deadlinePassed, settings.integrationTimeout);
        if (settings.patience != null) {
            schedule(this::patienceOver, settings.patience);
        }
        launchNext();
        return result;
    }

    /** Stops every attempt now; the ones that had not finished are recorded as not tried. */
    void cancel() {
        List<Run> stopped = new ArrayList<>();
        synchronized (this) {
            if (ended || completed) {
                return;
            }
            ended = true;
            for (Run run : runs) {
                if (!run.resolved()) {
                    stopped.add(run.stop(Outcome.NOT_TRIED, "Not finished: the integration was cancelled."));
                }
            }
            settleUnlaunched("Not tried: the integration was cancelled.");
            notifyAll();
            completeIfDone();
        }
        stopped.forEach(Run::closeSockets);
    }

    private void deadlinePassed() {
        List<Run> stopped = new ArrayList<>();
        synchronized (this) {
            if (ended || completed) {
                return;
            }
            ended = true;
            String limit = settings.integrationTimeout.toMillis() + " ms";
            for (Run run : runs) {
                if (!run.resolved() && run.state != State.PENDING) {
                    stopped.add(run.stop(Outcome.TIMED_OUT,
                            "Stopped: the integration's overall deadline of " + limit + " passed before "
                                    + run.candidate.host() + ":" + run.candidate.port() + " answered."));
                }
            }
            settleUnlaunched("Not tried: the integration's overall deadline of " + limit + " had passed.");
            notifyAll();
            completeIfDone();
        }
        stopped.forEach(Run::closeSockets);
    }

    private void patienceOver() {
        List<Run> stopped;
        synchronized (this) {
            patienceOver = true;
            stopped = grantTurn();
            completeIfDone();
        }
        stopped.forEach(Run::closeSockets);
    }

    /**
     * Launches the next candidate in order, if a further one may start: connections are raced, not servers, so
     * only while every launched, unresolved candidate has its connection permit and none of them has connected
     * (a connected server is alive, and is waited for). It first waits for a permit to open a connection to its
     * server; its stagger timer starts when it really starts.
     */
    private void launchNext() {
        while (nextToLaunch < runs.size() && runs.get(nextToLaunch).state == State.FINISHED) {
            nextToLaunch++;
        }
        if (ended || winner >= 0 || nextToLaunch >= runs.size() || !mayLaunchMore()) {
            completeIfDone();
            return;
        }
        Run run = runs.get(nextToLaunch++);
        run.state = State.QUEUED;
        run.ticket = settings.limits.limiter.ticket(serverKey(run.candidate));
        run.ticket.request(() -> submit(run));
    }

    private boolean mayLaunchMore() {
        for (Run run : runs.subList(0, nextToLaunch)) {
            if (!run.resolved() && (run.state == State.QUEUED || run.isAlive())) {
                return false;
            }
        }
        return true;
    }

    private static String serverKey(ProtocolCandidate candidate) {
        return candidate.host().toLowerCase(Locale.ROOT) + ":" + candidate.port();
    }

    /** Hands a run to the executor; runs outside this negotiation's monitor. */
    private void submit(Run run) {
        try {
            settings.executor.execute(run::execute);
        } catch (RejectedExecutionException e) {
            synchronized (this) {
                run.finish(Attempt.of(run.candidate, Outcome.NOT_TRIED, Duration.ZERO,
                        "Not tried: the executor refused to run the attempt (" + e.getMessage() + ")."));
            }
        }
    }

    /** Gives a connection permit back on the timer thread, where no negotiation's monitor is held. */
    private void releaseLater(ConnectionLimiter.Ticket ticket) {
        if (ticket != null) {
            settings.timers.execute(ticket::release);
        }
    }

    /** Starts looking {@code host} up, once per integration; fails with a timeout after the connect timeout. */
    private CompletableFuture<List<InetAddress>> lookup(String host) {
        return lookups.computeIfAbsent(host.toLowerCase(Locale.ROOT), key -> {
            CompletableFuture<List<InetAddress>> addresses = new CompletableFuture<>();
            HostResolver resolver = settings.limits.resolver;
            try {
                LOOKUPS.execute(() -> {
                    try {
                        List<InetAddress> found = resolver.resolve(host);
                        if (found == null || found.isEmpty()) {
                            throw new UnknownHostException(host + ": the resolver returned no address");
                        }
                        addresses.complete(List.copyOf(found)); // throws for a null address
                    } catch (Throwable failure) {
                        addresses.completeExceptionally(failure);
                    }
                });
            } catch (RejectedExecutionException e) {
                addresses.completeExceptionally(e);
            }
            schedule(() -> addresses.completeExceptionally(
                    new ResolveTimeoutException(host, settings.limits.connectTimeout)),
                    settings.limits.connectTimeout);
            return addresses;
        });
    }

    /**
     * Lets the most preferred unresolved candidate authenticate if it is ready. After the patience window, first
     * gives up more preferred candidates that have not connected while a less preferred one is ready.
     *
     * @return the runs given up, whose sockets the caller closes outside the monitor
     */
    private List<Run> grantTurn() {
        List<Run> givenUp = new ArrayList<>();
        if (ended || winner >= 0) {
            return givenUp;
        }
        if (patienceOver) {
            Run ready = runs.stream().filter(run -> run.state == State.READY && !run.resolved()).findFirst()
                    .orElse(null);
            if (ready != null) {
                for (Run higher : runs.subList(0, ready.index)) {
                    boolean tcpConnected = higher.transport != null && higher.transport.isConnected();
                    if (!higher.resolved() && !tcpConnected
                            && (higher.state == State.QUEUED || higher.state == State.CONNECTING)) {
                        givenUp.add(higher.stop(Outcome.ABANDONED, "Given up: it had not connected within the "
                                + "patience window of " + settings.patience.toMillis() + " ms, and "
                                + ready.candidate + " was ready."));
                    }
                }
            }
        }
        for (Run run : runs) {
            if (!run.resolved()) {
                if (run.state == State.READY && !run.permitted) {
                    run.permitted = true;
                    notifyAll();
                }
                break;
            }
        }
        return givenUp;
    }

    private void settleUnlaunched(String detail) {
        for (Run run : runs) {
            if (run.state == State.PENDING) {
                run.state = State.FINISHED;
                run.attempt = Attempt.of(run.candidate, Outcome.NOT_TRIED, Duration.ZERO, detail);
            }
        }
        nextToLaunch = runs.size();
    }

    /**
     * Completes the integration once every attempt has finished and told the listener so. The listener's last
     * events and the result's completion are handed to the timer thread, so that neither runs under this monitor.
     */
    private void completeIfDone() {
        if (completed || runs.stream().anyMatch(run -> run.attempt == null || run.endPending)) {
            return;
        }
        completed = true;
        timers.forEach(timer -> timer.cancel(false));
        List<Attempt> attempts = new ArrayList<>();
        List<Attempt> unannounced = new ArrayList<>();
        for (Run run : runs) {
            attempts.add(run.attempt);
            if (!run.endEmitted) {
                unannounced.add(run.attempt);
            }
        }
        IntegrationResult done = IntegrationResult.of(account.emailAddress(), attempts,
                Duration.ofNanos(System.nanoTime() - startNanos));
        settings.timers.execute(() -> {
            unannounced.forEach(attempt -> settings.listener.attemptEnd(integration, attempt));
            settings.listener.integrationEnd(integration, done);
            result.complete(done);
        });
    }

    private void schedule(Runnable action, Duration delay) {
        timers.add(settings.timers.schedule(action, delay.toNanos(), TimeUnit.NANOSECONDS));
    }

    /** One candidate's attempt. */
    private final class Run {
        final int index;
        final ProtocolCandidate candidate;
        State state = State.PENDING;
        boolean permitted;
        Attempt attempt;
        Outcome stopOutcome;
        String stopDetail;
        AttemptTransport transport;
        ConnectionLimiter.Ticket ticket;
        ScheduledFuture<?> watchdog;
        ScheduledFuture<?> retry;
        long firstStart;
        boolean endPending;
        boolean staggerPending;
        volatile boolean endEmitted;
        int busyAnswers;
        String lastBusy;
        Phase lastPhase = Phase.NOT_STARTED;

        Run(int index, ProtocolCandidate candidate) {
            this.index = index;
            this.candidate = candidate;
        }

        /** Whether this run can no longer win or block others: finished, or stopped by the negotiation. */
        boolean resolved() {
            return attempt != null || stopOutcome != null;
        }

        /**
         * Marks the run stopped (caller holds the monitor); returns it so the caller can close its sockets. A run
         * that is not running (waiting for a connection permit, or backing off from a busy server) is finished at
         * once.
         */
        Run stop(Outcome outcome, String detail) {
            if (stopOutcome == null && attempt == null) {
                stopOutcome = outcome;
                stopDetail = detail;
                boolean idle = state == State.BACKING_OFF || state == State.QUEUED && ticket.withdraw();
                if (idle) {
                    if (retry != null) {
                        retry.cancel(false);
                    }
                    if (state == State.BACKING_OFF && lastBusy != null && outcome == Outcome.TIMED_OUT) {
                        outcome = Outcome.BUSY;
                        detail = lastBusy;
                    } else if (state == State.QUEUED && outcome == Outcome.TIMED_OUT) {
                        detail = detail + " It was still waiting for one of the connections allowed to "
                                + candidate.host() + ":" + candidate.port() + " at a time.";
                    }
                    attempt = Attempt.of(candidate, outcome, elapsedSinceFirstStart(), detail)
                            .withPhase(lastPhase);
                    state = State.FINISHED;
                    releaseLater(ticket);
                    ticket = null;
                }
            }
            return this;
        }

        /** Connected, or known to be up: waiting for its turn, authenticating, or backing off from a busy answer. */
        boolean isAlive() {
            return state == State.READY || state == State.AUTHENTICATING || state == State.BACKING_OFF
                    || state == State.CONNECTING && transport != null && transport.isConnected();
        }

        Duration elapsedSinceFirstStart() {
            return firstStart == 0 ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - firstStart);
        }

        void closeSockets() {
            AttemptTransport current;
            synchronized (Negotiation.this) {
                current = transport;
            }
            if (current != null) {
                current.closeAll();
            }
        }

        /** One try: resolve, connect, TLS, greeting, login; then finish, or back off and retry a busy server. */
        void execute() {
            long start = System.nanoTime();
            boolean startedNow;
            AttemptTransport attemptTransport;
            CompletableFuture<List<InetAddress>> addresses;
            synchronized (Negotiation.this) {
                if (stopOutcome != null) {
                    if (attempt == null) {
                        finish(Attempt.of(candidate, stopOutcome, elapsedSinceFirstStart(), stopDetail)
                                .withPhase(lastPhase));
                    }
                    return;
                }
                boolean firstTry = firstStart == 0;
                if (firstTry) {
                    firstStart = start;
                }
                state = State.CONNECTING;
                attemptTransport = new AttemptTransport(candidate, settings.limits.addressStagger,
                        settings.limits.authTimeout, settings.sessions.sslSocketFactory(), this::awaitTurn);
                attemptTransport.phaseListener(this::phaseChanged);
                attemptTransport.permit(ticket);
                transport = attemptTransport;
                armWatchdog(settings.attemptTimeout.toNanos(), settings.attemptTimeout);
                staggerPending = firstTry && settings.stagger != null;
                addresses = lookup(candidate.host());
                startedNow = firstTry;
            }
            if (startedNow) {
                settings.listener.attemptStart(integration, candidate);
            }
            attemptTransport.phase(Phase.RESOLVE);
            Store store = null;
            Throwable failure = null;
            boolean authenticated = false;
            try {
                attemptTransport.addresses(resolved(addresses));
                store = settings.sessions.newStore(candidate, account.username(), attemptTransport);
                store.connect(attemptTransport.connectHost(), candidate.port(), account.username(),
                        account.password());
                boolean preauthenticated = !attemptTransport.credentialsStarted();
                if (!preauthenticated && !attemptTransport.credentialsReleased()) {
                    throw new IOException("the credentials were held back, yet Jakarta Mail reported a login");
                }
                if (candidate.security() != Security.NONE && !isTls(store)
                        || candidate.security() == Security.STARTTLS && preauthenticated) {
                    // a PREAUTH greeting arrives before TLS, so on a STARTTLS candidate anyone on the path could
                    // have forged it: such a session is never trusted, even if TLS follows
                    throw new UnprotectedSessionException();
                }
                authenticated = true;
                won();
            } catch (MessagingException | IOException | RuntimeException | Error e) {
                // even an Error must finish the attempt, or the integration would wait for it forever
                failure = e;
            } finally {
                if (store != null) {
                    closeQuietly(store);
                }
                attemptTransport.detach();
            }
            Attempt outcome;
            synchronized (Negotiation.this) {
                if (watchdog != null) {
                    watchdog.cancel(false);
                }
                endPending = true;
                lastPhase = attemptTransport.phase();
                Duration elapsed = elapsedSinceFirstStart();
                String where = candidate.host() + ":" + candidate.port();
                if (authenticated) {
                    outcome = Attempt.of(candidate, Outcome.AUTHENTICATED, elapsed,
                            attemptTransport.credentialsStarted()
                                    ? "The server at " + where + " accepted the credentials of " + account.username()
                                            + "." + addressNote(attemptTransport)
                                    : "The server at " + where + " authenticated the session without asking for "
                                            + "the password (PREAUTH)." + addressNote(attemptTransport));
                } else if (stopOutcome != null) {
                    outcome = Attempt.of(candidate, stopOutcome, elapsed, stopDetail);
                } else {
                    FailureClassifier.Classification verdict = settings.classifier.classify(failure, candidate,
                            attemptTransport.credentialsStarted(), redactor);
                    if (verdict.outcome == Outcome.BUSY && retryWhenBusy(verdict.detail)) {
                        outcome = null;
                    } else {
                        String detail = verdict.outcome == Outcome.BUSY && busyAnswers > 1
                                ? verdict.detail + " It said so " + busyAnswers + " times in "
                                        + elapsed.toMillis() + " ms; try again later."
                                : verdict.detail;
                        outcome = Attempt.of(candidate, verdict.outcome, elapsed,
                                detail + addressNote(attemptTransport));
                    }
                }
                if (outcome != null) {
                    outcome = outcome.withPhase(lastPhase);
                    if (attemptTransport.connectedAddress() != null) {
                        outcome = outcome.withAddress(attemptTransport.connectedAddress());
                    }
                    finish(outcome);
                }
            }
            // the listener hears the end outside the monitor; the integration completes only after it has
            if (lastPhase != Phase.NOT_STARTED) {
                settings.listener.phaseEnd(integration, candidate, lastPhase);
            }
            if (outcome != null) {
                settings.listener.attemptEnd(integration, outcome);
            }
            synchronized (Negotiation.this) {
                endPending = false;
                endEmitted = outcome != null;
                completeIfDone();
            }
        }

        private void phaseChanged(Phase from, Phase to) {
            if (to == Phase.CONNECT) {
                armStagger();
            }
            if (from != Phase.NOT_STARTED) {
                settings.listener.phaseEnd(integration, candidate, from);
            }
            settings.listener.phaseStart(integration, candidate, to);
        }

        /**
         * The stagger runs from the start of the TCP connect: it is the grace period for the connection to be
         * established before the next candidate may start (resolving and setting up are not counted, so that a
         * busy machine does not start candidates that a calm one would not).
         */
        private void armStagger() {
            synchronized (Negotiation.this) {
                if (!staggerPending || resolved() || nextToLaunch >= runs.size()) {
                    return;
                }
                staggerPending = false;
                int expected = nextToLaunch;
                schedule(() -> {
                    synchronized (Negotiation.this) {
                        if (nextToLaunch == expected) {
                            launchNext();
                        }
                    }
                }, settings.stagger);
            }
        }

        /**
         * After a busy answer: schedules another try with backoff (250 ms doubling to 4 s) while the busy window
         * and the integration's deadline allow. The run keeps its connection permit meanwhile and counts as alive,
         * so that no less preferred candidate is started or allowed to authenticate in its place.
         *
         * @return whether a retry was scheduled
         */
        private boolean retryWhenBusy(String detail) {
            busyAnswers++;
            lastBusy = detail;
            long backoff = Math.min(FIRST_BUSY_BACKOFF.toNanos() << Math.min(busyAnswers - 1, 16),
                    MAX_BUSY_BACKOFF.toNanos());
            long now = System.nanoTime();
            long windowEnd = firstStart + settings.limits.busyRetryWindow.toNanos();
            long integrationEnd = startNanos + settings.integrationTimeout.toNanos();
            if (ended || winner >= 0 || now + backoff >= Math.min(windowEnd, integrationEnd)) {
                return false;
            }
            log.debug("{} is busy; trying again in {} ms: {}", candidate, TimeUnit.NANOSECONDS.toMillis(backoff),
                    detail);
            state = State.BACKING_OFF;
            retry = settings.timers.schedule(() -> submitRetry(), backoff, TimeUnit.NANOSECONDS);
            return true;
        }

        private void submitRetry() {
            synchronized (Negotiation.this) {
                if (state != State.BACKING_OFF || resolved()) {
                    return;
                }
                state = State.QUEUED;
            }
            submit(this);
        }

        /** Waits for the lookup of the candidate's host; bounded, since the lookup fails at the connect timeout. */
        private List<InetAddress> resolved(CompletableFuture<List<InetAddress>> lookup) throws IOException {
            try {
                return lookup.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while resolving " + candidate.host());
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof IOException) {
                    throw (IOException) cause;
                }
                UnknownHostException unknown = new UnknownHostException(candidate.host() + ": " + cause);
                unknown.initCause(cause);
                throw unknown;
            }
        }

        /** Called by the transport before the first credential-bearing command leaves. */
        void awaitTurn() throws IOException {
            synchronized (Negotiation.this) {
                pauseWatchdog();
                state = State.READY;
                List<Run> givenUp = grantTurn();
                if (!givenUp.isEmpty()) {
                    // closing outside the monitor would be neater, but these sockets belong to other threads
                    // blocked in I/O, and closing a plain socket does not block
                    givenUp.forEach(Run::closeSockets);
                }
                while (!permitted && stopOutcome == null) {
                    try {
                        Negotiation.this.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted while waiting to authenticate");
                    }
                }
                if (stopOutcome != null) {
                    throw new IOException("stopped before authenticating: " + stopDetail);
                }
                state = State.AUTHENTICATING;
                Duration loginBudget = settings.limits.authTimeout.plus(settings.limits.readTimeout);
                armWatchdog(loginBudget.toNanos(), loginBudget);
                if (!candidate.security().protectsCredentials()) {
                    log.warn("Sending the credentials of {} in cleartext to {}: the policy lists this candidate "
                            + "without TLS", account.emailAddress(), candidate);
                }
            }
        }

        private void won() {
            List<Run> losers = new ArrayList<>();
            synchronized (Negotiation.this) {
                winner = index;
                for (Run run : runs.subList(index + 1, runs.size())) {
                    if (!run.resolved() && run.state != State.PENDING) {
                        losers.add(run.stop(Outcome.NOT_TRIED, "Not needed: " + candidate
                                + " authenticated while this candidate was still being tried."));
                    }
                }
                settleUnlaunched("Not tried: a more preferred candidate had already authenticated.");
                Negotiation.this.notifyAll();
            }
            losers.forEach(Run::closeSockets);
        }

        private void finish(Attempt finished) {
            attempt = finished;
            state = State.FINISHED;
            releaseLater(ticket);
            ticket = null;
            log.debug("{} -> {} in {} ms: {}", candidate, finished.outcome(), finished.elapsed().toMillis(),
                    finished.detail());
            if (settings.stopOnAuthFailure && finished.outcome() == Outcome.AUTH_FAILED && !ended) {
                ended = true;
                String detail = "Not tried: " + candidate + " rejected the password, and the integrator stops at "
                        + "the first rejection so that a wrong password is not sent to more servers.";
                List<Run> stopped = new ArrayList<>();
                for (Run run : runs) {
                    if (!run.resolved() && run.state != State.PENDING) {
                        stopped.add(run.stop(Outcome.NOT_TRIED, detail));
                    }
                }
                settleUnlaunched(detail);
                stopped.forEach(Run::closeSockets);
            }
            if (!finished.outcome().isAuthenticated()) {
                launchNext();
            }
            List<Run> givenUp = grantTurn();
            givenUp.forEach(Run::closeSockets);
            Negotiation.this.notifyAll();
            completeIfDone();
        }

        private void armWatchdog(long budgetNanos, Duration limit) {
            long budget = Math.max(budgetNanos, 0);
            watchdog = settings.timers.schedule(() -> {
                Run stopped;
                synchronized (Negotiation.this) {
                    if (resolved() || state == State.READY || state == State.BACKING_OFF) {
                        return;
                    }
                    Phase phase = transport == null ? Phase.NOT_STARTED : transport.phase();
                    stopped = stop(Outcome.TIMED_OUT, "The attempt on " + candidate.host() + ":" + candidate.port()
                            + " did not finish " + (phase == Phase.LOGIN ? "its login" : "connecting")
                            + " within its deadline of " + limit.toMillis()
                            + " ms: the server is too slow or trickles its answers.");
                }
                stopped.closeSockets();
            }, budget, TimeUnit.NANOSECONDS);
        }

        private void pauseWatchdog() {
            if (watchdog != null) {
                watchdog.cancel(false);
            }
        }
    }

    /** Other addresses of the host that failed before one connected, for the attempt's detail. */
    private static String addressNote(AttemptTransport transport) {
        List<String> failures = transport.addressFailures();
        if (failures.isEmpty() || transport.targets().size() < 2) {
            return "";
        }
        return " Addresses of " + transport.hostName() + " that failed: " + String.join("; ", failures) + ".";
    }

    /** A host name lookup that did not finish within the connect timeout. */
    static final class ResolveTimeoutException extends IOException {
        private static final long serialVersionUID = 1L;

        ResolveTimeoutException(String host, Duration timeout) {
            super("looking up " + host + " did not finish within " + timeout.toMillis() + " ms");
        }
    }

    /** A session the server declared authenticated (PREAUTH) before TLS was in place, on a candidate that needs TLS. */
    static final class UnprotectedSessionException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnprotectedSessionException() {
            super("the server declared the session authenticated (PREAUTH) before TLS was established");
        }
    }

    private static ThreadPoolExecutor lookups() {
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(16, 16, Integrator.IDLE_THREAD_MILLIS, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(),
                runnable -> {
                    Thread thread = new Thread(runnable, "mailintegrator-lookup-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    private static boolean isTls(Store store) {
        if (store instanceof org.eclipse.angus.mail.imap.IMAPStore) {
            return ((org.eclipse.angus.mail.imap.IMAPStore) store).isSSL();
        }
        return store instanceof org.eclipse.angus.mail.pop3.POP3Store
                && ((org.eclipse.angus.mail.pop3.POP3Store) store).isSSL();
    }

    private static void closeQuietly(Store store) {
        try {
            store.close();
        } catch (MessagingException | RuntimeException e) {
            log.trace("closing a store failed", e);
        }
    }
}
