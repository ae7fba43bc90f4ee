package org.mailintegrator.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailintegrator.testkit.MailIntegratorAssertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.Explanation;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.PreferencePolicy;
import org.mailintegrator.core.ProtocolCandidate;

/** The concurrent negotiation against real servers: same answer as a sequential walk, faster, and tidy. */
class NegotiationTest {
    private static final String ADDRESS = "carol@example.com";
    private static final String PASSWORD = "negotiation-secret";
    private static final Service[] ORDER = {Service.IMAPS, Service.POP3S, Service.IMAP, Service.POP3};

    @RegisterExtension
    static final MailServerExtension server =
            MailServerExtension.with(MailServerFixture.builder().user(ADDRESS, PASSWORD));

    /** The KB order on this fixture's ports. */
    private static final PreferencePolicy CHAIN = account -> List.of(
            candidate(Service.IMAPS), candidate(Service.POP3S), candidate(Service.IMAP), candidate(Service.POP3));

    @Test
    void selectsWhatASequentialWalkSelectsForManyServerStates() {
        Random random = new Random(14351);
        List<Fault> faults = List.of(Fault.REFUSE, Fault.DROP, Fault.SILENT, Fault.GARBAGE, Fault.STALL_TLS,
                Fault.resetAfter(0));
        Integrator parallel = integrator(Duration.ofMillis(400)).build();
        Integrator sequential = integrator(Duration.ofMillis(400)).sequential().build();
        List<String> checked = new ArrayList<>();
        for (int round = 0; round < 24; round++) {
            server.get().restore();
            List<String> state = new ArrayList<>();
            for (Service service : ORDER) {
                // about half the services misbehave, in every combination the seed gives
                if (random.nextBoolean()) {
                    Fault fault = faults.get(random.nextInt(faults.size()));
                    server.get().fault(service, fault);
                    state.add(service + "=" + fault);
                } else {
                    state.add(service + "=up");
                }
            }
            MailAccount account = account();

            IntegrationResult concurrent = parallel.integrate(account);
            IntegrationResult walked = sequential.integrate(account);

            Optional<ProtocolCandidate> expected = firstHealthy();
            assertThat(concurrent.selected()).as("parallel, state %s%n%s", state, concurrent).isEqualTo(expected);
            assertThat(walked.selected()).as("sequential, state %s%n%s", state, walked).isEqualTo(expected);
            checked.add(state + " -> " + expected.map(Object::toString).orElse("none"));
        }
        assertThat(checked).hasSize(24);
    }

    @Test
    void credentialsGoToOneCandidateAtATimeInPreferenceOrder() {
        MailAccount wrong = MailAccount.builder(ADDRESS).password("wrong-password").host(server.get().host()).build();

        IntegrationResult result = integrator(Duration.ofSeconds(2)).stagger(Duration.ZERO).build().integrate(wrong);

        assertThat(result.attempts()).extracting(Attempt::outcome).containsOnly(Outcome.AUTH_FAILED);
        List<Service> loginsInArrivalOrder = server.get().received().stream()
                .filter(command -> isCredentialCommand(command.line()))
                .map(ReceivedCommand::service).collect(Collectors.toList());
        // one login per candidate, as a sequential walk would make; POP3 sends USER then PASS
        assertThat(loginsInArrivalOrder).containsExactly(
                Service.IMAPS, Service.POP3S, Service.POP3S, Service.IMAP, Service.POP3, Service.POP3);
    }

    @Test
    void twoDroppedCandidatesCostOneConnectTimeoutNotTwo() {
        Duration connectTimeout = Duration.ofSeconds(2);
        server.get().fault(Service.IMAPS, Fault.DROP);
        server.get().fault(Service.POP3S, Fault.DROP);

        IntegrationResult result = integrator(connectTimeout).build().integrate(account());

        assertThat(result).hasSelected(candidate(Service.IMAP));
        assertThat(result).hasOutcomesThenNotNeeded(Outcome.TIMED_OUT, Outcome.TIMED_OUT, Outcome.AUTHENTICATED);
        assertThat(result.elapsed()).isGreaterThanOrEqualTo(connectTimeout)
                .isLessThan(connectTimeout.multipliedBy(2));
    }

    @Test
    void withPatienceADroppedHigherCandidateIsGivenUpForAReadyLowerOne() {
        Duration patience = Duration.ofMillis(600);
        server.get().fault(Service.IMAPS, Fault.DROP);
        server.get().fault(Service.POP3S, Fault.DROP);

        IntegrationResult result = integrator(Duration.ofSeconds(10)).patience(patience).build().integrate(account());

        assertThat(result).hasSelected(candidate(Service.IMAP));
        assertThat(result).hasOutcomesThenNotNeeded(Outcome.ABANDONED, Outcome.ABANDONED, Outcome.AUTHENTICATED);
        assertThat(result.attempts().get(0).detail()).contains("patience window of 600 ms");
        assertThat(result.elapsed()).isGreaterThanOrEqualTo(patience).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void withPatienceAConnectedButSlowHigherCandidateIsStillPreferred() {
        // IMAPS accepts the TCP connection at once, but its TLS handshake and greeting crawl: it has connected,
        // so the patience window does not give it up, even though POP3S is ready long before
        server.get().fault(Service.IMAPS, Fault.slow(Duration.ofMillis(150)));

        IntegrationResult result = integrator(Duration.ofSeconds(5)).patience(Duration.ofMillis(100)).build()
                .integrate(account());

        assertThat(result).hasSelected(candidate(Service.IMAPS));
        assertThat(result).attempt(2).wasNotNeeded();
    }

    @Test
    void everythingUpTriesOnlyTheFirstCandidate() {
        // a stagger far above the first candidate's login time: the others are never started
        IntegrationResult result = integrator(Duration.ofSeconds(2)).stagger(Duration.ofSeconds(5)).build()
                .integrate(account());

        assertThat(result).hasSelected(candidate(Service.IMAPS));
        assertThat(server.get().received(Service.POP3S)).isEmpty();
        assertThat(server.get().received(Service.IMAP)).isEmpty();
    }

    @Test
    void aTricklingServerIsStoppedAtTheAttemptDeadline() {
        // each answer arrives well within the read timeout, but the whole login takes far longer than allowed
        server.get().fault(Service.IMAP, Fault.slow(Duration.ofMillis(300)));
        PreferencePolicy imapOnly = account -> List.of(candidate(Service.IMAP));
        Duration deadline = Duration.ofMillis(700);

        IntegrationResult result = Integrator.builder().policy(imapOnly).readTimeout(Duration.ofSeconds(2))
                .attemptTimeout(deadline).build().integrate(account());

        Attempt attempt = result.attempts().get(0);
        assertThat(attempt).hasOutcome(Outcome.TIMED_OUT);
        assertThat(attempt.detail()).contains("deadline of 700 ms");
        assertThat(attempt.elapsed()).isBetween(deadline, deadline.plusSeconds(1));
    }

    @Test
    void theIntegrationDeadlineStopsEverything() {
        server.get().fault(Service.IMAPS, Fault.DROP);
        server.get().fault(Service.POP3S, Fault.DROP);
        server.get().fault(Service.IMAP, Fault.DROP);
        server.get().fault(Service.POP3, Fault.DROP);

        // a stagger longer than the deadline: only the first candidate starts before it
        IntegrationResult result = integrator(Duration.ofSeconds(20)).stagger(Duration.ofSeconds(5))
                .integrationTimeout(Duration.ofMillis(800)).build().integrate(account());

        assertThat(result).isNotIntegrated();
        assertThat(result.elapsed()).isLessThan(Duration.ofSeconds(3));
        assertThat(result.attempts()).extracting(Attempt::outcome)
                .containsExactly(Outcome.TIMED_OUT, Outcome.NOT_TRIED, Outcome.NOT_TRIED, Outcome.NOT_TRIED);
        assertThat(result.attempts().get(0).detail()).contains("overall deadline of 800 ms");
        assertThat(result.attempts().subList(1, 4)).extracting(attempt -> attempt.explainedAs().orElse(null))
                .containsOnly(Explanation.Cause.DEADLINE_PASSED);
    }

    private static Optional<ProtocolCandidate> firstHealthy() {
        for (Service service : ORDER) {
            if (server.get().fault(service).isEmpty()) {
                return Optional.of(candidate(service));
            }
        }
        return Optional.empty();
    }

    private static boolean isCredentialCommand(String line) {
        String upper = line.toUpperCase();
        return upper.startsWith("USER ") || upper.startsWith("PASS ") || upper.matches("\\S+ LOGIN .*");
    }

    private static Integrator.Builder integrator(Duration timeout) {
        return Integrator.builder().policy(CHAIN).sslContext(server.get().clientSslContext())
                .connectTimeout(timeout).readTimeout(timeout);
    }

    private static MailAccount account() {
        return server.get().account(ADDRESS);
    }

    private static ProtocolCandidate candidate(Service service) {
        return ProtocolCandidate.of(service.protocol(), service.security(), server.get().host(), server.get().port(service));
    }
}
