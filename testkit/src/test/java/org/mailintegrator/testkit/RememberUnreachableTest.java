package org.mailintegrator.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailintegrator.testkit.MailIntegratorAssertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.Explanation;
import org.mailintegrator.core.IntegrationListener;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.Phase;
import org.mailintegrator.core.ProtocolCandidate;

/**
 * {@code rememberUnreachable}, end to end on real servers: an integrator that integrates many accounts of one
 * provider pays the connect timeout of a firewalled endpoint once; the next accounts do not connect to it at all,
 * select the same candidate and are fast; an integrator without the option still pays every time; and an endpoint
 * that comes back is not contacted while its entry lasts (the documented price). That an entry expires is checked
 * on the engine's clock in {@code UnreachableMemoryTest}, without waiting. A server that answers, however badly, is
 * never remembered.
 */
@Timeout(value = 60, threadMode = ThreadMode.SEPARATE_THREAD)
class RememberUnreachableTest {
    private static final String PASSWORD = "correct-horse-battery";
    private static final List<String> USERS = List.of("alice@example.com", "bob@example.com",
            "carol@example.com", "dave@example.com", "erin@example.com");
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    /** Longer than the test: no entry expires while it runs. */
    private static final Duration MEMORY = Duration.ofMinutes(5);

    /** Counts the TCP connects each candidate began: the client-side proof of what was contacted. */
    private static final class Connects implements IntegrationListener {
        private final Map<ProtocolCandidate, AtomicInteger> counts = new ConcurrentHashMap<>();

        @Override
        public void phaseStart(Integration integration, ProtocolCandidate candidate, Phase phase) {
            if (phase == Phase.CONNECT) {
                counts.computeIfAbsent(candidate, c -> new AtomicInteger()).incrementAndGet();
            }
        }

        int to(ProtocolCandidate candidate) {
            AtomicInteger count = counts.get(candidate);
            return count == null ? 0 : count.get();
        }

        void clear() {
            counts.clear();
        }
    }

    private static MailServerFixture.Builder fixture() {
        MailServerFixture.Builder builder = MailServerFixture.builder();
        USERS.forEach(user -> builder.user(user, PASSWORD));
        return builder;
    }

    private static ProtocolCandidate candidate(MailServerFixture fixture, Service service) {
        return ProtocolCandidate.of(service.protocol(), service.security(), fixture.host(), fixture.port(service));
    }

    private static Integrator.Builder integrator(MailServerFixture fixture, Connects connects) {
        ProtocolCandidate imaps = candidate(fixture, Service.IMAPS);
        ProtocolCandidate pop3s = candidate(fixture, Service.POP3S);
        return Integrator.builder().policy(account -> List.of(imaps, pop3s))
                .sslContext(fixture.clientSslContext())
                .connectTimeout(CONNECT_TIMEOUT).readTimeout(CONNECT_TIMEOUT)
                .listener(connects);
    }

    @Test
    void aFirewalledEndpointCostsOneConnectTimeoutThenIsNotContactedWhileRemembered() {
        try (MailServerFixture fixture = fixture().fault(Service.IMAPS, Fault.DROP).start()) {
            ProtocolCandidate imaps = candidate(fixture, Service.IMAPS);
            ProtocolCandidate pop3s = candidate(fixture, Service.POP3S);
            Connects connects = new Connects();
            Integrator remembering = integrator(fixture, connects).rememberUnreachable(MEMORY).build();
            Integrator strict = integrator(fixture, connects).build();

            IntegrationResult first = remembering.integrate(fixture.account(USERS.get(0)));

            assertThat(first).hasSelected(pop3s);
            Attempt paid = first.attempts().get(0);
            assertThat(paid).as(first.toString()).hasOutcome(Outcome.TIMED_OUT);
            assertThat(paid.phase()).isEqualTo(Phase.CONNECT);
            assertThat(paid.elapsed()).as("the first integration pays the connect timeout")
                    .isGreaterThanOrEqualTo(CONNECT_TIMEOUT);
            assertThat(connects.to(imaps)).isEqualTo(1);

            connects.clear();
            IntegrationResult second = remembering.integrate(fixture.account(USERS.get(1)));

            assertThat(second).as("the same answer").hasSelected(pop3s);
            Attempt known = second.attempts().get(0);
            assertThat(known).as(second.toString()).hasOutcome(Outcome.TIMED_OUT);
            assertThat(known.phase()).isEqualTo(Phase.NOT_STARTED);
            assertThat(known.elapsed()).isZero();
            assertThat(known.address()).isEmpty();
            assertThat(known.detail()).startsWith("Not contacted: an integration ")
                    .contains(" ago found " + fixture.host() + ":" + fixture.port(Service.IMAPS)
                            + " unreachable (the connect timed out)")
                    .contains("remembers unreachable endpoints for 5 min");
            assertThat(second.explanation().entries().get(0).cause()).as("not a slow server: it was not contacted")
                    .isEqualTo(Explanation.Cause.REMEMBERED_UNREACHABLE);
            assertThat(second.explain()).contains("it was unreachable a moment ago", "rememberUnreachable");
            assertThat(connects.to(imaps)).as("connects to the dead endpoint").isZero();
            assertThat(connects.to(pop3s)).isEqualTo(1);
            assertThat(second.elapsed()).as("no connect timeout paid").isLessThan(CONNECT_TIMEOUT.dividedBy(2));

            connects.clear();
            IntegrationResult other = strict.integrate(fixture.account(USERS.get(2)));

            assertThat(other).hasSelected(pop3s);
            assertThat(other.attempts().get(0)).hasOutcome(Outcome.TIMED_OUT);
            assertThat(other.attempts().get(0).phase()).as("an integrator without the option still pays")
                    .isEqualTo(Phase.CONNECT);
            assertThat(other.attempts().get(0).elapsed()).isGreaterThanOrEqualTo(CONNECT_TIMEOUT);
            assertThat(connects.to(imaps)).isEqualTo(1);

            fixture.heal(Service.IMAPS);
            connects.clear();
            IntegrationResult stillRemembered = remembering.integrate(fixture.account(USERS.get(3)));

            // the documented price: a service that comes back waits for its entry to expire
            assertThat(stillRemembered).hasSelected(pop3s);
            assertThat(connects.to(imaps)).isZero();
            IntegrationResult strictSeesItBack = strict.integrate(fixture.account(USERS.get(4)));
            assertThat(strictSeesItBack).as("the endpoint is back").hasSelected(imaps);
        }
    }

    @Test
    void aRefusedEndpointIsRememberedAsRefused() {
        try (MailServerFixture fixture = fixture().stopped(Service.IMAPS).start()) {
            Connects connects = new Connects();
            Integrator remembering = integrator(fixture, connects).rememberUnreachable(Duration.ofMinutes(5)).build();

            IntegrationResult first = remembering.integrate(fixture.account(USERS.get(0)));
            connects.clear();
            IntegrationResult second = remembering.integrate(fixture.account(USERS.get(1)));

            assertThat(first.attempts().get(0)).hasOutcome(Outcome.REFUSED);
            assertThat(first.attempts().get(0).phase()).isEqualTo(Phase.CONNECT);
            assertThat(second).hasSelected(candidate(fixture, Service.POP3S));
            assertThat(second.attempts().get(0)).hasOutcome(Outcome.REFUSED);
            assertThat(second.attempts().get(0).phase()).isEqualTo(Phase.NOT_STARTED);
            assertThat(second.attempts().get(0).detail()).contains("unreachable (the connection was refused)")
                    .contains("for 5 min");
            assertThat(connects.to(candidate(fixture, Service.IMAPS))).isZero();
        }
    }

    @Test
    void aServerThatAcceptedTheConnectionIsNeverRemembered() {
        try (MailServerFixture fixture = fixture().fault(Service.IMAPS, Fault.SILENT).start()) {
            ProtocolCandidate imaps = candidate(fixture, Service.IMAPS);
            Connects connects = new Connects();
            Integrator remembering = integrator(fixture, connects).rememberUnreachable(Duration.ofMinutes(5)).build();

            IntegrationResult first = remembering.integrate(fixture.account(USERS.get(0)));
            IntegrationResult second = remembering.integrate(fixture.account(USERS.get(1)));

            for (IntegrationResult result : List.of(first, second)) {
                assertThat(result.attempts().get(0)).as(result.toString()).hasOutcome(Outcome.TIMED_OUT);
                assertThat(result.attempts().get(0).phase()).as("silent after the connect: every account waits")
                        .isNotIn(Phase.CONNECT, Phase.NOT_STARTED);
                assertThat(result).hasSelected(candidate(fixture, Service.POP3S));
            }
            assertThat(connects.to(imaps)).isEqualTo(2);
        }
    }

    @Test
    void aWrongPasswordIsNeverRemembered() {
        try (MailServerFixture fixture = fixture().start()) {
            Connects connects = new Connects();
            Integrator remembering = integrator(fixture, connects).rememberUnreachable(Duration.ofMinutes(5)).build();

            IntegrationResult wrong = remembering.integrate(fixture.account(USERS.get(0)).toBuilder()
                    .password("wrong").build());
            IntegrationResult right = remembering.integrate(fixture.account(USERS.get(1)));

            assertThat(wrong.attempts()).extracting(Attempt::outcome)
                    .containsExactly(Outcome.AUTH_FAILED, Outcome.AUTH_FAILED);
            assertThat(right).hasSelected(candidate(fixture, Service.IMAPS));
            assertThat(connects.to(candidate(fixture, Service.IMAPS))).isEqualTo(2);
        }
    }
}
