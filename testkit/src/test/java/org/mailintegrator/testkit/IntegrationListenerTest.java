package org.mailintegrator.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.mailintegrator.testkit.MailIntegratorAssertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.IntegrationListener;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.Phase;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;

@Timeout(value = 30, threadMode = ThreadMode.SEPARATE_THREAD)
class IntegrationListenerTest {
    private static final String ADDRESS = "alice@example.com";

    @RegisterExtension
    static final MailServerExtension server = MailServerExtension.with(
            MailServerFixture.builder().user(ADDRESS, "secret"));

    @Test
    void everyIntegrationAttemptAndPhaseIsHeardInOrderWithItsEnd() {
        Recorder recorder = new Recorder();
        ProtocolCandidate imaps = candidate(MailProtocol.IMAP, Security.IMPLICIT_TLS, Service.IMAPS);
        ProtocolCandidate pop3s = candidate(MailProtocol.POP3, Security.IMPLICIT_TLS, Service.POP3S);

        // a stagger far above a local login: the second candidate is never started
        IntegrationResult result = Integrator.builder().policy(account -> List.of(imaps, pop3s)).listener(recorder)
                .sslContext(server.get().clientSslContext()).stagger(Duration.ofSeconds(30)).build()
                .integrate(server.get().account(ADDRESS));

        assertThat(result).hasSelected(imaps);
        assertThat(recorder.events()).first().isEqualTo("integrationStart 2");
        assertThat(recorder.events()).last().isEqualTo("integrationEnd " + imaps + " AUTHENTICATED");
        assertThat(recorder.eventsOf(imaps)).containsExactly("attemptStart " + imaps,
                "phaseStart RESOLVE", "phaseEnd RESOLVE", "phaseStart CONNECT", "phaseEnd CONNECT",
                "phaseStart TLS", "phaseEnd TLS", "phaseStart GREETING", "phaseEnd GREETING",
                "phaseStart LOGIN", "phaseEnd LOGIN", "attemptEnd " + imaps + " AUTHENTICATED");
        assertThat(recorder.eventsOf(pop3s)).containsExactly("attemptEnd " + pop3s + " NOT_TRIED");
    }

    @Test
    void aStartTlsCandidateGreetsBeforeItsTlsAndReadsTheCapabilitiesAgainAfterIt() {
        Recorder recorder = new Recorder();
        ProtocolCandidate imap = candidate(MailProtocol.IMAP, Security.STARTTLS, Service.IMAP);

        integrator(List.of(imap), recorder).integrate(server.get().account(ADDRESS));

        assertThat(recorder.eventsOf(imap)).filteredOn(event -> event.startsWith("phaseStart"))
                .containsExactly("phaseStart RESOLVE", "phaseStart CONNECT", "phaseStart GREETING",
                        "phaseStart TLS", "phaseStart GREETING", "phaseStart LOGIN");
    }

    /** The warnings the engine logs for each exception it swallows are checked here, not printed into the build. */
    @Test
    void aListenerThatThrowsChangesNothingAndIsReportedInTheLog() throws InterruptedException {
        IntegrationListener throwing = new IntegrationListener() {
            @Override
            public void attemptStart(Integration integration, ProtocolCandidate candidate) {
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void phaseStart(Integration integration, ProtocolCandidate candidate, Phase phase) {
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void integrationEnd(Integration integration, IntegrationResult result) {
                throw new IllegalStateException("listener bug");
            }
        };
        ProtocolCandidate imaps = candidate(MailProtocol.IMAP, Security.IMPLICIT_TLS, Service.IMAPS);

        IntegrationResult result;
        try (StandardErrorCapture log = StandardErrorCapture.start(IntegrationListenerTest::isListenerBugWarning)) {
            result = integrator(List.of(imaps), throwing).integrate(server.get().account(ADDRESS));

            assertThat(log.awaitFlushed(text -> text.contains("threw from integrationEnd"), Duration.ofSeconds(10)))
                    .as("the warning for integrationEnd; logged so far:%n%s", log.text()).isTrue();
            assertThat(log.text()).contains("threw from attemptStart; ignored", "threw from phaseStart; ignored",
                    "java.lang.IllegalStateException: listener bug");
        }

        assertThat(result).hasOutcomes(Outcome.AUTHENTICATED);
    }

    /** A warning, with its stack trace, for an exception the listener above throws. */
    private static boolean isListenerBugWarning(List<String> event) {
        return event.size() > 1 && event.get(0).contains(" WARN org.mailintegrator.core.IntegrationListener - ")
                && event.get(0).contains(" threw from ")
                && event.get(1).equals("java.lang.IllegalStateException: listener bug");
    }

    @Test
    void theListenerIsNeverCalledUnderTheEnginesLock() throws Exception {
        CountDownLatch inListener = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        IntegrationListener blocking = new IntegrationListener() {
            @Override
            public void attemptStart(Integration integration, ProtocolCandidate candidate) {
                inListener.countDown();
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        ProtocolCandidate imaps = candidate(MailProtocol.IMAP, Security.IMPLICIT_TLS, Service.IMAPS);
        CompletableFuture<IntegrationResult> integration =
                integrator(List.of(imaps), blocking).integrateAsync(server.get().account(ADDRESS));
        assertThat(inListener.await(10, TimeUnit.SECONDS)).isTrue();

        // cancelling needs the engine's lock: it would wait forever if the listener held it
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> integration.cancel(true));
        release.countDown();
        assertThat(integration).isCancelled();
    }

    private static ProtocolCandidate candidate(MailProtocol protocol, Security security, Service service) {
        return ProtocolCandidate.of(protocol, security, server.get().host(), server.get().port(service));
    }

    private static Integrator integrator(List<ProtocolCandidate> chain, IntegrationListener listener) {
        return Integrator.builder().policy(account -> chain).listener(listener)
                .sslContext(server.get().clientSslContext()).build();
    }

    /** Records events as text; per candidate, and in the order heard. */
    private static final class Recorder implements IntegrationListener {
        private final List<String[]> events = Collections.synchronizedList(new ArrayList<>());

        List<String> events() {
            synchronized (events) {
                return events.stream().map(event -> event[1]).collect(Collectors.toList());
            }
        }

        List<String> eventsOf(ProtocolCandidate candidate) {
            synchronized (events) {
                return events.stream().filter(event -> event[0].equals(candidate.toString()))
                        .map(event -> event[1]).collect(Collectors.toList());
            }
        }

        @Override
        public void integrationStart(Integration integration, List<ProtocolCandidate> candidates) {
            events.add(new String[] {"", "integrationStart " + candidates.size()});
        }

        @Override
        public void attemptStart(Integration integration, ProtocolCandidate candidate) {
            events.add(new String[] {candidate.toString(), "attemptStart " + candidate});
        }

        @Override
        public void phaseStart(Integration integration, ProtocolCandidate candidate, Phase phase) {
            events.add(new String[] {candidate.toString(), "phaseStart " + phase});
        }

        @Override
        public void phaseEnd(Integration integration, ProtocolCandidate candidate, Phase phase) {
            events.add(new String[] {candidate.toString(), "phaseEnd " + phase});
        }

        @Override
        public void attemptEnd(Integration integration, Attempt attempt) {
            events.add(new String[] {attempt.candidate().toString(),
                "attemptEnd " + attempt.candidate() + " " + attempt.outcome()});
        }

        @Override
        public void integrationEnd(Integration integration, IntegrationResult result) {
            events.add(new String[] {"", "integrationEnd " + result.selected().map(Object::toString).orElse("-")
                    + " " + (result.isIntegrated() ? "AUTHENTICATED" : "NOT_INTEGRATED")});
        }
    }
}
