package org.mailintegrator.core.internal.racing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.DiscoveredHosts;
import org.mailintegrator.core.Endpoint;
import org.mailintegrator.core.Explanation;
import org.mailintegrator.core.HostApproval;
import org.mailintegrator.core.IntegrationListener;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.Phase;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Provenance;
import org.mailintegrator.core.Security;
import org.mailintegrator.core.internal.ManualTimeline;
import org.mailintegrator.core.internal.SafeListener;
import org.mailintegrator.core.internal.planning.CredentialRelease;
import org.mailintegrator.core.internal.planning.Plan;

/**
 * The race's rules on a manual clock: who starts when, who may authenticate, who is given up, the deadlines, the
 * "not now" retries (busy answers, connection limits, login delays), the candidates held back after one, and why a
 * candidate ended without running. No socket and no waiting: each test moves time by
 * hand and plays the attempts' part. In every test, nothing is handed to the starter and no socket is closed while
 * the race's lock is held.
 */
class RaceRulesTest {
    private static final ProtocolCandidate IMAPS = candidate(MailProtocol.IMAP, Security.IMPLICIT_TLS, 993);
    private static final ProtocolCandidate POP3S = candidate(MailProtocol.POP3, Security.IMPLICIT_TLS, 995);
    private static final ProtocolCandidate IMAP = candidate(MailProtocol.IMAP, Security.NONE, 143);
    private static final ProtocolCandidate IMAP_STARTTLS = candidate(MailProtocol.IMAP, Security.STARTTLS, 1143);
    private static final ProtocolCandidate POP3 = candidate(MailProtocol.POP3, Security.NONE, 110);

    private final ManualTimeline time = new ManualTimeline();
    private final List<ProtocolCandidate> started = new ArrayList<>();
    private final List<FakeConnection> connections = new ArrayList<>();
    private @Nullable Duration stagger = Duration.ofMillis(250);
    private @Nullable Duration patience;
    private Duration attemptTimeout = Duration.ofSeconds(40);
    private Duration integrationTimeout = Duration.ofMinutes(2);
    private Duration busyWindow = Duration.ofSeconds(20);
    private boolean stopOnAuthFailure;
    private ConnectionLimiter limiter = new ConnectionLimiter(8);
    private CredentialRelease release = CredentialRelease.CALLER_HOSTS;
    /** Candidates whose start the starter refuses, as a full executor does. */
    private final Set<ProtocolCandidate> refused = new HashSet<>();
    /** What was done while the race's lock was held: a start handed off, a socket closed. */
    private final List<String> underTheLock = new ArrayList<>();
    private Race race;
    private CompletableFuture<IntegrationResult> result;

    /** What the race sees of an attempt's sockets. */
    private final class FakeConnection implements Connection {
        final ProtocolCandidate candidate;
        boolean connected;
        boolean closed;
        Phase phase = Phase.CONNECT;

        FakeConnection(ProtocolCandidate candidate) {
            this.candidate = candidate;
        }

        @Override
        public boolean isConnected() {
            return connected;
        }

        @Override
        public Phase phase() {
            return phase;
        }

        @Override
        public void closeAll() {
            if (Thread.holdsLock(race)) {
                underTheLock.add("closed the sockets of " + candidate);
            }
            closed = true;
        }
    }

    @AfterEach
    void nothingWasDoneUnderTheRacesLock() {
        assertThat(underTheLock).isEmpty();
    }

    @Test
    void theNextCandidateStartsOnlyWhenTheStaggerHasPassedSinceTheConnectBegan() {
        start(IMAPS, POP3S, IMAP);
        assertThat(started).containsExactly(IMAPS);

        time.advance(Duration.ofSeconds(3));   // resolving and setting up do not count
        assertThat(started).containsExactly(IMAPS);

        connecting(0);
        time.advance(Duration.ofMillis(249));
        assertThat(started).containsExactly(IMAPS);
        time.advance(Duration.ofMillis(1));
        assertThat(started).containsExactly(IMAPS, POP3S);
    }

    @Test
    void aConnectedServerIsWaitedForAndNothingElseStarts() {
        start(IMAPS, POP3S);
        connecting(0);
        connections.get(0).connected = true;

        time.advance(Duration.ofSeconds(30));

        assertThat(started).containsExactly(IMAPS);
    }

    @Test
    void aFailureStartsTheNextCandidateAtOnce() {
        start(IMAPS, POP3S);
        connecting(0);

        end(0, Outcome.REFUSED);

        assertThat(started).containsExactly(IMAPS, POP3S);
    }

    @Test
    void onlyTheMostPreferredLiveCandidateMayAuthenticate() throws IOException {
        start(IMAPS, POP3S);
        connecting(0);
        time.advance(Duration.ofMillis(250));
        connecting(1);
        connections.get(1).connected = true;

        CompletableFuture<@Nullable Void> popTurn = race.lane(1).readyForTurn();
        time.advance(Duration.ofSeconds(5));
        assertThat(popTurn).as("POP waits while IMAP is still being tried").isNotDone();

        end(0, Outcome.AUTH_FAILED);

        assertThat(popTurn).isDone();
        race.lane(1).startLogin();
    }

    @Test
    void theWinnerStopsEveryLessPreferredAttemptAndTheResultSaysWhy() throws IOException {
        start(IMAPS, POP3S, IMAP);
        connecting(0);
        time.advance(Duration.ofMillis(250));
        connecting(1);

        connections.get(0).connected = true;
        assertThat(race.lane(0).readyForTurn()).isDone();
        race.lane(0).startLogin();
        race.lane(0).won();
        assertThat(connections.get(1).closed).as("the less preferred attempt's sockets are closed").isTrue();

        end(0, Outcome.AUTHENTICATED);
        end(1, Outcome.NETWORK_ERROR);   // what its closed socket made of it
        time.runDue();

        assertThat(result).isDone();
        assertThat(result.join().attempts()).extracting(Attempt::outcome)
                .containsExactly(Outcome.AUTHENTICATED, Outcome.SUPERSEDED, Outcome.NOT_TRIED);
        assertThat(result.join().attempts().get(1).detail()).startsWith("Superseded: " + IMAPS);
        assertThat(result.join().attempts().get(2).detail())
                .isEqualTo("Not tried: a more preferred candidate had already authenticated.");
        assertThat(result.join().attempts()).as("not needed: no cause of its own, the outcome says it")
                .allSatisfy(attempt -> assertThat(attempt.explainedAs()).isEmpty());
        assertThat(result.join().attempts().subList(1, 3)).extracting(Explanation.Cause::of)
                .containsOnly(Explanation.Cause.NOT_NEEDED);
    }

    @Test
    void afterThePatienceWindowAnUnconnectedCandidateIsGivenUpForAReadyOne() {
        patience = Duration.ofSeconds(2);
        start(IMAPS, POP3S);
        connecting(0);
        time.advance(Duration.ofMillis(250));
        connecting(1);
        connections.get(1).connected = true;
        CompletableFuture<@Nullable Void> popTurn = race.lane(1).readyForTurn();

        time.advance(Duration.ofMillis(1_749));
        assertThat(popTurn).isNotDone();
        time.advance(Duration.ofMillis(1));

        assertThat(popTurn).isDone();
        assertThat(connections.get(0).closed).isTrue();
        assertThat(end(0, Outcome.TIMED_OUT).outcome()).isEqualTo(Outcome.ABANDONED);
    }

    @Test
    void patienceNeverGivesUpAServerThatHasConnected() {
        patience = Duration.ofSeconds(2);
        start(IMAPS, POP3S);
        connecting(0);
        time.advance(Duration.ofMillis(250));
        connecting(1);
        connections.get(0).connected = true;   // connected after POP3 started: alive, waited for
        CompletableFuture<@Nullable Void> popTurn = race.lane(1).readyForTurn();

        time.advance(Duration.ofSeconds(10));

        assertThat(popTurn).isNotDone();
        assertThat(connections.get(0).closed).isFalse();
    }

    @Test
    void anAttemptThatDoesNotReachItsLoginInTimeIsStoppedAtItsDeadline() {
        attemptTimeout = Duration.ofSeconds(5);
        start(IMAPS);
        connecting(0);
        connections.get(0).connected = true;
        connections.get(0).phase = Phase.GREETING;

        time.advance(Duration.ofMillis(4_999));
        assertThat(connections.get(0).closed).isFalse();
        time.advance(Duration.ofMillis(1));
        assertThat(connections.get(0).closed).isTrue();

        Attempt attempt = end(0, Outcome.NETWORK_ERROR);
        assertThat(attempt.outcome()).isEqualTo(Outcome.TIMED_OUT);
        assertThat(attempt.detail()).contains("did not finish connecting within its deadline of 5000 ms");
    }

    @Test
    void waitingForTheTurnDoesNotCountAgainstTheAttemptsDeadline() {
        attemptTimeout = Duration.ofSeconds(5);
        start(IMAPS, POP3S);
        connecting(0);
        time.advance(Duration.ofMillis(250));
        connecting(1);
        connections.get(1).connected = true;
        race.lane(1).readyForTurn();

        time.advance(Duration.ofSeconds(4));   // IMAP's own deadline is close, POP3 has waited since 250 ms
        end(0, Outcome.TIMED_OUT);
        time.advance(Duration.ofSeconds(30));

        assertThat(connections.get(1).closed).as("POP3 was waiting for its turn, not slow").isFalse();
    }

    @Test
    void theLoginHasADeadlineOfItsOwn() throws IOException {
        start(IMAPS);
        connecting(0);
        connections.get(0).connected = true;
        time.advance(Duration.ofSeconds(30));   // greeting after 30 s: within the 40 s pre-login deadline
        race.lane(0).readyForTurn();
        race.lane(0).startLogin();
        connections.get(0).phase = Phase.LOGIN;

        time.advance(Duration.ofMillis(39_999));
        assertThat(connections.get(0).closed).isFalse();
        time.advance(Duration.ofMillis(1));

        assertThat(connections.get(0).closed).isTrue();
        assertThat(end(0, Outcome.PROTOCOL_ERROR).detail()).contains("did not finish its login");
    }

    @Test
    void aBusyServerIsRetriedWithDoublingBackoffKeepingItsPlace() {
        start(IMAPS, POP3S);
        List<Duration> retries = new ArrayList<>();
        connecting(0);
        for (int answer = 1; answer <= 6; answer++) {
            connections.get(connections.size() - 1).connected = true;
            assertThat(race.lane(0).end(tryEnd(Outcome.BUSY))).as("retried, not recorded").isNull();
            race.lane(0).announced(false);
            int before = started.size();
            Duration waited = Duration.ZERO;
            while (started.size() == before) {
                time.advance(Duration.ofMillis(50));
                waited = waited.plusMillis(50);
            }
            retries.add(waited);
            assertThat(started.get(started.size() - 1)).as("the same candidate again, never POP3").isEqualTo(IMAPS);
        }

        assertThat(retries).containsExactly(Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
                Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(4));
    }

    @Test
    void aRejectedTokenWithARefreshedOneIsTriedAgainAtOnceKeepingItsTurn() throws IOException {
        start(IMAPS, POP3S);
        connecting(0);
        time.advance(Duration.ofMillis(250));
        connecting(1);
        CompletableFuture<@Nullable Void> popTurn = race.lane(1).readyForTurn();
        race.lane(0).readyForTurn();
        race.lane(0).startLogin();

        TryEnd refreshed = new TryEnd(Outcome.TOKEN_REJECTED, "rejected", null, Phase.LOGIN, null, true);
        assertThat(race.lane(0).end(refreshed)).as("tried again, not recorded").isNull();
        race.lane(0).announced(false);
        time.runDue();

        assertThat(started).as("the same candidate again at once").containsExactly(IMAPS, POP3S, IMAPS);
        assertThat(popTurn).as("POP3 still waits: IMAP keeps its turn").isNotDone();
        assertThat(end(0, Outcome.TOKEN_REJECTED).outcome()).isEqualTo(Outcome.TOKEN_REJECTED);
        assertThat(popTurn).as("then POP3's turn").isDone();
    }

    @Test
    void aServerStillBusyWhenTheWindowEndsIsRecordedAsBusyAndTheChainMovesOn() {
        start(IMAPS, POP3S);
        connecting(0);
        Attempt recorded = null;
        int answers = 0;
        while (recorded == null) {
            answers++;
            recorded = race.lane(0).end(tryEnd(Outcome.BUSY));
            race.lane(0).announced(recorded != null);
            if (recorded == null) {
                int before = started.size();
                while (started.size() == before) {
                    time.advance(Duration.ofMillis(50));
                }
            }
        }

        // tries at 0, 0.25, 0.75, 1.75, 3.75, 7.75, 11.75, 15.75 and 19.75 s: a wait of 4 s more ends past the window
        assertThat(recorded.outcome()).isEqualTo(Outcome.BUSY);
        assertThat(answers).isEqualTo(9);
        assertThat(recorded.elapsed()).isEqualTo(Duration.ofMillis(19_750));
        assertThat(recorded.detail()).contains("It said so 9 times");
        assertThat(started).endsWith(POP3S);
    }

    @Test
    void theOverallDeadlineStopsWhatRunsAndSettlesWhatNeverStarted() {
        integrationTimeout = Duration.ofSeconds(10);
        start(IMAPS, POP3S);
        connecting(0);
        connections.get(0).connected = true;

        time.advance(Duration.ofSeconds(10));
        assertThat(connections.get(0).closed).isTrue();
        end(0, Outcome.NETWORK_ERROR);
        time.runDue();

        assertThat(result.join().attempts()).extracting(Attempt::outcome)
                .containsExactly(Outcome.TIMED_OUT, Outcome.NOT_TRIED);
        assertThat(result.join().attempts().get(0).detail()).contains("overall deadline of 10000 ms");
        assertThat(result.join().attempts().get(1).detail()).contains("deadline of 10000 ms had passed");
        assertThat(result.join().elapsed()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void stopAtTheFirstRejectionSendsThePasswordNowhereElse() {
        stopOnAuthFailure = true;
        start(IMAPS, POP3S, IMAP);
        connecting(0);
        time.advance(Duration.ofMillis(250));
        connecting(1);
        CompletableFuture<@Nullable Void> popTurn = race.lane(1).readyForTurn();

        end(0, Outcome.AUTH_FAILED);

        assertThat(popTurn).as("woken, to be refused").isDone();
        assertThatThrownBy(() -> race.lane(1).startLogin()).isInstanceOf(IOException.class);
        assertThat(started).containsExactly(IMAPS, POP3S);
        end(1, Outcome.NETWORK_ERROR);
        time.runDue();
        assertThat(result.join().attempts()).extracting(Attempt::outcome)
                .containsExactly(Outcome.AUTH_FAILED, Outcome.NOT_TRIED, Outcome.NOT_TRIED);
    }

    @Test
    void cancellingEndsTheRaceAtOnce() {
        start(IMAPS, POP3S);
        connecting(0);

        race.cancel();
        assertThat(connections.get(0).closed).isTrue();
        end(0, Outcome.NETWORK_ERROR);
        time.runDue();

        assertThat(result.join().attempts()).extracting(Attempt::outcome)
                .containsExactly(Outcome.CANCELLED, Outcome.CANCELLED);
        assertThat(result.join().attempts()).extracting(Attempt::detail).containsExactly(
                "Cancelled while it was being tried: the application cancelled the integration.",
                "Cancelled before it started: the application cancelled the integration.");
    }

    @Test
    void aSequentialWalkStartsTheNextOnlyAfterAFailure() {
        stagger = null;
        start(IMAPS, POP3S);
        connecting(0);
        time.advance(Duration.ofSeconds(9));
        assertThat(started).containsExactly(IMAPS);

        end(0, Outcome.TIMED_OUT);

        assertThat(started).containsExactly(IMAPS, POP3S);
    }

    @Test
    void everyStartIsHandedOffOutsideTheRacesLock() {
        start(IMAPS, POP3S, IMAP);   // the caller's start
        connecting(0);
        time.advance(Duration.ofMillis(250));   // the stagger's start
        connecting(1);
        end(1, Outcome.REFUSED);   // the start after a failure
        assertThat(race.lane(0).end(tryEnd(Outcome.BUSY))).isNull();
        race.lane(0).announced(false);
        time.advance(Duration.ofMillis(250));   // the busy retry

        assertThat(started).containsExactly(IMAPS, POP3S, IMAP, IMAPS);
        assertThat(underTheLock).as("handed to the starter under the race's lock").isEmpty();
    }

    @Test
    void aStartGrantedWhenAnotherIntegrationGivesItsPermitBackIsHandedOffOutsideTheLock() {
        limiter = new ConnectionLimiter(1);
        ConnectionLimiter.Ticket elsewhere = limiter.ticket("mail.example.com:993");
        elsewhere.request(() -> { });   // another integration holds the one connection to IMAPS's server
        start(IMAPS);
        assertThat(started).isEmpty();

        elsewhere.release();

        assertThat(started).containsExactly(IMAPS);
        assertThat(underTheLock).isEmpty();
    }

    @Test
    void socketsAreClosedOutsideTheRacesLock() {
        stopOnAuthFailure = true;
        start(IMAPS, POP3S);
        connecting(0);
        time.advance(Duration.ofMillis(250));
        connecting(1);

        end(0, Outcome.AUTH_FAILED);   // stops POP3S, which is still being tried

        assertThat(connections.get(1).closed).isTrue();
        assertThat(underTheLock).as("closed under the race's lock").isEmpty();
    }

    @Test
    void candidatesTheDeadlineKeptFromStartingSaySoAndKeepWhereTheirHostCameFrom() {
        release = discoveredByAutoconfig();
        integrationTimeout = Duration.ofSeconds(10);
        limiter = new ConnectionLimiter(1);
        limiter.ticket("mail.example.com:995").request(() -> { });   // POP3S will wait for a connection permit
        start(IMAPS, POP3S, IMAP);
        connecting(0);
        time.advance(Duration.ofMillis(250));   // POP3S is launched and waits for its permit; IMAP is not launched

        time.advance(Duration.ofSeconds(10));
        end(0, Outcome.NETWORK_ERROR);
        time.runDue();

        List<Attempt> attempts = result.join().attempts();
        assertThat(attempts).extracting(Attempt::outcome)
                .containsExactly(Outcome.TIMED_OUT, Outcome.TIMED_OUT, Outcome.NOT_TRIED);
        assertThat(attempts.get(0).explainedAs()).as("it ran: its outcome and phase tell").isEmpty();
        assertThat(attempts.get(1).detail()).contains("still waiting for one of the connections allowed");
        assertThat(attempts.get(1).explainedAs()).contains(Explanation.Cause.DEADLINE_PASSED);
        assertThat(attempts.get(2).explainedAs()).contains(Explanation.Cause.DEADLINE_PASSED);
        assertThat(attempts).allSatisfy(attempt -> assertThat(attempt.provenance()).contains(AUTOCONFIG));
    }

    @Test
    void candidatesStoppedAtTheFirstRejectionSaySo() {
        stopOnAuthFailure = true;
        start(IMAPS, POP3S, IMAP);
        connecting(0);
        time.advance(Duration.ofMillis(250));
        connecting(1);

        end(0, Outcome.AUTH_FAILED);
        end(1, Outcome.NETWORK_ERROR);   // what its closed socket made of it
        time.runDue();

        List<Attempt> attempts = result.join().attempts();
        assertThat(attempts).extracting(Attempt::outcome)
                .containsExactly(Outcome.AUTH_FAILED, Outcome.NOT_TRIED, Outcome.NOT_TRIED);
        assertThat(attempts.get(0).explainedAs()).isEmpty();
        assertThat(attempts.get(1).explainedAs()).as("stopped while it ran")
                .contains(Explanation.Cause.STOPPED_AT_REJECTION);
        assertThat(attempts.get(2).explainedAs()).as("never started")
                .contains(Explanation.Cause.STOPPED_AT_REJECTION);
    }

    @Test
    void aCandidateTheExecutorRefusedSaysSoAndTheChainMovesOn() {
        release = discoveredByAutoconfig();
        refused.add(POP3S);
        start(IMAPS, POP3S, IMAP);
        connecting(0);

        end(0, Outcome.REFUSED);

        assertThat(started).as("POP3S refused, IMAP started in its place").containsExactly(IMAPS, IMAP);
        Attempt notRun = race.lane(1).attempt();
        assertThat(notRun.outcome()).isEqualTo(Outcome.NOT_TRIED);
        assertThat(notRun.detail()).isEqualTo("Not tried: the executor refused to run the attempt (queue full).");
        assertThat(notRun.explainedAs()).contains(Explanation.Cause.NOT_RUN);
        assertThat(notRun.provenance()).contains(AUTOCONFIG);
    }

    // "not now": connection limits, login delays, and never a less secure candidate on one

    @Test
    void aConnectionClosedBeforeTheGreetingWhileTheServerHoldsOthersIsRetriedKeepingItsPlace() {
        limiter = new ConnectionLimiter(8, time);
        ConnectionLimiter.Ticket elsewhere = openConnection("mail.example.com:993");
        start(IMAPS, IMAP);
        connecting(0);
        connections.get(0).connected = true;

        assertThat(race.lane(0).end(closedEarly(Outcome.NETWORK_ERROR))).as("retried, not recorded").isNull();
        race.lane(0).announced(false);

        assertThat(limiter.limit("mail.example.com:993")).as("learned: one other was open").isEqualTo(1);
        time.advance(Duration.ofSeconds(5));
        assertThat(started).as("the retry waits for the learned limit; IMAP without TLS never starts")
                .containsExactly(IMAPS);

        elsewhere.release();

        assertThat(started).as("the same candidate again, once a connection is free").containsExactly(IMAPS, IMAPS);
        assertThat(race.lane(0).attempt()).isNull();
    }

    @Test
    void aConnectionClosedBeforeTheGreetingWithNothingElseOpenIsWhatItIsAndTheChainMovesOn() {
        limiter = new ConnectionLimiter(8, time);
        start(IMAPS, IMAP);
        connecting(0);
        connections.get(0).connected = true;

        Attempt attempt = race.lane(0).end(closedEarly(Outcome.TLS_FAILED));
        race.lane(0).announced(true);

        assertThat(attempt.outcome()).isEqualTo(Outcome.TLS_FAILED);
        assertThat(started).containsExactly(IMAPS, IMAP);
        assertThat(limiter.limit("mail.example.com:993")).as("nothing learned").isEqualTo(8);
    }

    @Test
    void aServerStillFullWhenTheWindowEndsIsBusyExplainedAsAConnectionLimitAndTheCleartextCandidateIsHeldBack() {
        busyWindow = Duration.ofSeconds(1);
        limiter = new ConnectionLimiter(8, time);
        servedElsewhere("mail.example.com:993");
        start(IMAPS, IMAP);
        connecting(0);

        List<Duration> waits = closeEarlyUntilRecorded(Outcome.PROTOCOL_ERROR);
        time.runDue();

        assertThat(waits).as("the busy backoff").containsExactly(Duration.ofMillis(250), Duration.ofMillis(500));
        assertThat(started).as("IMAP without TLS never started").containsOnly(IMAPS);
        List<Attempt> attempts = result.join().attempts();
        assertThat(attempts).extracting(Attempt::outcome).containsExactly(Outcome.BUSY, Outcome.NOT_TRIED);
        assertThat(attempts.get(0).explainedAs()).contains(Explanation.Cause.CONNECTION_LIMIT);
        assertThat(attempts.get(0).detail()).contains("closed 3 new connections before its greeting")
                .contains("the attempt says PROTOCOL_ERROR");
        assertThat(attempts.get(1).explainedAs()).contains(Explanation.Cause.HELD_BACK);
        assertThat(attempts.get(1).detail()).isEqualTo("Not tried: " + IMAPS + " is more secure and was only busy, "
                + "so the credentials are not sent in cleartext in its place; integrate again later.");
        assertThat(result.join().selected()).isEmpty();
    }

    @Test
    void eachEarlyCloseIsJudgedAfreshAndOnceNothingSaysTheServerIsUpTheChainMovesOn() {
        limiter = new ConnectionLimiter(8, time);
        servedElsewhere("mail.example.com:993");
        start(IMAPS, IMAP);
        connecting(0);

        List<Duration> waits = closeEarlyUntilRecorded(Outcome.NETWORK_ERROR);

        assertThat(waits).as("not now while the greeting is a moment old, then what it is")
                .containsExactly(Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1));
        assertThat(race.lane(0).attempt().outcome()).isEqualTo(Outcome.NETWORK_ERROR);
        assertThat(started).as("a calm walk's next candidate").endsWith(IMAP);
    }

    @Test
    void aBusyCandidateHoldsBackLessSecureOnesAndLetsOnesAsSecureWin() throws IOException {
        busyWindow = Duration.ZERO;
        start(IMAPS, IMAP_STARTTLS, IMAP, POP3S);
        connecting(0);

        end(0, Outcome.BUSY);

        assertThat(started).as("STARTTLS and cleartext held back, POP3 over TLS started")
                .containsExactly(IMAPS, POP3S);
        connecting(3);
        connections.get(1).connected = true;
        assertThat(race.lane(3).readyForTurn()).isDone();
        race.lane(3).startLogin();
        race.lane(3).won();
        end(3, Outcome.AUTHENTICATED);
        time.runDue();

        IntegrationResult done = result.join();
        assertThat(done.attempts()).extracting(Attempt::outcome).containsExactly(Outcome.BUSY, Outcome.NOT_TRIED,
                Outcome.NOT_TRIED, Outcome.AUTHENTICATED);
        assertThat(done.attempts().subList(1, 3)).extracting(Attempt::explainedAs)
                .containsOnly(java.util.Optional.of(Explanation.Cause.HELD_BACK));
        assertThat(done.attempts().get(1).detail()).contains("with less protection (STARTTLS)");
        assertThat(done.selected()).contains(POP3S);
        assertThat(done.busyBeforeSelected()).containsExactly(done.attempts().get(0));
    }

    @Test
    void aStartTlsCandidateThatIsBusyHoldsBackCleartextButNotImplicitTls() {
        busyWindow = Duration.ZERO;
        start(IMAP_STARTTLS, IMAP, POP3S);
        connecting(0);

        end(0, Outcome.BUSY);

        assertThat(started).containsExactly(IMAP_STARTTLS, POP3S);
        assertThat(race.lane(1).attempt().explainedAs()).contains(Explanation.Cause.HELD_BACK);
    }

    @Test
    void aLessSecureCandidateWaitingForItsTurnIsStoppedBeforeItsCredentialsWhenAMoreSecureOneEndsBusy() {
        busyWindow = Duration.ZERO;
        start(IMAPS, IMAP);
        connecting(0);
        time.advance(Duration.ofMillis(250));
        connecting(1);
        connections.get(1).connected = true;
        CompletableFuture<@Nullable Void> cleartextTurn = race.lane(1).readyForTurn();

        end(0, Outcome.BUSY);

        assertThat(cleartextTurn).as("woken, to be refused").isDone();
        assertThatThrownBy(() -> race.lane(1).startLogin()).isInstanceOf(IOException.class);
        assertThat(connections.get(1).closed).isTrue();
        Attempt heldBack = end(1, Outcome.NETWORK_ERROR);   // what its closed socket made of it
        assertThat(heldBack.outcome()).isEqualTo(Outcome.NOT_TRIED);
        assertThat(heldBack.explainedAs()).contains(Explanation.Cause.HELD_BACK);
    }

    @Test
    void aLoginDelayLongerThanWhatTheWindowLeavesIsNotTriedAgainAndTheResultSaysWhen() {
        start(POP3S, POP3);
        connecting(0);

        Attempt delayed = race.lane(0).end(loginDelayed(Duration.ofSeconds(60)));
        race.lane(0).announced(true);
        time.runDue();

        assertThat(delayed.outcome()).isEqualTo(Outcome.BUSY);
        assertThat(delayed.explainedAs()).contains(Explanation.Cause.LOGIN_DELAYED);
        assertThat(started).as("no second login, and none in cleartext").containsExactly(POP3S);
        Attempt heldBack = result.join().attempts().get(1);
        assertThat(heldBack.explainedAs()).contains(Explanation.Cause.HELD_BACK);
        assertThat(heldBack.detail()).endsWith("integrate again in 60 s.");
        assertThat(result.join().selected()).isEmpty();
    }

    @Test
    void aLoginDelayThatFitsIsTriedAgainOnceItHasPassed() {
        start(POP3S, POP3);
        connecting(0);

        assertThat(race.lane(0).end(loginDelayed(Duration.ofSeconds(5)))).isNull();
        race.lane(0).announced(false);

        time.advance(Duration.ofMillis(4_999));
        assertThat(started).containsExactly(POP3S);
        time.advance(Duration.ofMillis(1));
        assertThat(started).containsExactly(POP3S, POP3S);
    }

    @Test
    void aLoginDelayOfUnknownLengthIsNotTriedAgain() {
        start(POP3S, POP3);
        connecting(0);

        Attempt delayed = race.lane(0).end(loginDelayed(null));

        assertThat(delayed).isNotNull();
        assertThat(delayed.outcome()).isEqualTo(Outcome.BUSY);
        assertThat(started).containsExactly(POP3S);
    }

    @Test
    void patienceNeverGivesUpACandidateWhoseServerSaidNotNow() {
        patience = Duration.ofSeconds(2);
        limiter = new ConnectionLimiter(8, time);
        ConnectionLimiter.Ticket elsewhere = openConnection("mail.example.com:993");
        start(IMAPS, POP3S);
        connecting(0);
        time.advance(Duration.ofMillis(250));
        connecting(1);
        connections.get(1).connected = true;
        CompletableFuture<@Nullable Void> popTurn = race.lane(1).readyForTurn();
        connections.get(0).connected = true;
        assertThat(race.lane(0).end(closedEarly(Outcome.NETWORK_ERROR))).isNull();
        race.lane(0).announced(false);
        elsewhere.release();
        time.advance(Duration.ofMillis(250));   // IMAP's retry: connecting, not connected yet

        time.advance(Duration.ofSeconds(3));

        assertThat(popTurn).as("POP3 still waits for IMAP, whose server is up").isNotDone();
        assertThat(connections.get(connections.size() - 1).closed).isFalse();
    }

    // the attempts' part

    private void start(ProtocolCandidate... candidates) {
        SafeListener listener = new SafeListener(IntegrationListener.NONE);
        Race.Rules rules = new Race.Rules(stagger, patience, attemptTimeout, Duration.ofSeconds(40),
                integrationTimeout, busyWindow, stopOnAuthFailure, limiter, time, listener);
        race = new Race(rules, new IntegrationListener.Integration(1, "dave@example.com"),
                Plan.routes(List.of(candidates), Security.NONE, release), lane -> {
                    if (Thread.holdsLock(race)) {
                        underTheLock.add("handed " + lane.candidate() + " to the starter");
                    }
                    if (refused.contains(lane.candidate())) {
                        throw new RejectedExecutionException("queue full");
                    }
                    started.add(lane.candidate());
                    FakeConnection connection = new FakeConnection(lane.candidate());
                    connections.add(connection);
                    lane.begin(connection);
                });
        result = race.start();
    }

    private static final Provenance AUTOCONFIG = Provenance.of(Provenance.Kind.AUTOCONFIG,
            "https://autoconfig.example.com/mail/config-v1.1.xml", true);

    /** Discovery named the candidates' host, mail.example.com, from a trusted autoconfig document. */
    private static CredentialRelease discoveredByAutoconfig() {
        DiscoveredHosts found = DiscoveredHosts.builder("example.com").add(Endpoint.of(IMAPS, AUTOCONFIG))
                .add(Endpoint.of(POP3S, AUTOCONFIG)).add(Endpoint.of(IMAP, AUTOCONFIG)).build();
        return CredentialRelease.discovered(MailAccount.builder("dave@example.com").password("pw").build(), found,
                HostApproval.NONE);
    }

    /** The most recent try of the candidate at {@code index} begins its TCP connect. */
    private void connecting(int index) {
        race.lane(index).connecting();
    }

    private Attempt end(int index, Outcome outcome) {
        Attempt attempt = race.lane(index).end(tryEnd(outcome));
        race.lane(index).announced(attempt != null);
        assertThat(attempt).isNotNull();
        return attempt;
    }

    private static TryEnd tryEnd(Outcome outcome) {
        return new TryEnd(outcome, "the attempt says " + outcome, null, Phase.CONNECT, null);
    }

    /** The server closed the connection before its greeting, as the attempt saw it. */
    private static TryEnd closedEarly(Outcome outcome) {
        return new TryEnd(outcome, "the attempt says " + outcome, null, Phase.TLS, null).closedEarly();
    }

    /** A POP3 {@code [LOGIN-DELAY]}, with the delay the server advertised, if it did. */
    private static TryEnd loginDelayed(@Nullable Duration advertised) {
        return new TryEnd(Outcome.BUSY, "the attempt says LOGIN-DELAY", null, Phase.LOGIN, null, false,
                Explanation.Cause.LOGIN_DELAYED).retryingAfter(advertised);
    }

    /** Another integration's connection to {@code server} was greeted and has just ended. */
    private void servedElsewhere(String server) {
        ConnectionLimiter.Ticket other = openConnection(server);
        other.accepted();
        other.release();
    }

    /**
     * The server closes every try of candidate 0 before its greeting until the race records it; the waits between
     * the tries.
     */
    private List<Duration> closeEarlyUntilRecorded(Outcome outcome) {
        List<Duration> waits = new ArrayList<>();
        while (true) {
            connections.get(connections.size() - 1).connected = true;
            Attempt recorded = race.lane(0).end(closedEarly(outcome));
            race.lane(0).announced(recorded != null);
            if (recorded != null) {
                return waits;
            }
            int before = started.size();
            Duration waited = Duration.ZERO;
            while (started.size() == before) {
                time.advance(Duration.ofMillis(50));
                waited = waited.plusMillis(50);
            }
            waits.add(waited);
        }
    }

    /** Another integration's connection to {@code server}, established and open. */
    private ConnectionLimiter.Ticket openConnection(String server) {
        ConnectionLimiter.Ticket ticket = limiter.ticket(server);
        assertThat(ticket.request(() -> { })).isTrue();
        ticket.connected();
        return ticket;
    }

    private static ProtocolCandidate candidate(MailProtocol protocol, Security security, int port) {
        return ProtocolCandidate.of(protocol, security, "mail.example.com", port);
    }
}
