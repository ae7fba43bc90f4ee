package org.mailintegrator.core.internal.planning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.Explanation;
import org.mailintegrator.core.IntegrationListener;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.Phase;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;
import org.mailintegrator.core.internal.ManualTimeline;
import org.mailintegrator.core.internal.SafeListener;
import org.mailintegrator.core.internal.racing.ConnectionLimiter;
import org.mailintegrator.core.internal.racing.Race;

/**
 * The memory of unreachable endpoints on a manual clock: what it notes and what it never notes, when it forgets
 * (expiry, a connection, eviction), its key, its bound under concurrent use, and how the plan and the race use it.
 */
class UnreachableMemoryTest {
    private static final Duration FIVE_MINUTES = Duration.ofMinutes(5);
    private static final ProtocolCandidate IMAPS = candidate(MailProtocol.IMAP, Security.IMPLICIT_TLS, 993);
    private static final ProtocolCandidate POP3S = candidate(MailProtocol.POP3, Security.IMPLICIT_TLS, 995);
    private static final ProtocolCandidate IMAP = candidate(MailProtocol.IMAP, Security.NONE, 143);

    private final ManualTimeline time = new ManualTimeline();
    private final UnreachableMemory memory = new UnreachableMemory(FIVE_MINUTES, 100, time);

    private static ProtocolCandidate candidate(MailProtocol protocol, Security security, int port) {
        return ProtocolCandidate.of(protocol, security, "mail.example.com", port);
    }

    private static ProtocolCandidate on(String host, int port) {
        return ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS, host, port);
    }

    @Test
    void aConnectThatWasRefusedOrTimedOutIsRememberedWithItsOutcomeAndAge() {
        assertThat(memory.learn(IMAPS, Outcome.TIMED_OUT, Phase.CONNECT)).isTrue();
        assertThat(memory.learn(POP3S, Outcome.REFUSED, Phase.CONNECT)).isTrue();
        time.advance(Duration.ofMillis(1_500));

        assertThat(memory.recall(IMAPS)).hasValue(
                new UnreachableMemory.Known(Outcome.TIMED_OUT, Duration.ofMillis(1_500)));
        assertThat(memory.recall(POP3S)).hasValue(
                new UnreachableMemory.Known(Outcome.REFUSED, Duration.ofMillis(1_500)));
        assertThat(memory.recall(IMAP)).as("another port").isEmpty();
        assertThat(memory.size()).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(Outcome.class)
    void onlyAFailureToConnectIsEverRemembered(Outcome outcome) {
        for (Phase phase : Phase.values()) {
            boolean expected = phase == Phase.CONNECT && (outcome == Outcome.REFUSED || outcome == Outcome.TIMED_OUT);

            assertThat(memory.learn(IMAPS, outcome, phase)).as(outcome + " in " + phase).isEqualTo(expected);
            assertThat(memory.recall(IMAPS)).as(outcome + " in " + phase).isEqualTo(expected
                    ? java.util.Optional.of(new UnreachableMemory.Known(outcome, Duration.ZERO))
                    : java.util.Optional.empty());
            memory.reachable(IMAPS);
        }
    }

    @Test
    void serverAnswersAreNeverRemembered() {
        // a server that answered, however badly, is reachable; a name that does not resolve is not a connect
        memory.learn(IMAPS, Outcome.TIMED_OUT, Phase.GREETING);   // accepted, then silent
        memory.learn(IMAPS, Outcome.TIMED_OUT, Phase.RESOLVE);    // a silent resolver
        memory.learn(IMAPS, Outcome.TLS_FAILED, Phase.TLS);
        memory.learn(IMAPS, Outcome.BUSY, Phase.LOGIN);
        memory.learn(IMAPS, Outcome.AUTH_FAILED, Phase.LOGIN);
        memory.learn(IMAPS, Outcome.PROTOCOL_ERROR, Phase.GREETING);
        memory.learn(IMAPS, Outcome.UNKNOWN_HOST, Phase.RESOLVE);
        memory.learn(IMAPS, Outcome.NETWORK_ERROR, Phase.CONNECT);
        memory.learn(IMAPS, Outcome.ABANDONED, Phase.CONNECT);
        memory.learn(IMAPS, Outcome.REFUSED, Phase.NOT_STARTED);  // a remembered skip does not renew itself

        assertThat(memory.recall(IMAPS)).isEmpty();
        assertThat(memory.size()).isZero();
    }

    @Test
    void anEntryExpiresAfterTheDurationOnTheEnginesClock() {
        memory.learn(IMAPS, Outcome.TIMED_OUT, Phase.CONNECT);

        time.advance(FIVE_MINUTES.minusNanos(1));
        assertThat(memory.recall(IMAPS)).hasValueSatisfying(known ->
                assertThat(known.ago()).isEqualTo(FIVE_MINUTES.minusNanos(1)));
        time.advance(Duration.ofNanos(1));
        assertThat(memory.recall(IMAPS)).isEmpty();
        assertThat(memory.size()).isZero();
    }

    @Test
    void recallingDoesNotRenewAnEntryButAnotherFailureDoes() {
        memory.learn(IMAPS, Outcome.TIMED_OUT, Phase.CONNECT);
        time.advance(Duration.ofMinutes(4));
        assertThat(memory.recall(IMAPS)).isPresent();
        time.advance(Duration.ofMinutes(1));
        assertThat(memory.recall(IMAPS)).as("recalled, not renewed").isEmpty();

        memory.learn(IMAPS, Outcome.TIMED_OUT, Phase.CONNECT);
        time.advance(Duration.ofMinutes(4));
        memory.learn(IMAPS, Outcome.REFUSED, Phase.CONNECT);    // e.g. an integration that began before the entry
        time.advance(Duration.ofMinutes(4));
        assertThat(memory.recall(IMAPS)).as("renewed by the second failure, with its outcome")
                .hasValue(new UnreachableMemory.Known(Outcome.REFUSED, Duration.ofMinutes(4)));
    }

    @Test
    void anEndpointThatConnectsIsForgottenAtOnce() {
        memory.learn(IMAPS, Outcome.TIMED_OUT, Phase.CONNECT);
        memory.learn(POP3S, Outcome.REFUSED, Phase.CONNECT);
        memory.learn(IMAP, Outcome.REFUSED, Phase.CONNECT);

        memory.reachable(IMAPS);                                 // the connect succeeded
        memory.learn(POP3S, Outcome.AUTH_FAILED, Phase.LOGIN);   // a try that got as far as its login
        memory.learn(IMAP, Outcome.TLS_FAILED, Phase.TLS);       // STARTTLS on 143 failed, but 143 answered

        assertThat(memory.recall(IMAPS)).isEmpty();
        assertThat(memory.recall(POP3S)).isEmpty();
        assertThat(memory.recall(IMAP)).isEmpty();
    }

    @Test
    void theKeyIsTheHostIgnoringCaseAndThePortWhateverIsSpokenThere() {
        memory.learn(on("Mail.Example.COM", 143), Outcome.REFUSED, Phase.CONNECT);

        assertThat(UnreachableMemory.endpoint(on("Mail.Example.COM", 143))).isEqualTo("mail.example.com:143");
        assertThat(memory.recall(candidate(MailProtocol.IMAP, Security.STARTTLS, 143))).isPresent();
        assertThat(memory.recall(candidate(MailProtocol.IMAP, Security.NONE, 143))).isPresent();
        assertThat(memory.recall(on("mail.example.com", 993))).isEmpty();
        assertThat(memory.recall(on("imap.example.com", 143))).isEmpty();
    }

    @Test
    void theLeastRecentlyNotedEndpointIsEvictedAtTheBound() {
        UnreachableMemory small = new UnreachableMemory(FIVE_MINUTES, 3, time);
        small.learn(on("a.example", 993), Outcome.TIMED_OUT, Phase.CONNECT);
        time.advance(Duration.ofSeconds(1));
        small.learn(on("b.example", 993), Outcome.TIMED_OUT, Phase.CONNECT);
        time.advance(Duration.ofSeconds(1));
        small.learn(on("c.example", 993), Outcome.TIMED_OUT, Phase.CONNECT);
        time.advance(Duration.ofSeconds(1));
        small.learn(on("a.example", 993), Outcome.TIMED_OUT, Phase.CONNECT);   // noted again: now the newest
        assertThat(small.recall(on("b.example", 993))).isPresent();             // recalled: still the oldest

        small.learn(on("d.example", 993), Outcome.REFUSED, Phase.CONNECT);

        assertThat(small.size()).isEqualTo(3);
        assertThat(small.recall(on("b.example", 993))).as("least recently noted").isEmpty();
        assertThat(small.recall(on("a.example", 993))).isPresent();
        assertThat(small.recall(on("c.example", 993))).isPresent();
        assertThat(small.recall(on("d.example", 993))).isPresent();
    }

    @Test
    void expiredEntriesAreDroppedAsNewOnesAreNoted() {
        memory.learn(on("a.example", 993), Outcome.TIMED_OUT, Phase.CONNECT);
        memory.learn(on("b.example", 993), Outcome.TIMED_OUT, Phase.CONNECT);
        time.advance(FIVE_MINUTES);

        memory.learn(on("c.example", 993), Outcome.TIMED_OUT, Phase.CONNECT);

        assertThat(memory.toString()).startsWith("UnreachableMemory{1 of at most 100 endpoints");
    }

    @Test
    void manyThreadsNotingAtOnceKeepTheMemoryWithinItsBound() throws Exception {
        UnreachableMemory bounded = new UnreachableMemory(FIVE_MINUTES, 50, time);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            running.add(threads.submit(() -> {
                go.await();
                for (int i = 0; i < 5_000; i++) {
                    ProtocolCandidate endpoint = on("host" + (i % 200) + ".example", 993);
                    if ((i + thread) % 7 == 0) {
                        bounded.reachable(endpoint);
                    } else {
                        bounded.learn(endpoint, Outcome.TIMED_OUT, Phase.CONNECT);
                    }
                    bounded.recall(endpoint);
                    assertThat(bounded.size()).isBetween(0, 50);
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> future : running) {
            future.get(30, TimeUnit.SECONDS);
        }
        threads.shutdown();
        assertThat(bounded.size()).isBetween(1, 50);
    }

    @Test
    void argumentsAreChecked() {
        assertThatThrownBy(() -> new UnreachableMemory(Duration.ZERO, 10, time))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
        assertThatThrownBy(() -> new UnreachableMemory(FIVE_MINUTES, 0, time))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1");
    }

    // how the plan and the race use it

    @Test
    void theRouteOfARememberedEndpointEndsAtOnceWithItsOutcomeAndSaysWhy() {
        memory.learn(IMAPS, Outcome.TIMED_OUT, Phase.CONNECT);
        time.advance(Duration.ofMillis(3_200));

        List<Route> routes = Plan.routes(List.of(IMAPS, POP3S), Security.NONE, CredentialRelease.CALLER_HOSTS, false,
                memory);

        assertThat(routes.get(0).skippedAs()).isEqualTo(Outcome.TIMED_OUT);
        assertThat(routes.get(0).skipped()).hasValue("Not contacted: an integration 3.2 s ago found "
                + "mail.example.com:993 unreachable (the connect timed out), and this integrator remembers unreachable "
                + "endpoints for 5 min (Integrator.Builder.rememberUnreachable); the chain moved on at once.");
        assertThat(routes.get(1).skipped()).isEmpty();
        assertThat(Plan.routes(List.of(IMAPS), Security.NONE, CredentialRelease.CALLER_HOSTS, false, null))
                .as("without a memory").allSatisfy(route -> assertThat(route.skipped()).isEmpty());
    }

    @Test
    void onceItsEntryHasExpiredTheEndpointIsPlannedAgain() {
        memory.learn(IMAPS, Outcome.TIMED_OUT, Phase.CONNECT);
        time.advance(FIVE_MINUTES.minusMillis(1));
        assertThat(Plan.routes(List.of(IMAPS), Security.NONE, CredentialRelease.CALLER_HOSTS, false, memory).get(0)
                .skipped()).as("still remembered").isPresent();

        time.advance(Duration.ofMillis(1));

        assertThat(Plan.routes(List.of(IMAPS), Security.NONE, CredentialRelease.CALLER_HOSTS, false, memory).get(0)
                .skipped()).as("contacted again").isEmpty();
    }

    @Test
    void anotherReasonToSkipACandidateComesFirst() {
        memory.learn(IMAP, Outcome.REFUSED, Phase.CONNECT);

        Route route = Plan.routes(List.of(IMAP), Security.STARTTLS, CredentialRelease.CALLER_HOSTS, false, memory)
                .get(0);

        assertThat(route.skippedAs()).isEqualTo(Outcome.SKIPPED);
    }

    @Test
    void theRaceMovesOnAtOnceFromARememberedEndpointWithoutStartingIt() {
        memory.learn(IMAPS, Outcome.REFUSED, Phase.CONNECT);
        time.advance(Duration.ofMillis(40));
        List<ProtocolCandidate> started = new ArrayList<>();
        Race.Rules rules = new Race.Rules(Duration.ofMillis(250), null, Duration.ofSeconds(40),
                Duration.ofSeconds(40), Duration.ofMinutes(2), Duration.ofSeconds(20), false, new ConnectionLimiter(8),
                time, new SafeListener(IntegrationListener.NONE));
        Race race = new Race(rules, new IntegrationListener.Integration(1, "erin@example.com"),
                Plan.routes(List.of(IMAPS, POP3S), Security.NONE, CredentialRelease.CALLER_HOSTS, false, memory),
                lane -> started.add(lane.candidate()));

        CompletableFuture<IntegrationResult> result = race.start();

        assertThat(started).as("the remembered endpoint is not contacted; the next starts at once")
                .containsExactly(POP3S);
        Attempt remembered = race.lane(0).attempt();
        assertThat(remembered.outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(remembered.phase()).isEqualTo(Phase.NOT_STARTED);
        assertThat(remembered.elapsed()).isZero();
        assertThat(remembered.detail()).startsWith("Not contacted: an integration 40 ms ago found "
                + "mail.example.com:993 unreachable (the connection was refused)");
        assertThat(remembered.explainedAs()).contains(Explanation.Cause.REMEMBERED_UNREACHABLE);
        assertThat(result).isNotDone();
    }
}
