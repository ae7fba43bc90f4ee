package org.mailintegrator.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailintegrator.core.MailProtocol.IMAP;
import static org.mailintegrator.core.MailProtocol.POP3;
import static org.mailintegrator.core.Outcome.AUTHENTICATED;
import static org.mailintegrator.core.Outcome.AUTH_FAILED;
import static org.mailintegrator.core.Outcome.NOT_TRIED;
import static org.mailintegrator.core.Outcome.SUPERSEDED;
import static org.mailintegrator.core.Outcome.PROTOCOL_ERROR;
import static org.mailintegrator.core.Outcome.REFUSED;
import static org.mailintegrator.core.Outcome.SKIPPED;
import static org.mailintegrator.core.Outcome.TLS_REQUIRED;
import static org.mailintegrator.core.Security.IMPLICIT_TLS;
import static org.mailintegrator.core.Security.NONE;
import static org.mailintegrator.core.Security.STARTTLS;
import static org.mailintegrator.interop.DovecotServer.Listener.IMAPS;
import static org.mailintegrator.interop.DovecotServer.Listener.POP3S;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.PreferencePolicy;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.interop.DovecotServer.Listener;
import org.mailintegrator.strategies.Policies;
import org.mailintegrator.testkit.MailIntegratorAssertions;
import org.mailintegrator.testkit.TestCertificates;

/**
 * Proves, against a real Dovecot on loopback, that the library is safe by default with a server that takes
 * security seriously: STARTTLS and STLS upgrades before any credential, a server that refuses cleartext logins
 * ({@code disable_plaintext_auth}, {@code ssl = required}) reported as {@link Outcome#TLS_REQUIRED} without the
 * password being sent, cleartext candidates skipped by a minimum security, a stopped protocol, a wrong password
 * tried once only, and Jakarta Mail's protocol trace free of the password.
 *
 * <p>Dovecot treats a connection as secure, cleartext or not, when the client's IP address equals its own. Most
 * tests therefore bind Dovecot to {@value #REMOTE_HOST}: the client connects from 127.0.0.1 (the source address
 * Linux picks on loopback), and every test that depends on this checks it in Dovecot's log ({@code rip=}, {@code
 * lip=}).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DovecotSecurityInteropTest {
    /** Dovecot's address when it must see the client as another host. */
    private static final String REMOTE_HOST = "127.0.0.2";
    /** The client's source address when it connects to {@link #REMOTE_HOST}, and Dovecot's address otherwise. */
    private static final String LOCAL_HOST = "127.0.0.1";
    private static final String USER = "alice@example.test";
    private static final String PASSWORD = "alice-Secr3t-pw";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration LOG_WAIT = Duration.ofSeconds(10);
    private static final String WRONG_PASSWORD = "wrong-" + PASSWORD;

    /** Both protocols, in cleartext (where a password in the trace would be the very bytes sent), TLS and STARTTLS. */
    private static final PreferencePolicy EVERY_PATH = Policies.ordered()
            .then(IMAP, NONE, 143)
            .then(POP3, NONE, 110)
            .then(IMAP, IMPLICIT_TLS, 993)
            .then(POP3, IMPLICIT_TLS, 995)
            .then(IMAP, STARTTLS, 143)
            .then(POP3, STARTTLS, 110)
            .build();

    /** The {@code java.util.logging} loggers of Jakarta Mail and Angus, which carry the protocol trace at FINEST. */
    private static final List<String> ANGUS_LOGGERS = List.of("org.eclipse.angus.mail", "jakarta.mail");

    /**
     * Angus's loggers, and those named after the library's own package: Angus names a store's loggers after the
     * package of the store's class, so a store class of the library's own would log there.
     */
    private static final List<String> EVERY_TRACE_LOGGER = List.of("org.eclipse.angus.mail", "jakarta.mail",
            "org.mailintegrator");

    /** The CA the client trusts, and a server certificate for both loopback addresses. */
    private static final TestCertificates CERTS = TestCertificates.forHosts(REMOTE_HOST, LOCAL_HOST, "localhost");

    @Test
    void selectsImapStartTlsUnderTheSecurePolicyWhenTheImplicitTlsPortsAreStopped() {
        try (DovecotServer dovecot = withAlice().tls(CERTS).listenAddress(REMOTE_HOST).disablePlaintextAuth()
                .stop(IMAPS, POP3S).start()) {
            IntegrationResult result = integrator(dovecot, Policies.secure()).build().integrate(alice(REMOTE_HOST));

            assertThat(result.selected()).as(result.toString())
                    .contains(ProtocolCandidate.of(IMAP, STARTTLS, REMOTE_HOST, dovecot.port(Listener.IMAP)));
            MailIntegratorAssertions.assertThat(result).hasOutcomesThenNotNeeded(REFUSED, REFUSED, AUTHENTICATED);
            String login = single(dovecot.awaitLogLines("alice's IMAP login",
                    loginOf(USER, "imap-login", dovecot.port(Listener.IMAP)), 1, LOG_WAIT));
            assertLoggedOverTlsFromAnotherAddress(login);
            assertNoCleartextLogin(dovecot);
        }
    }

    @Test
    void authenticatesOverPop3StlsWhenThePolicyAllowsOnlyStls() {
        PreferencePolicy stlsOnly = Policies.ordered().then(POP3, STARTTLS, 110).build();
        try (DovecotServer dovecot = withAlice().tls(CERTS).listenAddress(REMOTE_HOST).disablePlaintextAuth()
                .stop(IMAPS, POP3S).start()) {
            IntegrationResult result = integrator(dovecot, stlsOnly).build().integrate(alice(REMOTE_HOST));

            assertThat(result.selected()).as(result.toString())
                    .contains(ProtocolCandidate.of(POP3, STARTTLS, REMOTE_HOST, dovecot.port(Listener.POP3)));
            assertThat(outcomes(result)).as(result.toString()).containsExactly(AUTHENTICATED);
            String login = single(dovecot.awaitLogLines("alice's POP3 login",
                    loginOf(USER, "pop3-login", dovecot.port(Listener.POP3)), 1, LOG_WAIT));
            assertLoggedOverTlsFromAnotherAddress(login);
            assertNoCleartextLogin(dovecot);
        }
    }

    @Test
    void reportsTlsRequiredAndKeepsThePasswordWhenDovecotDisablesPlaintextAuth() {
        PreferencePolicy cleartextOnly = Policies.ordered().then(IMAP, NONE, 143).then(POP3, NONE, 110).build();
        try (DovecotServer dovecot = withAlice().tls(CERTS).listenAddress(REMOTE_HOST).disablePlaintextAuth()
                .stop(IMAPS, POP3S).start()) {
            List<Integer> imapProbe = dovecot.loggedClientPorts(Listener.IMAP);
            List<Integer> pop3Probe = dovecot.loggedClientPorts(Listener.POP3);

            IntegrationResult result = integrator(dovecot, cleartextOnly).build().integrate(alice(REMOTE_HOST));

            assertThat(result.isIntegrated()).as(result.toString()).isFalse();
            assertThat(outcomes(result)).as(result.toString()).containsExactly(TLS_REQUIRED, TLS_REQUIRED);
            assertThat(result.attempts()).allSatisfy(attempt -> assertThat(attempt.detail())
                    .as(attempt.toString()).contains("without TLS").doesNotContain("rejected the credentials"));

            // IMAP: Dovecot advertised LOGINDISABLED, so no LOGIN or AUTHENTICATE was sent at all
            String imap = single(dovecot.awaitLogLines("the end of the IMAP connection",
                    newConnectionTo(dovecot, Listener.IMAP, imapProbe), 1, LOG_WAIT));
            assertThat(imap).contains("rip=" + LOCAL_HOST + ",").contains("lip=" + REMOTE_HOST + ",")
                    .contains("Disconnected").contains("no auth attempts");
            // POP3: Dovecot's CAPA before STLS offered neither USER nor a SASL mechanism, so no USER was sent at all
            // (the user name stays with the client too)
            Predicate<String> pop3 = newConnectionTo(dovecot, Listener.POP3, pop3Probe);
            String pop3End = single(dovecot.awaitLogLines("the end of the POP3 connection",
                    line -> pop3.test(line) && line.contains("Disconnected"), 1, LOG_WAIT));
            assertThat(pop3End).contains("rip=" + LOCAL_HOST + ",").contains("lip=" + REMOTE_HOST + ",")
                    .contains("no auth attempts");
            assertThat(dovecot.logLines())
                    // the auth process was never asked to check a password
                    .noneMatch(line -> line.contains("client in: AUTH"))
                    .noneMatch(line -> line.contains("Password mismatch"))
                    .noneMatch(line -> line.contains("Login: user="));
        }
    }

    @Test
    void acceptsCleartextFromTheServersOwnAddressEvenWhenDovecotRequiresTls() {
        // ssl = required, IMAP on the client's own address, POP3 on another: Dovecot 2.3 exempts the first
        PreferencePolicy popThenImapInCleartext = Policies.ordered()
                .then(POP3, NONE, 110)
                .then(IMAP, NONE, 143)
                .build();
        try (DovecotServer dovecot = withAlice().tls(CERTS).requireTls().imapAddress(LOCAL_HOST)
                .popAddress(REMOTE_HOST).stop(IMAPS, POP3S).start()) {
            MailAccount account = alice(LOCAL_HOST).toBuilder().host(POP3, REMOTE_HOST).build();

            IntegrationResult result = integrator(dovecot, popThenImapInCleartext).sequential().build()
                    .integrate(account);

            assertThat(outcomes(result)).as(result.toString()).containsExactly(TLS_REQUIRED, AUTHENTICATED);
            assertThat(result.selected()).as(result.toString())
                    .contains(ProtocolCandidate.of(IMAP, NONE, LOCAL_HOST, dovecot.port(Listener.IMAP)));
            String login = single(dovecot.awaitLogLines("alice's cleartext IMAP login",
                    loginOf(USER, "imap-login", dovecot.port(Listener.IMAP)), 1, LOG_WAIT));
            // "secured": not TLS, but the client's address is the server's
            assertThat(login).contains("rip=" + LOCAL_HOST + ",").contains("lip=" + LOCAL_HOST + ",")
                    .contains(", secured,").doesNotContain(", TLS,");
            assertThat(dovecot.logLines()).anyMatch(line -> line.contains("pop3-login: Info: Login failed: "
                    + "Plaintext authentication disabled") && line.contains("rip=" + LOCAL_HOST + ",")
                    && line.contains("lip=" + REMOTE_HOST + ","));
        }
    }

    @Test
    void skipsCleartextCandidatesWithoutConnectingWhenTheMinimumSecurityIsStartTls() {
        // Dovecot would take alice's password in cleartext here (same address, plaintext allowed): only the
        // minimum security keeps it from being sent
        try (DovecotServer dovecot = withAlice().stop(IMAPS, POP3S).start()) {
            List<Integer> imapBefore = dovecot.loggedClientPorts(Listener.IMAP);
            List<Integer> pop3Before = dovecot.loggedClientPorts(Listener.POP3);

            IntegrationResult result = integrator(dovecot, Policies.blackBerry()).minimumSecurity(STARTTLS).build()
                    .integrate(alice(LOCAL_HOST));

            assertThat(result.isIntegrated()).as(result.toString()).isFalse();
            assertThat(outcomes(result)).as(result.toString()).containsExactly(REFUSED, REFUSED, SKIPPED, SKIPPED);
            assertThat(result.attempts().subList(2, 4)).allSatisfy(attempt -> {
                assertThat(attempt.candidate().security()).isEqualTo(NONE);
                assertThat(attempt.detail()).contains("no connection was made");
                assertThat(attempt.elapsed()).isZero();
            });
            // one more connection to each cleartext listener, logged: whatever the integration did there would
            // have ended before it returned, so it would be logged too
            int imapProbe = dovecot.probe(Listener.IMAP);
            int pop3Probe = dovecot.probe(Listener.POP3);
            assertThat(dovecot.loggedClientPorts(Listener.IMAP)).as("connections to IMAP")
                    .containsExactlyElementsOf(append(imapBefore, imapProbe));
            assertThat(dovecot.loggedClientPorts(Listener.POP3)).as("connections to POP3")
                    .containsExactlyElementsOf(append(pop3Before, pop3Probe));
            assertThat(dovecot.logLines()).noneMatch(line -> line.contains("client in: AUTH"));
        }
    }

    @Test
    void refusesPopAndSelectsImapWhenDovecotRunsOnlyImap() {
        try (DovecotServer dovecot = withAlice().tls(CERTS).stop(Listener.POP3, POP3S).start()) {
            IntegrationResult result = integrator(dovecot, Policies.secure()).stagger(Duration.ZERO).build()
                    .integrate(alice(LOCAL_HOST));

            assertThat(result.selected()).as(result.toString())
                    .contains(ProtocolCandidate.of(IMAP, IMPLICIT_TLS, LOCAL_HOST, dovecot.port(IMAPS)));
            // a POP3 candidate is started only while IMAP has not connected yet, so it may not be tried at all, or be
            // stopped when IMAP wins
            assertThat(outcomes(result).subList(1, 4)).as(result.toString())
                    .allMatch(outcome -> outcome == REFUSED || outcome == NOT_TRIED || outcome == SUPERSEDED);
            IntegrationResult popOnly = integrator(dovecot, Policies.popOnly()).build().integrate(alice(LOCAL_HOST));
            assertThat(outcomes(popOnly)).as(popOnly.toString()).containsExactly(REFUSED, REFUSED);
            assertThat(popOnly.attempts()).allSatisfy(attempt -> assertThat(attempt.detail()).contains("refused"));
            assertThat(dovecot.logLines()).anyMatch(line -> line.contains("master: Info: Dovecot v")
                    && line.contains("starting up for imap (")).noneMatch(line -> line.contains("pop3-login"));
            dovecot.awaitLogLines("alice's IMAPS login", loginOf(USER, "imap-login", dovecot.port(IMAPS)), 1,
                    LOG_WAIT);
        }
    }

    @Test
    void stopsAtTheFirstRejectedPasswordSoThatDovecotSeesOneFailedLogin() {
        try (DovecotServer dovecot = withAlice().tls(CERTS).start()) {
            MailAccount wrong = MailAccount.builder(USER).password("not-" + PASSWORD).host(LOCAL_HOST).build();

            IntegrationResult result = integrator(dovecot, Policies.blackBerry()).stopOnAuthFailure().build()
                    .integrate(wrong);

            assertThat(result.isIntegrated()).as(result.toString()).isFalse();
            assertThat(outcomes(result)).as(result.toString())
                    .containsExactly(AUTH_FAILED, NOT_TRIED, NOT_TRIED, NOT_TRIED);
            assertThat(result.attempts().subList(1, 4)).allSatisfy(attempt ->
                    assertThat(attempt.detail()).contains("rejected the password"));
            dovecot.awaitLogLines("alice's failed IMAPS login",
                    line -> isLoginProcessLine(line, "imap-login", dovecot.port(IMAPS)) && line.contains("auth failed")
                            && line.contains("user=<" + USER + ">"), 1, LOG_WAIT);
            // a logged connection to every listener: anything the integration started has been logged by now
            for (Listener listener : Listener.values()) {
                dovecot.probe(listener);
            }
            List<String> log = dovecot.logLines();
            assertThat(log.stream().filter(line -> line.contains("auth failed"))).as(String.join("\n", log))
                    .hasSize(1);
            assertThat(log.stream().filter(line -> line.contains("Password mismatch"))).as(String.join("\n", log))
                    .hasSize(1);
            assertThat(log.stream().filter(line -> line.contains("client in: AUTH"))).as(String.join("\n", log))
                    .hasSize(1);
            assertThat(log).noneMatch(line -> line.contains("Login: user="));
        }
    }

    @Test
    void keepsThePasswordOutOfTheProtocolTraceOverSaslPlainAndUserPass() {
        try (DovecotServer dovecot = withAlice().tls(CERTS).start();
                TraceCapture trace = TraceCapture.start(EVERY_TRACE_LOGGER)) {
            List<IntegrationResult> results = integrateOnEveryPath(dovecot, EVERY_PATH);
            String captured = trace.text();

            assertEveryPathAuthenticatedAndFailedOnce(dovecot, EVERY_PATH, results);
            // the trace is on, and shows both protocols' exchanges, plain and TLS: Dovecot offers AUTH=PLAIN...
            assertThat(captured)
                    .contains("* OK [CAPABILITY IMAP4rev1").contains("AUTH=PLAIN] Dovecot (Debian) ready.")
                    .contains("STARTTLS").contains("OK Begin TLS negotiation now.").contains("LOGOUT")
                    .contains("+OK Dovecot (Debian) ready.").contains("SASL PLAIN").contains("STLS").contains("QUIT")
                    // ...IMAP authenticates with it, POP3 with USER and PASS (Angus's POP3 "LOGIN")
                    .contains("AUTHENTICATE PLAIN command").contains("Using mechanism LOGIN");
            // but the password is in none of the forms the protocols carry it
            assertThat(captured).doesNotContain(secretForms(PASSWORD, USER))
                    .doesNotContain(secretForms(WRONG_PASSWORD, USER));
        }
    }

    @Test
    void keepsThePasswordOutOfTheImapTraceOverSaslLogin() {
        // only SASL LOGIN: the password travels alone, in Base64, on a line of its own. (POP3 cannot log in here:
        // Angus's POP3 uses USER/PASS, which Dovecot serves only with the PLAIN mechanism.)
        PreferencePolicy everyImapPath = Policies.ordered()
                .then(IMAP, NONE, 143)
                .then(IMAP, IMPLICIT_TLS, 993)
                .then(IMAP, STARTTLS, 143)
                .build();
        try (DovecotServer dovecot = withAlice().tls(CERTS).authMechanisms("login").start();
                TraceCapture trace = TraceCapture.start(EVERY_TRACE_LOGGER)) {
            List<IntegrationResult> results = integrateOnEveryPath(dovecot, everyImapPath);
            String captured = trace.text();

            assertEveryPathAuthenticatedAndFailedOnce(dovecot, everyImapPath, results);
            assertThat(dovecot.logLines()).filteredOn(line -> line.contains("Login: user=<" + USER + ">"))
                    .allMatch(line -> line.contains("method=LOGIN,"));
            assertThat(captured).contains("AUTH=LOGIN] Dovecot (Debian) ready.").contains("STARTTLS")
                    .contains("AUTHENTICATE LOGIN command").contains("LOGOUT");
            assertThat(captured).doesNotContain(secretForms(PASSWORD, USER))
                    .doesNotContain(secretForms(WRONG_PASSWORD, USER));
        }
    }

    @Test
    void reportsAnUnsupportedLoginMechanismAsAProtocolErrorNotAWrongPassword() {
        // Dovecot serves POP3 USER/PASS only with the PLAIN mechanism: with LOGIN alone it answers
        // "-ERR [AUTH] Unsupported authentication mechanism.", which says nothing about the password
        try (DovecotServer dovecot = withAlice().tls(CERTS).authMechanisms("login").start()) {
            IntegrationResult pop3 = integrator(dovecot, Policies.ordered().then(POP3, STARTTLS, 110).build())
                    .stopOnAuthFailure().build().integrate(alice(LOCAL_HOST));

            assertThat(outcomes(pop3)).as(pop3.toString()).containsExactly(PROTOCOL_ERROR);
            assertThat(pop3.attempts().get(0).detail()).contains("login method").contains("nothing about the password");
        }
    }

    @Test
    void writesTheImapProtocolTraceUnderAngusOwnLoggerNames() {
        // an application debugging its mail traffic turns on Angus's documented loggers, and no others
        try (DovecotServer dovecot = withAlice().tls(CERTS).start();
                TraceCapture trace = TraceCapture.start(ANGUS_LOGGERS)) {
            PreferencePolicy imapStartTls = Policies.ordered().then(IMAP, STARTTLS, 143).build();
            IntegrationResult imap = integrator(dovecot, imapStartTls).build().integrate(alice(LOCAL_HOST));
            IntegrationResult pop3 = integrator(dovecot, Policies.ordered().then(POP3, STARTTLS, 110).build())
                    .build().integrate(alice(LOCAL_HOST));
            String captured = trace.text();

            assertThat(outcomes(imap)).as(imap.toString()).containsExactly(AUTHENTICATED);
            assertThat(outcomes(pop3)).as(pop3.toString()).containsExactly(AUTHENTICATED);
            assertThat(captured).as("the POP3 trace")
                    .contains("org.eclipse.angus.mail.pop3.protocol: STLS")
                    .contains("org.eclipse.angus.mail.pop3.protocol: QUIT");
            assertThat(captured).as("the IMAP trace")
                    .contains("org.eclipse.angus.mail.imap.protocol: ")
                    .containsPattern("org\\.eclipse\\.angus\\.mail\\.imap\\.protocol: \\S+ STARTTLS")
                    .containsPattern("org\\.eclipse\\.angus\\.mail\\.imap\\.protocol: \\S+ LOGOUT");
            assertThat(captured).doesNotContain(secretForms(PASSWORD, USER));
        }
    }

    // --- helpers ---------------------------------------------------------------------------------------------

    private static DovecotServer.Builder withAlice() {
        return DovecotServer.builder().user(USER, PASSWORD);
    }

    private static MailAccount alice(String host) {
        return MailAccount.builder(USER).password(PASSWORD).host(host).build();
    }

    private static Integrator.Builder integrator(DovecotServer dovecot, PreferencePolicy policy) {
        return Integrator.builder()
                .policy(RoutedPolicy.to(dovecot, policy))
                .sslContext(CERTS.clientSslContext())
                .connectTimeout(CONNECT_TIMEOUT)
                .readTimeout(READ_TIMEOUT);
    }

    private static List<Outcome> outcomes(IntegrationResult result) {
        return result.attempts().stream().map(Attempt::outcome).toList();
    }

    /**
     * Integrates alice over every candidate of {@code paths}, each alone, once with her password and once with
     * a wrong one, all at once (Dovecot answers failed logins in batches, every half second). Returns the results in
     * that order: path 1 right, path 1 wrong, path 2 right...
     */
    private static List<IntegrationResult> integrateOnEveryPath(DovecotServer dovecot, PreferencePolicy paths) {
        MailAccount right = alice(LOCAL_HOST);
        MailAccount wrong = right.toBuilder().password(WRONG_PASSWORD).build();
        List<CompletableFuture<IntegrationResult>> futures = new ArrayList<>();
        for (ProtocolCandidate candidate : paths.candidates(right)) {
            Integrator alone = integrator(dovecot, account -> List.of(candidate)).build();
            futures.add(alone.integrateAsync(right));
            futures.add(alone.integrateAsync(wrong));
        }
        return futures.stream().map(future -> future.orTimeout(30, TimeUnit.SECONDS).join()).toList();
    }

    private static void assertEveryPathAuthenticatedAndFailedOnce(DovecotServer dovecot, PreferencePolicy paths,
            List<IntegrationResult> results) {
        List<Outcome> expected = new ArrayList<>();
        for (int i = 0; i < paths.candidates(alice(LOCAL_HOST)).size(); i++) {
            expected.add(AUTHENTICATED);
            expected.add(AUTH_FAILED);
        }
        assertThat(results).extracting(result -> result.attempts().get(0).outcome()).as(results.toString())
                .containsExactlyElementsOf(expected);
        dovecot.awaitLogLines("alice's logins", line -> line.contains("Login: user=<" + USER + ">"),
                expected.size() / 2, LOG_WAIT);
        dovecot.awaitLogLines("alice's failed logins",
                line -> line.contains("auth failed") && line.contains("user=<" + USER + ">"), expected.size() / 2,
                LOG_WAIT);
    }

    /** A login process's line about a connection to {@code port}. */
    private static boolean isLoginProcessLine(String line, String loginService, int port) {
        return line.contains(loginService + ": ") && line.contains("lport=" + port + ",");
    }

    /**
     * A login process's line about a connection to {@code listener} other than those in {@code earlier} (client
     * ports, as {@link DovecotServer#loggedClientPorts} lists them), e.g. other than the start-up probe.
     */
    private static Predicate<String> newConnectionTo(DovecotServer dovecot, Listener listener, List<Integer> earlier) {
        String loginService = listener == Listener.IMAP || listener == IMAPS ? "imap-login" : "pop3-login";
        return line -> isLoginProcessLine(line, loginService, dovecot.port(listener))
                && earlier.stream().noneMatch(port -> line.contains("rport=" + port + ","));
    }

    private static Predicate<String> loginOf(String user, String loginService, int port) {
        return line -> line.contains(loginService + ": Info: Login: user=<" + user + ">")
                && line.contains("lport=" + port + ",");
    }

    private static void assertLoggedOverTlsFromAnotherAddress(String login) {
        // Dovecot saw another host (so the same-address exemption did not apply) and a TLS session
        assertThat(login).contains("rip=" + LOCAL_HOST + ",").contains("lip=" + REMOTE_HOST + ",")
                .contains(", TLS,");
    }

    private static void assertNoCleartextLogin(DovecotServer dovecot) {
        assertThat(dovecot.logLines())
                .noneMatch(line -> line.contains("Plaintext authentication disabled"))
                .filteredOn(line -> line.contains("Login: user="))
                .allMatch(line -> line.contains(", TLS,"));
    }

    private static String single(List<String> lines) {
        assertThat(lines).hasSize(1);
        return lines.get(0);
    }

    private static List<Integer> append(List<Integer> list, int element) {
        List<Integer> result = new ArrayList<>(list);
        result.add(element);
        return result;
    }

    /** The password as typed, and in the Base64 forms that SASL PLAIN and AUTH LOGIN carry it. */
    private static String[] secretForms(String secret, String user) {
        Base64.Encoder base64 = Base64.getEncoder();
        return new String[] {
            secret,
            base64.encodeToString(secret.getBytes(StandardCharsets.UTF_8)),
            base64.encodeToString(("\0" + user + "\0" + secret).getBytes(StandardCharsets.UTF_8)),
            base64.encodeToString((user + "\0" + user + "\0" + secret).getBytes(StandardCharsets.UTF_8)),
        };
    }
}
