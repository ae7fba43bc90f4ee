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
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * BlackBerry's KB14351 situations against Cyrus IMAP 3.6 as Debian 12 ships it ({@link CyrusServer}: stock
 * settings, {@code popminpoll: 1} and the 3 s failed-login pause included): {@link Integrator} with
 * {@link Policies#blackBerry()} (and {@link Policies#popOnly()}) selects what the KB's order says, classifies every
 * outcome, and Cyrus's own log shows on which listener the login happened. Cyrus runs without virtual domains, so
 * the account's user name is {@code alice}, as a Cyrus site tells its users.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CyrusInteropTest {
    private static final String HOST = "127.0.0.1";
    private static final String EMAIL = "alice@example.test";
    private static final String USER = "alice";
    private static final String PASSWORD = "alice-secret";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration LOG_WAIT = Duration.ofSeconds(10);
    private static final TestCertificates CERTS = TestCertificates.forHosts(HOST, "localhost");

    @Test
    void selectsImapOverTlsWhenEverythingIsUp() {
        try (CyrusServer cyrus = withAlice().tls(CERTS).start()) {
            IntegrationResult result = integrator(cyrus, Policies.blackBerry()).integrate(alice());

            assertThat(result.selected()).as(result.toString())
                    .contains(candidate(IMAP, IMPLICIT_TLS, cyrus.port(IMAPS)));
            MailIntegratorAssertions.assertThat(result).hasOutcomesThenNotNeeded(AUTHENTICATED);
            assertThat(result.attempts().get(0).detail()).as(result.toString()).isNotBlank();
            // Cyrus's imaps service saw the login, over TLS; no other service saw one
            assertThat(cyrus.awaitLogLines("alice's login on imaps", login(IMAPS, true), 1, LOG_WAIT))
                    .hasSize(1);
            assertThat(cyrus.logLines()).filteredOn(anyLogin()).hasSize(1);
        }
    }

    @Test
    void fallsBackToPopOverTlsWhenImapIsStopped() {
        try (CyrusServer cyrus = withAlice().tls(CERTS).stop(MailListener.IMAP, IMAPS).start()) {
            IntegrationResult result = integrator(cyrus, Policies.blackBerry()).integrate(alice());

            assertThat(result.selected()).as(result.toString())
                    .contains(candidate(POP3, IMPLICIT_TLS, cyrus.port(POP3S)));
            MailIntegratorAssertions.assertThat(result).hasOutcomesThenNotNeeded(REFUSED, AUTHENTICATED);
            assertThat(result.attempts().get(0).detail()).contains("refused");
            assertThat(cyrus.awaitLogLines("alice's login on pop3s", login(POP3S, true), 1, LOG_WAIT))
                    .hasSize(1);
            assertThat(cyrus.logLines()).filteredOn(anyLogin()).hasSize(1);
        }
    }

    @Test
    void fallsBackToPopOverTlsWhenAFirewallDropsImapPackets() throws IOException {
        try (CyrusServer cyrus = withAlice().tls(CERTS).start()) {
            IntegrationResult result;
            try (LoopbackDropRule rule = LoopbackDropRule.install(HOST, cyrus.port(IMAPS))) {
                assertDropped(new InetSocketAddress(rule.address(), rule.port()));

                result = integrator(cyrus, Policies.blackBerry()).integrate(alice());
            }

            assertThat(result.selected()).as(result.toString())
                    .contains(candidate(POP3, IMPLICIT_TLS, cyrus.port(POP3S)));
            MailIntegratorAssertions.assertThat(result).hasOutcomesThenNotNeeded(TIMED_OUT, AUTHENTICATED);
            Attempt dropped = result.attempts().get(0);
            assertThat(dropped.candidate()).isEqualTo(candidate(IMAP, IMPLICIT_TLS, cyrus.port(IMAPS)));
            assertThat(dropped.elapsed()).as(result.toString())
                    .isGreaterThanOrEqualTo(CONNECT_TIMEOUT)
                    .isLessThan(CONNECT_TIMEOUT.plusSeconds(3));
            assertThat(dropped.detail()).contains("did not complete within");
            assertThat(cyrus.awaitLogLines("alice's login on pop3s", login(POP3S, true), 1, LOG_WAIT))
                    .hasSize(1);
            // the dropped packets never reached Cyrus's imaps service
            assertThat(cyrus.logLines()).noneMatch(CyrusServer.from(IMAPS));
        }
    }

    @Test
    void selectsCleartextImapWhenTheServerHasNoTls() {
        try (CyrusServer cyrus = withAlice().stop(IMAPS, POP3S).start()) {
            IntegrationResult result = integrator(cyrus, Policies.blackBerry()).integrate(alice());

            assertThat(result.selected()).as(result.toString())
                    .contains(candidate(IMAP, NONE, cyrus.port(MailListener.IMAP)));
            MailIntegratorAssertions.assertThat(result).hasOutcomesThenNotNeeded(REFUSED, REFUSED, AUTHENTICATED);
            // Debian's allowplaintext: yes lets the password through on 143
            assertThat(cyrus.awaitLogLines("alice's cleartext login on imap",
                    login(MailListener.IMAP, false), 1, LOG_WAIT)).hasSize(1);
        }
    }

    @Test
    void reportsEveryCandidateAsAuthFailedForAWrongPassword() {
        try (CyrusServer cyrus = withAlice().tls(CERTS).start()) {
            MailAccount wrong = MailAccount.builder(EMAIL).username(USER).password("not-alice-secret").host(HOST)
                    .build();

            IntegrationResult result = integrator(cyrus, Policies.blackBerry()).integrate(wrong);

            assertThat(result.isIntegrated()).as(result.toString()).isFalse();
            assertThat(outcomes(result)).as(result.toString())
                    .containsExactly(AUTH_FAILED, AUTH_FAILED, AUTH_FAILED, AUTH_FAILED);
            // each answer came after Cyrus's failedloginpause (3 s), later than the read timeout: the engine's
            // separate bound for the answer to the credentials waited for it
            assertThat(result.attempts()).allSatisfy(attempt -> assertThat(attempt.elapsed())
                    .as(attempt.toString()).isGreaterThanOrEqualTo(Duration.ofSeconds(3)));
            for (MailListener listener : List.of(IMAPS, POP3S, MailListener.IMAP, MailListener.POP3)) {
                cyrus.awaitLogLines("a failed login of alice on " + listener,
                        CyrusServer.from(listener).and(line -> line.contains(" badlogin: ")
                                && line.contains("(" + USER + ")") && line.contains("authentication failure")),
                        1, LOG_WAIT);
            }
            assertThat(cyrus.logLines()).noneMatch(anyLogin());
        }
    }

    @Test
    void popOnlySelectsPopOverTls() {
        try (CyrusServer cyrus = withAlice().tls(CERTS).start()) {
            IntegrationResult result = integrator(cyrus, Policies.popOnly()).integrate(alice());

            assertThat(result.selected()).as(result.toString())
                    .contains(candidate(POP3, IMPLICIT_TLS, cyrus.port(POP3S)));
            MailIntegratorAssertions.assertThat(result).hasOutcomesThenNotNeeded(AUTHENTICATED);
            assertThat(result.attempts()).hasSize(2);
            assertThat(cyrus.awaitLogLines("alice's login on pop3s", login(POP3S, true), 1, LOG_WAIT))
                    .hasSize(1);
            assertThat(cyrus.logLines()).filteredOn(anyLogin()).hasSize(1);
        }
    }

    /**
     * Cyrus as upstream ships it ({@code allowplaintext: no}) with its implicit-TLS listeners stopped: IMAP on 143
     * advertises {@code STARTTLS LOGINDISABLED} before TLS. Under {@link Policies#secure()} the required STARTTLS
     * upgrade comes first and the login that follows over TLS is accepted; LOGINDISABLED before TLS does not stop
     * a STARTTLS candidate.
     */
    @Test
    void loginDisabledBeforeStartTlsDoesNotStopTheUpgradeUnderTheSecurePolicy() {
        try (CyrusServer cyrus = withAlice().tls(CERTS).disallowPlaintext().stop(IMAPS, POP3S).start()) {
            IntegrationResult result = integrator(cyrus, Policies.secure()).integrate(alice());

            assertThat(result.selected()).as(result.toString())
                    .contains(candidate(IMAP, Security.STARTTLS, cyrus.port(MailListener.IMAP)));
            MailIntegratorAssertions.assertThat(result).hasOutcomesThenNotNeeded(REFUSED, REFUSED, AUTHENTICATED);
            assertThat(cyrus.awaitLogLines("alice's login on imap over STARTTLS",
                    login(MailListener.IMAP, true), 1, LOG_WAIT)).hasSize(1);
        }
    }

    private static CyrusServer.Builder withAlice() {
        return CyrusServer.builder().user(USER, PASSWORD);
    }

    private static MailAccount alice() {
        return MailAccount.builder(EMAIL).username(USER).password(PASSWORD).host(HOST).build();
    }

    /**
     * A successful login of alice on {@code listener}, over TLS or not: {@code cyrus/imaps[8423]: login: localhost
     * [127.0.0.1] alice PLAIN+TLS User logged in} (the mechanism is {@code plaintext} for POP3's USER/PASS).
     */
    static Predicate<String> login(MailListener listener, boolean tls) {
        Pattern login = Pattern.compile(" login: \\S+ \\[127\\.0\\.0\\.1\\] " + USER + " (\\S+) User logged in");
        return CyrusServer.from(listener).and(line -> {
            Matcher matcher = login.matcher(line);
            return matcher.find() && matcher.group(1).endsWith("+TLS") == tls;
        });
    }

    private static Predicate<String> anyLogin() {
        return line -> line.contains(" login: ") && line.contains("User logged in");
    }

    private static Integrator integrator(CyrusServer cyrus, PreferencePolicy policy) {
        return integrator(cyrus, policy, CERTS);
    }

    /** The suite's integrator: {@code policy} routed to {@code cyrus}, trusting {@code certificates}' CA. */
    static Integrator integrator(CyrusServer cyrus, PreferencePolicy policy, TestCertificates certificates) {
        return Integrator.builder()
                .policy(RoutedPolicy.to(cyrus, policy))
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
