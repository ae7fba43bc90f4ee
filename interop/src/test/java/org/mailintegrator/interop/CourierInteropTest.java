package org.mailintegrator.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mailintegrator.core.MailProtocol.IMAP;
import static org.mailintegrator.core.MailProtocol.POP3;
import static org.mailintegrator.core.Outcome.AUTHENTICATED;
import static org.mailintegrator.core.Outcome.AUTH_FAILED;
import static org.mailintegrator.core.Outcome.REFUSED;
import static org.mailintegrator.core.Outcome.TIMED_OUT;
import static org.mailintegrator.core.Security.IMPLICIT_TLS;
import static org.mailintegrator.core.Security.NONE;
import static org.mailintegrator.interop.MailListener.IMAPS;
import static org.mailintegrator.interop.MailListener.POP3S;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.PreferencePolicy;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;
import org.mailintegrator.strategies.Policies;
import org.mailintegrator.testkit.MailIntegratorAssertions;
import org.mailintegrator.testkit.TestCertificates;

/**
 * BlackBerry's KB14351 situations against Courier IMAP 5.0 and Courier POP3 as Debian 12 ships them
 * ({@link CourierServer}: stock settings, the per-address connection limits included): {@link Integrator} with
 * {@link Policies#blackBerry()} (and {@link Policies#popOnly()}) selects what the KB's order says, classifies every
 * outcome, and each listener's own log shows where the login happened.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CourierInteropTest {
    private static final String HOST = "127.0.0.1";
    private static final String USER = "alice@example.test";
    private static final String PASSWORD = "alice-secret";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration LOG_WAIT = Duration.ofSeconds(10);
    private static final TestCertificates CERTS = TestCertificates.forHosts(HOST, "localhost");

    @Test
    void selectsImapOverTlsWhenEverythingIsUp() {
        try (CourierServer courier = withAlice().tls(CERTS).start()) {
            IntegrationResult result = integrator(courier, Policies.blackBerry()).integrate(alice());

            assertThat(result.selected()).as(result.toString())
                    .contains(candidate(IMAP, IMPLICIT_TLS, courier.port(IMAPS)));
            MailIntegratorAssertions.assertThat(result).hasOutcomesThenNotNeeded(AUTHENTICATED);
            assertLoggedInOnlyOn(courier, IMAPS);
        }
    }

    @Test
    void fallsBackToPopOverTlsWhenImapIsStopped() {
        try (CourierServer courier = withAlice().tls(CERTS).stop(MailListener.IMAP, IMAPS).start()) {
            IntegrationResult result = integrator(courier, Policies.blackBerry()).integrate(alice());

            assertThat(result.selected()).as(result.toString())
                    .contains(candidate(POP3, IMPLICIT_TLS, courier.port(POP3S)));
            MailIntegratorAssertions.assertThat(result).hasOutcomesThenNotNeeded(REFUSED, AUTHENTICATED);
            assertThat(result.attempts().get(0).detail()).contains("refused");
            assertLoggedInOnlyOn(courier, POP3S);
        }
    }

    @Test
    void fallsBackToPopOverTlsWhenAFirewallDropsImapPackets() throws IOException {
        try (CourierServer courier = withAlice().tls(CERTS).start()) {
            IntegrationResult result;
            try (LoopbackDropRule rule = LoopbackDropRule.install(HOST, courier.port(IMAPS))) {
                assertDropped(new InetSocketAddress(rule.address(), rule.port()));

                result = integrator(courier, Policies.blackBerry()).integrate(alice());
            }

            assertThat(result.selected()).as(result.toString())
                    .contains(candidate(POP3, IMPLICIT_TLS, courier.port(POP3S)));
            MailIntegratorAssertions.assertThat(result).hasOutcomesThenNotNeeded(TIMED_OUT, AUTHENTICATED);
            Attempt dropped = result.attempts().get(0);
            assertThat(dropped.candidate()).isEqualTo(candidate(IMAP, IMPLICIT_TLS, courier.port(IMAPS)));
            assertThat(dropped.elapsed()).as(result.toString())
                    .isGreaterThanOrEqualTo(CONNECT_TIMEOUT)
                    .isLessThan(CONNECT_TIMEOUT.plusSeconds(3));
            assertThat(dropped.detail()).contains("did not complete within");
            assertLoggedInOnlyOn(courier, POP3S);
            // the dropped packets never reached IMAPS's couriertcpd
            assertThat(courier.logLines(IMAPS)).isEmpty();
        }
    }

    @Test
    void selectsCleartextImapWhenTheServerHasNoTls() {
        try (CourierServer courier = withAlice().stop(IMAPS, POP3S).start()) {
            IntegrationResult result = integrator(courier, Policies.blackBerry()).integrate(alice());

            assertThat(result.selected()).as(result.toString())
                    .contains(candidate(IMAP, NONE, courier.port(MailListener.IMAP)));
            MailIntegratorAssertions.assertThat(result).hasOutcomesThenNotNeeded(REFUSED, REFUSED, AUTHENTICATED);
            assertLoggedInOnlyOn(courier, MailListener.IMAP);
        }
    }

    @Test
    void reportsEveryCandidateAsAuthFailedForAWrongPassword() {
        try (CourierServer courier = withAlice().tls(CERTS).start()) {
            MailAccount wrong = MailAccount.builder(USER).password("not-alice-secret").host(HOST).build();

            IntegrationResult result = integrator(courier, Policies.blackBerry()).integrate(wrong);

            assertThat(result.isIntegrated()).as(result.toString()).isFalse();
            assertThat(outcomes(result)).as(result.toString())
                    .containsExactly(AUTH_FAILED, AUTH_FAILED, AUTH_FAILED, AUTH_FAILED);
            for (MailListener listener : MailListener.values()) {
                courier.awaitLogLines(listener, "a failed login of alice", loginFailed(), 1, LOG_WAIT);
                assertThat(courier.logLines(listener)).noneMatch(login());
            }
        }
    }

    @Test
    void popOnlySelectsPopOverTls() {
        try (CourierServer courier = withAlice().tls(CERTS).start()) {
            IntegrationResult result = integrator(courier, Policies.popOnly()).integrate(alice());

            assertThat(result.selected()).as(result.toString())
                    .contains(candidate(POP3, IMPLICIT_TLS, courier.port(POP3S)));
            MailIntegratorAssertions.assertThat(result).hasOutcomesThenNotNeeded(AUTHENTICATED);
            assertThat(result.attempts()).hasSize(2);
            assertLoggedInOnlyOn(courier, POP3S);
        }
    }

    /**
     * An account whose IMAP the administrator switched off ({@code disableimap=1} in its userdb options): Courier
     * answers IMAP's login with a refusal of the service, which the chain passes for POP over TLS, as KB14351's
     * "force POP" intends.
     */
    @Test
    void anAccountWithImapDisabledIsIntegratedWithPop() {
        try (CourierServer courier = CourierServer.builder().user(USER, PASSWORD, "disableimap=1").tls(CERTS)
                .start()) {
            IntegrationResult result = integrator(courier, Policies.blackBerry()).integrate(alice());

            assertThat(result.selected()).as(result.toString())
                    .contains(candidate(POP3, IMPLICIT_TLS, courier.port(POP3S)));
            MailIntegratorAssertions.assertThat(result)
                    .hasOutcomesThenNotNeeded(Outcome.SERVICE_DISABLED, AUTHENTICATED);
            assertLoggedInOnlyOn(courier, POP3S);
        }
    }

    private static void assertLoggedInOnlyOn(CourierServer courier, MailListener listener) {
        assertThat(courier.awaitLogLines(listener, "alice's login", login(), 1, LOG_WAIT)).hasSize(1);
        for (MailListener other : EnumSet.complementOf(EnumSet.of(listener))) {
            assertThat(courier.logLines(other)).as("the log of %s", other).noneMatch(login());
        }
    }

    /** Courier's line for a successful login: {@code INFO: LOGIN, user=alice@example.test, ip=[...], ...}. */
    static Predicate<String> login() {
        return line -> line.startsWith("INFO: LOGIN, user=" + USER + ",");
    }

    /**
     * Courier's line for a rejected password: POP3's {@code INFO: LOGIN FAILED, user=alice@example.test, ip=[...]},
     * IMAP's {@code INFO: LOGIN FAILED, method=PLAIN, ip=[...]} (no user name for a SASL login).
     */
    static Predicate<String> loginFailed() {
        return line -> line.startsWith("INFO: LOGIN FAILED, ");
    }

    private static CourierServer.Builder withAlice() {
        return CourierServer.builder().user(USER, PASSWORD);
    }

    private static MailAccount alice() {
        return MailAccount.builder(USER).password(PASSWORD).host(HOST).build();
    }

    private static Integrator integrator(CourierServer courier, PreferencePolicy policy) {
        return integrator(courier, policy, CERTS);
    }

    /** The suite's integrator: {@code policy} routed to {@code courier}, trusting {@code certificates}' CA. */
    static Integrator integrator(CourierServer courier, PreferencePolicy policy, TestCertificates certificates) {
        return Integrator.builder()
                .policy(RoutedPolicy.to(courier, policy))
                .sslContext(certificates.clientSslContext())
                .connectTimeout(CONNECT_TIMEOUT)
                .readTimeout(READ_TIMEOUT)
                .build();
    }

    private static ProtocolCandidate candidate(MailProtocol protocol, Security security, int port) {
        return ProtocolCandidate.of(protocol, security, HOST, port);
    }

    private static List<Outcome> outcomes(IntegrationResult result) {
        return result.attempts().stream().map(Attempt::outcome).toList();
    }

    /** The rule must DROP: a connect gets no answer at all (a REJECT would be refused at once). */
    private static void assertDropped(InetSocketAddress target) throws IOException {
        try (Socket socket = new Socket()) {
            assertThatThrownBy(() -> socket.connect(target, 500)).isInstanceOf(SocketTimeoutException.class);
        }
    }
}
