package org.mailintegrator.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailintegrator.core.MailProtocol.IMAP;
import static org.mailintegrator.core.MailProtocol.POP3;
import static org.mailintegrator.core.Security.IMPLICIT_TLS;
import static org.mailintegrator.core.Security.NONE;
import static org.mailintegrator.core.Security.STARTTLS;
import static org.mailintegrator.testkit.MailIntegratorAssertions.assertThat;

import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;

/**
 * Each {@link Outcome} from the real server condition that produces it, on both protocols where both apply.
 */
class IntegratorOutcomesTest {
    private static final String ADDRESS = "alice@example.com";
    private static final String PASSWORD = "correct-horse-battery";
    private static final Duration CONNECT_TIMEOUT = Duration.ofMillis(700);
    private static final Duration READ_TIMEOUT = Duration.ofMillis(700);

    @RegisterExtension
    static final MailServerExtension server =
            MailServerExtension.with(MailServerFixture.builder().user(ADDRESS, PASSWORD));

    @ParameterizedTest
    @EnumSource(Service.class)
    void authenticatesOnEveryService(Service service) {
        Attempt attempt = tryOnly(service.protocol(), service.security(), service);

        assertThat(attempt).hasOutcome(Outcome.AUTHENTICATED);
        assertThat(attempt.detail()).contains("accepted the credentials");
    }

    @ParameterizedTest
    @EnumSource(Service.class)
    void wrongPasswordIsAuthFailed(Service service) {
        IntegrationResult result = integrator(server.get().clientSslContext(),
                List.of(candidate(service.protocol(), service.security(), service)))
                .integrate(account().toBuilder().password("wrong-password").build());

        Attempt attempt = attemptOn(result, service);
        assertThat(attempt).hasOutcome(Outcome.AUTH_FAILED);
        assertThat(attempt.detail()).contains("rejected the credentials").doesNotContain("wrong-password");
        assertThat(result).isNotIntegrated();
    }

    @ParameterizedTest
    @EnumSource(Service.class)
    void stoppedServiceIsRefused(Service service) {
        server.get().stop(service);

        Attempt attempt = tryOnly(service.protocol(), service.security(), service);

        assertThat(attempt).hasOutcome(Outcome.REFUSED);
        assertThat(attempt.detail()).contains("refused");
    }

    @ParameterizedTest
    @EnumSource(Service.class)
    void droppedPacketsTimeOutAtTheConnectTimeout(Service service) {
        server.get().fault(service, Fault.DROP);

        Attempt attempt = tryOnly(service.protocol(), service.security(), service);

        assertThat(attempt).hasOutcome(Outcome.TIMED_OUT);
        assertThat(attempt.detail()).contains("Connecting").contains("dropping");
        assertThat(attempt.elapsed()).isBetween(CONNECT_TIMEOUT, CONNECT_TIMEOUT.plusSeconds(2));
    }

    @ParameterizedTest
    @EnumSource(Service.class)
    void silentServerTimesOutAtTheReadTimeout(Service service) {
        server.get().fault(service, Fault.SILENT);

        Attempt attempt = tryOnly(service.protocol(), service.security(), service);

        assertThat(attempt).hasOutcome(Outcome.TIMED_OUT);
        assertThat(attempt.detail()).contains("did not answer");
        assertThat(attempt.elapsed()).isBetween(READ_TIMEOUT, READ_TIMEOUT.plusSeconds(2));
    }

    @ParameterizedTest
    @EnumSource(Service.class)
    void garbageIsProtocolError(Service service) {
        server.get().fault(service, Fault.GARBAGE);

        Attempt attempt = tryOnly(service.protocol(), service.security(), service);

        assertThat(attempt).hasOutcome(Outcome.PROTOCOL_ERROR);
        assertThat(attempt.detail()).contains("did not speak " + service.protocol())
                .containsAnyOf("HTTP/1.1 400", "greeting was not");
    }

    @ParameterizedTest
    @EnumSource(value = Service.class, names = {"IMAPS", "POP3S"})
    void untrustedCertificateIsTlsFailed(Service service) {
        Attempt attempt = tryOnly(TestCertificates.forHosts("127.0.0.1").clientSslContext(),
                service.protocol(), IMPLICIT_TLS, service);

        assertThat(attempt).hasOutcome(Outcome.TLS_FAILED);
        assertThat(attempt.detail()).contains("not issued by a trusted authority");
    }

    @Test
    void jdkTrustStoreDoesNotTrustTheTestCertificate() {
        Integrator integrator = Integrator.builder().policy(account -> List.of(candidate(IMAP, IMPLICIT_TLS, Service.IMAPS)))
                .connectTimeout(CONNECT_TIMEOUT).readTimeout(READ_TIMEOUT).build();

        Attempt attempt = integrator.integrate(account()).attempts().get(0);

        assertThat(attempt).hasOutcome(Outcome.TLS_FAILED);
    }

    @ParameterizedTest
    @EnumSource(value = Service.class, names = {"IMAPS", "POP3S"})
    void certificateForAnotherNameIsTlsFailed(Service service) {
        TestCertificates trusted = server.get().certificates();
        try (MailServerFixture wrongName = MailServerFixture.builder().user(ADDRESS, PASSWORD)
                .certificates(trusted.withServerNames("wrong.example.test")).start()) {
            Attempt attempt = tryOnly(trusted.clientSslContext(),
                    ProtocolCandidate.of(service.protocol(), IMPLICIT_TLS, wrongName.host(), wrongName.port(service)));

            assertThat(attempt).hasOutcome(Outcome.TLS_FAILED);
            assertThat(attempt.detail()).contains("does not name 127.0.0.1");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Service.class, names = {"IMAPS", "POP3S"})
    void expiredCertificateIsTlsFailed(Service service) {
        TestCertificates trusted = server.get().certificates();
        try (MailServerFixture expired = MailServerFixture.builder().user(ADDRESS, PASSWORD)
                .certificates(trusted.expired()).start()) {
            Attempt attempt = tryOnly(trusted.clientSslContext(),
                    ProtocolCandidate.of(service.protocol(), IMPLICIT_TLS, expired.host(), expired.port(service)));

            assertThat(attempt).hasOutcome(Outcome.TLS_FAILED);
            assertThat(attempt.detail()).contains("expired");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Service.class, names = {"IMAP", "POP3"})
    void implicitTlsOnACleartextPortIsTlsFailed(Service plainService) {
        Attempt attempt = tryOnly(plainService.protocol(), IMPLICIT_TLS, plainService);

        assertThat(attempt).hasOutcome(Outcome.TLS_FAILED);
    }

    @ParameterizedTest
    @EnumSource(value = Service.class, names = {"IMAP", "POP3"})
    void startTlsUpgradesForRealBeforeTheCredentialsAreSent(Service plainService) {
        Attempt attempt = tryOnly(plainService.protocol(), STARTTLS, plainService);

        assertThat(attempt).hasOutcome(Outcome.AUTHENTICATED);
        assertThat(server.get().receivedInCleartext(PASSWORD)).isFalse();
        assertThat(server.get().received(plainService)).as("what the server received")
                .anyMatch(command -> !command.overTls() && command.line().toUpperCase().contains("STARTTLS")
                        || !command.overTls() && command.line().equalsIgnoreCase("STLS"))
                .anyMatch(command -> command.overTls() && command.line().contains(PASSWORD));
    }

    @ParameterizedTest
    @EnumSource(value = Service.class, names = {"IMAP", "POP3"})
    void missingStartTlsIsTlsFailedAndNoCredentialsAreSent(Service plainService) {
        server.get().startTls(plainService, StartTls.NOT_OFFERED);

        Attempt attempt = tryOnly(plainService.protocol(), STARTTLS, plainService);

        assertThat(attempt).hasOutcome(Outcome.TLS_FAILED);
        assertThat(attempt.detail()).contains("does not offer")
                .contains(plainService.protocol() == IMAP ? "STARTTLS" : "STLS")
                .contains("credentials were not sent");
        assertThat(server.get().received(plainService)).as("what the server received").isNotEmpty()
                .noneMatch(command -> command.line().contains(PASSWORD));
    }

    @ParameterizedTest
    @EnumSource(value = Service.class, names = {"IMAP", "POP3"})
    void refusedStartTlsIsTlsFailedAndNoCredentialsAreSent(Service plainService) {
        server.get().startTls(plainService, StartTls.REFUSED);

        Attempt attempt = tryOnly(plainService.protocol(), STARTTLS, plainService);

        assertThat(attempt).hasOutcome(Outcome.TLS_FAILED);
        assertThat(attempt.detail()).contains("refused").contains("credentials were not sent");
        assertThat(server.get().received(plainService)).as("what the server received")
                .noneMatch(command -> command.line().contains(PASSWORD));
    }

    @ParameterizedTest
    @EnumSource(value = Service.class, names = {"IMAP", "POP3"})
    void aCleartextCandidateSendsThePasswordInCleartextAsThePolicyAsked(Service plainService) {
        Attempt attempt = tryOnly(plainService.protocol(), NONE, plainService);

        assertThat(attempt).hasOutcome(Outcome.AUTHENTICATED);
        assertThat(server.get().receivedInCleartext(PASSWORD)).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Service.class)
    void aStalledTlsHandshakeTimesOut(Service service) {
        server.get().fault(service, Fault.STALL_TLS);

        Attempt attempt = tryOnly(service.protocol(), service.isTls() ? IMPLICIT_TLS : STARTTLS, service);

        assertThat(attempt).hasOutcome(Outcome.TIMED_OUT);
        assertThat(attempt.elapsed()).isBetween(READ_TIMEOUT, READ_TIMEOUT.plusSeconds(2));
        assertThat(server.get().received(service)).noneMatch(command -> command.line().contains(PASSWORD));
    }

    @ParameterizedTest
    @EnumSource(value = Service.class, names = {"IMAPS", "POP3S"})
    void aResetInTheMiddleOfTheLoginIsANetworkError(Service service) {
        server.get().fault(service, Fault.resetAfter(prefixBeforePassword(service) + 3));

        Attempt attempt = tryOnly(service.protocol(), IMPLICIT_TLS, service);

        assertThat(attempt).hasOutcome(Outcome.NETWORK_ERROR);
    }

    @ParameterizedTest
    @EnumSource(value = Service.class, names = {"IMAP", "POP3"})
    void aSlowLinkAddsItsLatencyToEachExchange(Service service) {
        Duration oneWay = Duration.ofMillis(50);
        server.get().fault(service, Fault.slow(oneWay));

        Attempt attempt = tryOnly(service.protocol(), NONE, service);

        assertThat(attempt).hasOutcome(Outcome.AUTHENTICATED);
        // greeting, capabilities, login: at least three delayed answers and two delayed commands
        assertThat(attempt.elapsed()).isGreaterThanOrEqualTo(oneWay.multipliedBy(5));
    }

    @Test
    void unresolvableHostIsUnknownHost() {
        Attempt attempt = tryOnly(server.get().clientSslContext(),
                ProtocolCandidate.of(IMAP, IMPLICIT_TLS, "no-such-host.invalid", 993));

        assertThat(attempt).hasOutcome(Outcome.UNKNOWN_HOST);
        assertThat(attempt.detail()).contains("no-such-host.invalid");
    }

    @Test
    void candidatesAfterTheSelectedOneAreNotTried() {
        IntegrationResult result = integrator(server.get().clientSslContext()).integrate(account());

        assertThat(result).hasSelected(candidate(IMAP, IMPLICIT_TLS, Service.IMAPS));
        assertThat(result).hasOutcomesThenNotNeeded(Outcome.AUTHENTICATED);
        assertThat(result.attempts().get(1).elapsed()).isZero();
    }

    /** Bytes the client sends before the password: IMAP "CAPABILITY" and "LOGIN user ", POP3 "CAPA", "USER", "PASS ". */
    private static int prefixBeforePassword(Service service) {
        String sent = service.protocol() == IMAP ? "A0 CAPABILITY\r\nA1 LOGIN " + ADDRESS + " "
                : "CAPA\r\nUSER " + ADDRESS + "\r\nPASS ";
        return sent.length();
    }

    private static MailAccount account() {
        return server.get().account(ADDRESS);
    }

    private static Integrator integrator(SSLContext trust) {
        return integrator(trust, List.of(
                candidate(IMAP, IMPLICIT_TLS, Service.IMAPS),
                candidate(POP3, IMPLICIT_TLS, Service.POP3S),
                candidate(IMAP, NONE, Service.IMAP),
                candidate(POP3, NONE, Service.POP3)));
    }

    private static Integrator integrator(SSLContext trust, List<ProtocolCandidate> candidates) {
        return Integrator.builder()
                .policy(account -> candidates)
                .sslContext(trust)
                .connectTimeout(CONNECT_TIMEOUT)
                .readTimeout(READ_TIMEOUT)
                .build();
    }

    private static ProtocolCandidate candidate(MailProtocol protocol, Security security, Service service) {
        return ProtocolCandidate.of(protocol, security, server.get().host(), server.get().port(service));
    }

    private static Attempt attemptOn(IntegrationResult result, Service service) {
        return result.attempt(candidate(service.protocol(), service.security(), service)).orElseThrow();
    }

    private static Attempt tryOnly(MailProtocol protocol, Security security, Service service) {
        return tryOnly(server.get().clientSslContext(), candidate(protocol, security, service));
    }

    private static Attempt tryOnly(SSLContext trust, MailProtocol protocol, Security security, Service service) {
        return tryOnly(trust, candidate(protocol, security, service));
    }

    private static Attempt tryOnly(SSLContext trust, ProtocolCandidate candidate) {
        Integrator single = Integrator.builder().policy(account -> List.of(candidate))
                .connectTimeout(CONNECT_TIMEOUT).readTimeout(READ_TIMEOUT).sslContext(trust).build();
        IntegrationResult result = single.integrate(account());
        assertThat(result.attempts()).hasSize(1);
        return result.attempts().get(0);
    }
}
