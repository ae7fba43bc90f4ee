package org.mailintegrator.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mailintegrator.testkit.MailIntegratorAssertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.IntegrationListener;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.Phase;
import org.mailintegrator.core.ProtocolCandidate;

/**
 * An executor that runs each task on the calling thread ({@code Runnable::run}) is allowed: the attempts' blocking
 * I/O then runs on whatever thread hands them over, which must be neither the integrator's timer (shared by the
 * deadlines of every integration) nor a thread that holds an integration's lock. Servers here accept and then say
 * nothing, or drop the connection attempt, and every read and connect timeout is far longer than the waits below.
 */
@Timeout(value = 60, threadMode = ThreadMode.SEPARATE_THREAD)
class CallerRunsExecutorTest {
    private static final String ADDRESS = "grace@example.com";
    private static final String PASSWORD = "caller-runs-secret";
    /** Connect and read timeouts that no assertion here waits for. */
    private static final Duration LONG = Duration.ofSeconds(30);
    /** How long an outcome that should come at once may take before the test calls it stuck. */
    private static final long PROMPTLY_SECONDS = 10;

    @Test
    void theDeadlineEndsAnAttemptBlockedInIoOnTheThreadThatHandedItOver() throws Exception {
        try (MailServerFixture fixture = MailServerFixture.builder().user(ADDRESS, PASSWORD)
                .fault(Service.IMAP, Fault.SILENT).start()) {
            ProtocolCandidate silent = candidate(fixture, Service.IMAP);
            Integrator integrator = callerRuns(List.of(silent)).integrationTimeout(Duration.ofSeconds(1)).build();

            IntegrationResult result = onANewThread(() -> integrator.integrate(fixture.account(ADDRESS)))
                    .get(PROMPTLY_SECONDS, TimeUnit.SECONDS);

            assertThat(result).isNotIntegrated();
            assertThat(result).attempt(1).hasOutcome(Outcome.TIMED_OUT);
            assertThat(result.attempts().get(0).detail()).contains("overall deadline of 1000 ms");
            assertThat(result.elapsed()).isLessThan(LONG);
        }
    }

    @Test
    void aCandidateTheStaggerStartsRunsOffTheTimerAndCancellingStopsEveryAttemptBlockedInIo() throws Exception {
        try (MailServerFixture fixture = MailServerFixture.builder().user(ADDRESS, PASSWORD)
                .fault(Service.IMAPS, Fault.DROP).fault(Service.POP3, Fault.SILENT).start()) {
            ProtocolCandidate dropped = candidate(fixture, Service.IMAPS);
            ProtocolCandidate silent = candidate(fixture, Service.POP3);
            Map<ProtocolCandidate, String> startedOn = new ConcurrentHashMap<>();
            Map<ProtocolCandidate, Attempt> ended = new ConcurrentHashMap<>();
            CountDownLatch secondAwaitsItsGreeting = new CountDownLatch(1);
            CountDownLatch bothEnded = new CountDownLatch(2);
            IntegrationListener listener = new IntegrationListener() {
                @Override
                public void attemptStart(Integration integration, ProtocolCandidate candidate) {
                    startedOn.put(candidate, Thread.currentThread().getName());
                }

                @Override
                public void phaseStart(Integration integration, ProtocolCandidate candidate, Phase phase) {
                    if (candidate.equals(silent) && phase == Phase.GREETING) {
                        secondAwaitsItsGreeting.countDown();
                    }
                }

                @Override
                public void attemptEnd(Integration integration, Attempt attempt) {
                    ended.put(attempt.candidate(), attempt);
                    bothEnded.countDown();
                }
            };
            // IMAPS never connects, so after the stagger the timer starts POP3, which connects and waits for a
            // greeting that never comes: both attempts are blocked in I/O for up to 30 s
            Integrator integrator = callerRuns(List.of(dropped, silent)).stagger(Duration.ofMillis(100))
                    .integrationTimeout(Duration.ofMinutes(1)).listener(listener).build();

            CompletableFuture<IntegrationResult> running = onANewThread(
                    () -> integrator.integrateAsync(fixture.account(ADDRESS))).get(PROMPTLY_SECONDS, TimeUnit.SECONDS);
            assertThat(secondAwaitsItsGreeting.await(PROMPTLY_SECONDS, TimeUnit.SECONDS))
                    .as("the stagger started the second candidate while the first was still connecting").isTrue();
            assertThat(startedOn.get(silent)).as("the thread the stagger's start ran on")
                    .doesNotStartWith("mailintegrator-timer");

            // meanwhile, another integration's deadline fires on time: the timer thread is free
            Integrator other = Integrator.builder().policy(account -> List.of(silent)).readTimeout(LONG)
                    .integrationTimeout(Duration.ofSeconds(1)).build();
            IntegrationResult otherResult = onANewThread(() -> other.integrate(fixture.account(ADDRESS)))
                    .get(PROMPTLY_SECONDS, TimeUnit.SECONDS);
            assertThat(otherResult).attempt(1).hasOutcome(Outcome.TIMED_OUT);
            assertThat(otherResult.attempts().get(0).detail()).contains("overall deadline of 1000 ms");
            assertThat(running).as("the first integration is still waiting on its servers").isNotDone();

            running.cancel(true);

            assertThat(bothEnded.await(PROMPTLY_SECONDS, TimeUnit.SECONDS))
                    .as("both attempts blocked in I/O ended once cancelled").isTrue();
            assertThat(ended.get(dropped).outcome()).isEqualTo(Outcome.CANCELLED);
            assertThat(ended.get(silent).outcome()).isEqualTo(Outcome.CANCELLED);
            assertThatThrownBy(running::join).isInstanceOf(CancellationException.class);
        }
    }

    /** An integrator for {@code chain} whose executor runs each attempt on the thread that hands it over. */
    private static Integrator.Builder callerRuns(List<ProtocolCandidate> chain) {
        return Integrator.builder().policy(account -> chain).executor(Runnable::run)
                .connectTimeout(LONG).readTimeout(LONG).attemptTimeout(LONG.multipliedBy(2));
    }

    /** Runs {@code call} on a thread of its own: with a caller-runs executor it may block the thread calling it. */
    private static <T> CompletableFuture<T> onANewThread(Supplier<T> call) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        Thread caller = new Thread(() -> {
            try {
                answer.complete(call.get());
            } catch (RuntimeException | Error e) {
                answer.completeExceptionally(e);
            }
        }, "integrating-caller");
        caller.setDaemon(true);
        caller.start();
        return answer;
    }

    private static ProtocolCandidate candidate(MailServerFixture fixture, Service service) {
        return ProtocolCandidate.of(service.protocol(), service.security(), fixture.host(), fixture.port(service));
    }
}
