package org.mailintegrator.core;

import jakarta.mail.MessagingException;
import jakarta.mail.Store;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One integration: tries the candidates concurrently but decides strictly by preference.
 *
 * <ol>
 *   <li>Candidate 1 starts at once; each next one starts when the stagger delay has passed since the previous
 *       start, or as soon as the previous one has failed, whichever comes first (Happy Eyeballs, RFC 8305).</li>
 *   <li>Each attempt connects, negotiates TLS and reads the greeting on its own. Before its first
 *       credential-bearing command it waits for its turn: a candidate may authenticate only when every more
 *       preferred one has failed. So credentials go to one candidate at a time, most preferred first, and the
 *       selection is the one a sequential walk would make.</li>
 *   <li>The first candidate that authenticates wins; every less preferred attempt still running is closed at once
 *       and recorded as not needed.</li>
 *   <li>With a patience window, once it has passed since the start, a more preferred candidate whose TCP
 *       connection is not even established is given up ({@link Outcome#ABANDONED}) in favour of a less preferred
 *       one that is ready to authenticate; one that has connected is still waited for.</li>
 *   <li>Every attempt has a deadline of its own (time spent waiting for its turn not counted), and the integration
 *       has an overall deadline; cancelling stops everything at once.</li>
 * </ol>
 *
 * <p>All state is guarded by this object's monitor.
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

        Settings(MailSessions sessions, FailureClassifier classifier, Duration stagger, Duration patience,
                Duration attemptTimeout, Duration integrationTimeout, Executor executor,
                ScheduledExecutorService timers, Security minimumSecurity, boolean stopOnAuthFailure) {
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

    private enum State { PENDING, QUEUED, CONNECTING, READY, AUTHENTICATING, FINISHED }

    private final Settings settings;
    private final MailAccount account;
    private final SecretRedactor redactor;
    private final List<Run> runs = new ArrayList<>();
    private final CompletableFuture<IntegrationResult> result = new CompletableFuture<>();
    private final List<ScheduledFuture<?>> timers = new ArrayList<>();
    private long startNanos;
    private int nextToLaunch;
    private int winner = -1;
    private boolean patienceOver;
    private boolean ended;

    Negotiation(Settings settings, MailAccount account, List<ProtocolCandidate> candidates) {
        this.settings = settings;
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
            if (ended || result.isDone()) {
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
            if (ended || result.isDone()) {
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
        }
        stopped.forEach(Run::closeSockets);
    }

    /** Launches the next candidate in order, and arms the stagger timer for the one after it. */
    private void launchNext() {
        while (nextToLaunch < runs.size() && runs.get(nextToLaunch).state == State.FINISHED) {
            nextToLaunch++;
        }
        if (ended || winner >= 0 || nextToLaunch >= runs.size()) {
            completeIfDone();
            return;
        }
        Run run = runs.get(nextToLaunch++);
        run.state = State.QUEUED;
        try {
            settings.executor.execute(run::execute);
        } catch (RejectedExecutionException e) {
            run.state = State.FINISHED;
            run.attempt = Attempt.of(run.candidate, Outcome.NOT_TRIED, Duration.ZERO,
                    "Not tried: the executor refused to run the attempt (" + e.getMessage() + ").");
            launchNext();
            completeIfDone();
            return;
        }
        if (nextToLaunch < runs.size() && settings.stagger != null) {
            int expected = nextToLaunch;
            schedule(() -> {
                synchronized (this) {
                    if (nextToLaunch == expected) {
                        launchNext();
                    }
                }
            }, settings.stagger);
        }
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

    private void completeIfDone() {
        if (result.isDone() || runs.stream().anyMatch(run -> run.attempt == null)) {
            return;
        }
        timers.forEach(timer -> timer.cancel(false));
        List<Attempt> attempts = new ArrayList<>();
        runs.forEach(run -> attempts.add(run.attempt));
        result.complete(IntegrationResult.of(account.emailAddress(), attempts,
                Duration.ofNanos(System.nanoTime() - startNanos)));
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
        long activeNanos;
        long activeSince;
        ScheduledFuture<?> watchdog;

        Run(int index, ProtocolCandidate candidate) {
            this.index = index;
            this.candidate = candidate;
        }

        /** Whether this run can no longer win or block others: finished, or stopped by the negotiation. */
        boolean resolved() {
            return attempt != null || stopOutcome != null;
        }

        /** Marks the run stopped (caller holds the monitor); returns it so the caller can close its sockets. */
        Run stop(Outcome outcome, String detail) {
            if (stopOutcome == null && attempt == null) {
                stopOutcome = outcome;
                stopDetail = detail;
            }
            return this;
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

        void execute() {
            long start = System.nanoTime();
            AttemptTransport attemptTransport;
            synchronized (Negotiation.this) {
                if (stopOutcome != null) {
                    finish(Attempt.of(candidate, stopOutcome, Duration.ZERO, stopDetail));
                    return;
                }
                state = State.CONNECTING;
                attemptTransport = new AttemptTransport(candidate.protocol(), candidate.security(),
                        settings.sessions.sslSocketFactory(), this::awaitTurn);
                transport = attemptTransport;
                activeSince = start;
                armWatchdog(settings.attemptTimeout.toNanos());
            }
            Store store = null;
            Throwable failure = null;
            boolean authenticated = false;
            try {
                store = settings.sessions.newStore(candidate, account.username(), attemptTransport);
                store.connect(candidate.host(), candidate.port(), account.username(), account.password());
                boolean preauthenticated = !attemptTransport.credentialsStarted();
                if (candidate.security() != Security.NONE && !isTls(store)
                        || candidate.security() == Security.STARTTLS && preauthenticated) {
                    // a PREAUTH greeting arrives before TLS, so on a STARTTLS candidate anyone on the path could
                    // have forged it: such a session is never trusted, even if TLS follows
                    throw new UnprotectedSessionException();
                }
                authenticated = true;
                won();
            } catch (MessagingException | RuntimeException | Error e) {
                // even an Error must finish the attempt, or the integration would wait for it forever
                failure = e;
            } finally {
                if (store != null) {
                    closeQuietly(store);
                }
                attemptTransport.detach();
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            Attempt outcome;
            synchronized (Negotiation.this) {
                if (watchdog != null) {
                    watchdog.cancel(false);
                }
                if (authenticated) {
                    String where = candidate.host() + ":" + candidate.port();
                    outcome = Attempt.of(candidate, Outcome.AUTHENTICATED, elapsed,
                            attemptTransport.credentialsStarted()
                                    ? "The server at " + where + " accepted the credentials of " + account.username()
                                            + "."
                                    : "The server at " + where + " authenticated the session without asking for "
                                            + "the password (PREAUTH).");
                } else if (stopOutcome != null) {
                    outcome = Attempt.of(candidate, stopOutcome, elapsed, stopDetail);
                } else {
                    FailureClassifier.Classification verdict = settings.classifier.classify(failure, candidate,
                            attemptTransport.credentialsStarted(), redactor);
                    outcome = Attempt.of(candidate, verdict.outcome, elapsed, verdict.detail);
                }
                finish(outcome);
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
                activeSince = System.nanoTime();
                armWatchdog(settings.attemptTimeout.toNanos() - activeNanos);
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

        private void armWatchdog(long budgetNanos) {
            long budget = Math.max(budgetNanos, 0);
            watchdog = settings.timers.schedule(() -> {
                Run stopped;
                synchronized (Negotiation.this) {
                    if (resolved() || state == State.READY) {
                        return;
                    }
                    stopped = stop(Outcome.TIMED_OUT, "The attempt on " + candidate.host() + ":" + candidate.port()
                            + " did not finish within its deadline of " + settings.attemptTimeout.toMillis()
                            + " ms: the server is too slow or trickles its answers.");
                }
                stopped.closeSockets();
            }, budget, TimeUnit.NANOSECONDS);
        }

        private void pauseWatchdog() {
            if (watchdog != null) {
                watchdog.cancel(false);
            }
            activeNanos += System.nanoTime() - activeSince;
        }
    }

    /** A session the server declared authenticated (PREAUTH) before TLS was in place, on a candidate that needs TLS. */
    static final class UnprotectedSessionException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnprotectedSessionException() {
            super("the server declared the session authenticated (PREAUTH) before TLS was established");
        }
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
