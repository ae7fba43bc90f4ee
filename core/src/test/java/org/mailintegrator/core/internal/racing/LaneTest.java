package org.mailintegrator.core.internal.racing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.Explanation;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.Phase;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;
import org.mailintegrator.core.internal.ManualTimeline;
import org.mailintegrator.core.internal.planning.Plan;

/**
 * One lane's transitions on a manual clock, with the race played by a host that records what the lane asks of it:
 * the attempt's deadlines, the "not now" retries and what they do with the permit, a stop while it waits, a refused
 * start. In every test, nothing is handed to the starter and no socket is closed under the race's monitor.
 */
class LaneTest {
    private static final ProtocolCandidate IMAPS = ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS,
            "mail.example.com", 993);

    private final ManualTimeline time = new ManualTimeline();
    private final Object monitor = new Object();
    private final Decisions decisions = new Decisions(monitor);
    private final ConnectionLimiter limiter = new ConnectionLimiter(8, time);
    private final Deadlines deadlines = new Deadlines(Duration.ofSeconds(40), Duration.ofSeconds(30),
            Duration.ofMinutes(2), Duration.ofSeconds(20));
    private final FakeRace race = new FakeRace();
    /** The tries handed to the starter, one connection each. */
    private final List<FakeConnection> tries = new ArrayList<>();
    private final List<String> underTheLock = new ArrayList<>();
    private boolean refuse;
    /** Whether the starter leaves the try unbegun, as an executor that has not run it yet. */
    private boolean holdTries;
    private final Lane lane = new Lane(Plan.routes(List.of(IMAPS), Security.NONE).get(0), race, decisions,
            this::start, limiter, deadlines, time);

    /** The race's side: what the lane asked of it, in order. */
    private final class FakeRace implements LaneHost {
        final List<String> asked = new ArrayList<>();
        boolean over;

        @Override
        public long raceStart() {
            return 0;
        }

        @Override
        public boolean over() {
            return over;
        }

        @Override
        public void connectBegan(boolean first, boolean resolved) {
            asked.add("connect began" + (first ? ", first" : ""));
        }

        @Override
        public void grantTurn() {
            asked.add("grant the turn");
        }

        @Override
        public void won(Lane winner) {
            asked.add("won");
        }

        @Override
        public void finished(Lane finished, Attempt attempt) {
            asked.add("finished " + attempt.outcome());
        }

        @Override
        public void completeIfDone() {
            asked.add("complete if done");
        }
    }

    private final class FakeConnection implements Connection {
        boolean connected;
        boolean closed;

        @Override
        public boolean isConnected() {
            return connected;
        }

        @Override
        public Phase phase() {
            return Phase.CONNECT;
        }

        @Override
        public void closeAll() {
            if (Thread.holdsLock(monitor)) {
                underTheLock.add("closed a socket");
            }
            closed = true;
        }
    }

    @AfterEach
    void nothingWasDoneUnderTheRacesMonitor() {
        assertThat(underTheLock).isEmpty();
    }

    @Test
    void aQueuedLaneIsHandedToTheStarterOnceItHasAPermitAndItsFirstTryStartsTheStagger() {
        decisions.decide(lane::queue);

        assertThat(tries).hasSize(1);
        assertThat(lane.permit()).isNotNull();
        lane.connecting();
        lane.connecting();
        assertThat(race.asked).containsExactly("connect began, first", "connect began");
    }

    @Test
    void theAttemptsDeadlinePausesWhileItWaitsForItsTurnAndTheLoginHasItsOwn() throws IOException {
        decisions.decide(lane::queue);
        time.advance(Duration.ofSeconds(10));
        CompletableFuture<@Nullable Void> turn = lane.readyForTurn();
        assertThat(race.asked).containsExactly("grant the turn");

        time.advance(Duration.ofMinutes(1));
        assertThat(tries.get(0).closed).as("waiting for the turn is the race's time, not the server's").isFalse();
        decisions.decide(lane::giveTurn);
        assertThat(turn).isDone();
        lane.startLogin();
        time.advance(Duration.ofMillis(29_999));
        assertThat(tries.get(0).closed).isFalse();
        time.advance(Duration.ofMillis(1));

        assertThat(tries.get(0).closed).as("the login's own 30 s are over").isTrue();
        Attempt attempt = lane.end(new TryEnd(Outcome.NETWORK_ERROR, "closed", null, Phase.LOGIN, null));
        assertThat(attempt).isNotNull();
        assertThat(attempt.outcome()).isEqualTo(Outcome.TIMED_OUT);
        assertThat(race.asked).endsWith("finished TIMED_OUT");
    }

    @Test
    void aBusyServerIsTriedAgainAfterTheBackoffKeepingThePermit() {
        decisions.decide(lane::queue);
        ConnectionLimiter.Ticket permit = lane.permit();

        assertThat(lane.end(tryEnd(Outcome.BUSY))).as("tried again, not recorded").isNull();
        lane.announced(false);
        time.advance(Duration.ofMillis(249));
        assertThat(tries).hasSize(1);
        time.advance(Duration.ofMillis(1));

        assertThat(tries).hasSize(2);
        assertThat(lane.permit()).isSameAs(permit);
        assertThat(lane.view().saidNotNow()).isTrue();
        assertThat(race.asked).containsExactly("complete if done");
    }

    @Test
    void aConnectionLimitGivesThePermitBackWhileItWaitsAndTheRetryWaitsForTheLearnedLimit() {
        ConnectionLimiter.Ticket elsewhere = limiter.ticket("mail.example.com:993");
        assertThat(elsewhere.request(() -> { })).isTrue();
        elsewhere.connected();
        decisions.decide(lane::queue);

        assertThat(lane.end(tryEnd(Outcome.NETWORK_ERROR).closedEarly())).as("tried again, not recorded").isNull();

        assertThat(lane.permit()).as("given back while it waits").isNull();
        assertThat(limiter.limit("mail.example.com:993")).isEqualTo(1);
        time.advance(Duration.ofSeconds(5));
        assertThat(tries).as("the one connection the server allows is another's").hasSize(1);
        elsewhere.release();
        assertThat(tries).hasSize(2);
        assertThat(lane.attempt()).isNull();
    }

    @Test
    void aLaneStoppedWhileItBacksOffIsFinishedAtOnceWithWhatItsServerLastSaid() {
        decisions.decide(lane::queue);
        assertThat(lane.end(tryEnd(Outcome.BUSY))).isNull();
        lane.announced(false);

        decisions.decide(() -> lane.stop(Outcome.TIMED_OUT, "the deadline passed", null));

        assertThat(lane.attempt()).isNotNull();
        assertThat(lane.attempt().outcome()).isEqualTo(Outcome.BUSY);
        assertThat(lane.permit()).isNull();
        time.advance(Duration.ofSeconds(1));
        assertThat(tries).as("the retry was called off").hasSize(1);
        assertThat(tries.get(0).closed).isTrue();
    }

    @Test
    void aLaneStoppedBeforeItsTryBeginsIsFinishedThereAndTheTryDoesNotRun() {
        holdTries = true;
        decisions.decide(lane::queue);
        decisions.decide(() -> lane.stop(Outcome.SUPERSEDED, "another won", null));

        assertThat(lane.begin(new FakeConnection())).isEqualTo(Race.Start.STOPPED);

        assertThat(lane.attempt().outcome()).isEqualTo(Outcome.SUPERSEDED);
        assertThat(race.asked).containsExactly("finished SUPERSEDED");
        assertThatThrownBy(lane::startLogin).isInstanceOf(IOException.class).hasMessageContaining("another won");
    }

    @Test
    void aTryTheStarterRefusesIsRecordedAsNotRun() {
        refuse = true;

        decisions.decide(lane::queue);

        assertThat(lane.attempt().outcome()).isEqualTo(Outcome.NOT_TRIED);
        assertThat(lane.attempt().explainedAs()).contains(Explanation.Cause.NOT_RUN);
        assertThat(lane.permit()).isNull();
        assertThat(race.asked).containsExactly("finished NOT_TRIED");
    }

    /** The starter: a try begins on a fresh connection, as the attempt would on its thread. */
    private void start(Lane started) {
        if (Thread.holdsLock(monitor)) {
            underTheLock.add("handed a try to the starter");
        }
        if (refuse) {
            throw new RejectedExecutionException("queue full");
        }
        FakeConnection connection = new FakeConnection();
        connection.connected = true;
        tries.add(connection);
        if (!holdTries) {
            started.begin(connection);
        }
    }

    private static TryEnd tryEnd(Outcome outcome) {
        return new TryEnd(outcome, "the attempt says " + outcome, null, Phase.CONNECT, null);
    }
}
