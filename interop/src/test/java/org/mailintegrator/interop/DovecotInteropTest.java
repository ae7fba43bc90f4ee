package org.mailintegrator.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mailintegrator.core.MailProtocol.IMAP;
import static org.mailintegrator.core.MailProtocol.POP3;
import static org.mailintegrator.core.Outcome.AUTHENTICATED;
import static org.mailintegrator.core.Outcome.AUTH_FAILED;
import static org.mailintegrator.core.Outcome.NOT_TRIED;
import static org.mailintegrator.core.Outcome.REFUSED;
import static org.mailintegrator.core.Outcome.TIMED_OUT;
import static org.mailintegrator.core.Outcome.TLS_FAILED;
import static org.mailintegrator.core.Security.IMPLICIT_TLS;
import static org.mailintegrator.core.Security.NONE;
import static org.mailintegrator.core.Security.STARTTLS;
import static org.mailintegrator.interop.DovecotServer.Listener.IMAPS;
import static org.mailintegrator.interop.DovecotServer.Listener.POP3S;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
 * Proves, against a real Dovecot on loopback, that {@link Integrator} with {@link Policies#blackBerry()} selects
 * what BlackBerry's KB14351 order says (IMAP over SSL, POP over SSL, IMAP, POP) and classifies every outcome the
 * way DESIGN.md defines it. The policy is used unchanged; {@link RoutedPolicy} only moves its standard ports to
 * the ports of the private Dovecot instance.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DovecotInteropTest {
    private static final String HOST = "127.0.0.1";
    private static final String POP_HOST = "127.0.0.2";
    private static final String USER = "alice@example.test";
    private static final String PASSWORD = "alice-secret";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration LOG_WAIT = Duration.ofSeconds(10);

    /** The CA the client trusts, and a server certificate for the account host. */
    private static final TestCertificates CERTS = TestCertificates.forHosts(HOST, "localhost");

    @Test
    void selectsImapOverTlsWhenEverythingIsUp() {
        try (DovecotServer dovecot = withAlice().tls(CERTS).start()) {
            IntegrationResult result = integrator(dovecot, Policies.blackBerry()).integrate(alice());

            assertThat(result.selected()).as(result.toString())
                    .contains(candidate(IMAP, IMPLICIT_TLS, HOST, dovecot.port(IMAPS)));
            MailIntegratorAssertions.assertThat(result).hasOutcomesThenNotNeeded(AUTHENTICATED);
            assertThat(dovecot.awaitLogLines("alice's IMAPS login",
                    line -> line.contains("imap-login: Info: Login: user=<" + USER + ">")
                            && line.contains("lport=" + dovecot.port(IMAPS) + ","), 1, LOG_WAIT)).hasSize(1);
        }
    }

    @Test
    void fallsBackToPopWhenImapIsStopped() {
        try (DovecotServer dovecot = withAlice().tls(CERTS).stop(Listener.IMAP, IMAPS).start()) {
            IntegrationResult result = integrator(dovecot, Policies.blackBerry()).integrate(alice());

            assertThat(result.selected()).as(result.toString())
                    .contains(candidate(POP3, IMPLICIT_TLS, HOST, dovecot.port(POP3S)));
            MailIntegratorAssertions.assertThat(result).hasOutcomesThenNotNeeded(REFUSED, AUTHENTICATED);
            assertThat(result.attempts().get(0).detail()).contains("refused");
        }
    }

    @Test
    void fallsBackToPopWhenAFirewallDropsImapPackets() throws IOException {
        try (DovecotServer dovecot = withAlice().tls(CERTS).start()) {
            IntegrationResult result;
            try (LoopbackDropRule rule = LoopbackDropRule.install(HOST, dovecot.port(IMAPS))) {
                assertDropped(new InetSocketAddress(rule.address(), rule.port()));

                result = integrator(dovecot, Policies.blackBerry()).integrate(alice());
            }

            assertThat(result.selected()).as(result.toString())
                    .contains(candidate(POP3, IMPLICIT_TLS, HOST, dovecot.port(POP3S)));
            MailIntegratorAssertions.assertThat(result).hasOutcomesThenNotNeeded(TIMED_OUT, AUTHENTICATED);
            Attempt dropped = result.attempts().get(0);
            assertThat(dropped.elapsed()).as(result.toString())
                    .isGreaterThanOrEqualTo(CONNECT_TIMEOUT)
                    .isLessThan(CONNECT_TIMEOUT.plusSeconds(3));
            assertThat(dropped.detail()).contains("did not complete within");
            // the rule is gone: IMAPS answers again
            dovecot.probe(IMAPS);
        }
    }

    @Test
    void selectsCleartextImapWhenTheServerHasNoTls() {
        try (DovecotServer dovecot = withAlice().stop(IMAPS, POP3S).start()) {
            IntegrationResult result = integrator(dovecot, Policies.blackBerry()).integrate(alice());

            assertThat(result.selected()).as(result.toString())
                    .contains(candidate(IMAP, NONE, HOST, dovecot.port(Listener.IMAP)));
            MailIntegratorAssertions.assertThat(result).hasOutcomesThenNotNeeded(REFUSED, REFUSED, AUTHENTICATED);
        }
    }

    @Test
    void rejectsAnUntrustedCertificateAndFallsBackToCleartextImap() {
        TestCertificates otherAuthority = TestCertificates.forHosts(HOST, "localhost");
        try (DovecotServer dovecot = withAlice().tls(otherAuthority).start()) {
            IntegrationResult result = integrator(dovecot, Policies.blackBerry()).integrate(alice());

            MailIntegratorAssertions.assertThat(result).hasOutcomesThenNotNeeded(TLS_FAILED, TLS_FAILED, AUTHENTICATED);
            assertThat(result.attempts().subList(0, 2)).allSatisfy(attempt ->
                    assertThat(attempt.detail()).contains("certificate").contains("not issued by a trusted"));
            assertThat(result.selected()).as(result.toString())
                    .contains(candidate(IMAP, NONE, HOST, dovecot.port(Listener.IMAP)));
        }
    }

    @Test
    void rejectsACertificateThatDoesNotNameTheHost() {
        try (DovecotServer dovecot = withAlice().tls(CERTS.withServerNames("wrong.example.test")).start()) {
            IntegrationResult result = integrator(dovecot, Policies.blackBerry()).integrate(alice());

            MailIntegratorAssertions.assertThat(result).hasOutcomesThenNotNeeded(TLS_FAILED, TLS_FAILED, AUTHENTICATED);
            assertThat(result.attempts().subList(0, 2)).allSatisfy(attempt ->
                    assertThat(attempt.detail()).contains("certificate does not name " + HOST));
            assertThat(result.selected()).as(result.toString())
                    .contains(candidate(IMAP, NONE, HOST, dovecot.port(Listener.IMAP)));
        }
    }

    @Test
    void selectsPopOnItsOwnHostWhenImapIsNotRunningOnTheAccountHost() throws IOException {
        TestCertificates popHostCerts = CERTS.withServerNames(HOST, "localhost", POP_HOST);
        try (DovecotServer dovecot = withAlice().tls(popHostCerts).stop(Listener.IMAP, IMAPS)
                .popAddress(POP_HOST).start()) {
            MailAccount account = alice().toBuilder().host(POP3, POP_HOST).build();
            // POP really lives on its own address only: the account host refuses POP over SSL
            try (Socket socket = new Socket()) {
                assertThatThrownBy(() -> socket.connect(new InetSocketAddress(HOST, dovecot.port(POP3S)), 2_000))
                        .isInstanceOf(ConnectException.class);
            }

            IntegrationResult result = integrator(dovecot, Policies.blackBerry()).integrate(account);

            assertThat(result.selected()).as(result.toString())
                    .contains(candidate(POP3, IMPLICIT_TLS, POP_HOST, dovecot.port(POP3S)));
            MailIntegratorAssertions.assertThat(result).hasOutcomesThenNotNeeded(REFUSED, AUTHENTICATED);
            assertThat(result.attempts().get(0).candidate())
                    .isEqualTo(candidate(IMAP, IMPLICIT_TLS, HOST, dovecot.port(IMAPS)));
        }
    }

    @Test
    void neverSendsThePasswordWhenStartTlsIsMissing() {
        PreferencePolicy startTlsOnly = Policies.ordered()
                .then(IMAP, STARTTLS, 143)
                .then(POP3, STARTTLS, 110)
                .build();
        try (DovecotServer dovecot = withAlice().stop(IMAPS, POP3S).start()) {
            IntegrationResult result = integrator(dovecot, startTlsOnly).integrate(alice());

            assertThat(result.isIntegrated()).as(result.toString()).isFalse();
            assertThat(outcomes(result)).as(result.toString()).containsExactly(TLS_FAILED, TLS_FAILED);
            assertThat(result.attempts().get(0).detail()).contains("STARTTLS");
            assertThat(result.attempts().get(1).detail()).contains("STLS");
            // Dovecot saw both connections end without any authentication attempt...
            for (Listener listener : List.of(Listener.IMAP, Listener.POP3)) {
                dovecot.awaitLogLines("a connection to " + listener + " without authentication",
                        line -> line.contains("lport=" + dovecot.port(listener) + ",")
                                && line.contains("Disconnected") && line.contains("no auth attempts"),
                        1, LOG_WAIT);
            }
            // ...and its auth process never heard of alice: the password never reached the server
            assertThat(dovecot.logLines())
                    .noneMatch(line -> line.contains("client in: AUTH"))
                    .noneMatch(line -> line.contains(USER))
                    .noneMatch(line -> line.contains("Password mismatch"));
        }
    }

    @Test
    void selectsCleartextImapForTheRightPasswordJustAfterAWrongOne() {
        TestCertificates otherAuthority = TestCertificates.forHosts(HOST, "localhost");
        try (DovecotServer dovecot = withAlice().tls(otherAuthority).start()) {
            Integrator integrator = integrator(dovecot, Policies.blackBerry());
            MailAccount wrong = MailAccount.builder(USER).password("not-alice-secret").host(HOST).build();
            IntegrationResult failed = integrator.integrate(wrong);
            assertThat(outcomes(failed)).as(failed.toString())
                    .containsExactly(TLS_FAILED, TLS_FAILED, AUTH_FAILED, AUTH_FAILED);

            // Dovecot now penalises this address: the next login is answered seconds late, and is still the truth
            IntegrationResult result = integrator.integrate(alice());

            MailIntegratorAssertions.assertThat(result).hasOutcomesThenNotNeeded(TLS_FAILED, TLS_FAILED, AUTHENTICATED);
            assertThat(result.selected()).contains(candidate(IMAP, NONE, HOST, dovecot.port(Listener.IMAP)));
            assertThat(result.attempts().get(2).elapsed()).as("the penalty Dovecot imposed on the login")
                    .isGreaterThan(READ_TIMEOUT);
        }
    }

    @Test
    void reportsEveryCandidateAsAuthFailedForAWrongPassword() {
        try (DovecotServer dovecot = withAlice().tls(CERTS).start()) {
            MailAccount wrong = MailAccount.builder(USER).password("not-alice-secret").host(HOST).build();

            IntegrationResult result = integrator(dovecot, Policies.blackBerry()).integrate(wrong);

            assertThat(result.isIntegrated()).as(result.toString()).isFalse();
            assertThat(outcomes(result)).as(result.toString())
                    .containsExactly(AUTH_FAILED, AUTH_FAILED, AUTH_FAILED, AUTH_FAILED);
            for (Listener listener : List.of(IMAPS, POP3S, Listener.IMAP, Listener.POP3)) {
                dovecot.awaitLogLines("a failed login of alice on " + listener,
                        line -> line.contains("lport=" + dovecot.port(listener) + ",")
                                && line.contains("auth failed") && line.contains("user=<" + USER + ">"),
                        1, LOG_WAIT);
            }
            assertThat(dovecot.awaitLogLines("alice's password mismatches",
                    line -> line.contains("passwd-file(" + USER + ",") && line.contains("Password mismatch"),
                    4, LOG_WAIT)).hasSizeGreaterThanOrEqualTo(4);
            assertThat(dovecot.logLines()).noneMatch(line -> line.contains("Login: user=<" + USER + ">"));
        }
    }

    @Test
    void integratesFiftyAccountsAtOnceThroughOneIntegrator() throws Exception {
        int accounts = 50;
        DovecotServer.Builder builder = DovecotServer.builder().tls(CERTS);
        List<MailAccount> mailboxes = new ArrayList<>();
        for (int i = 1; i <= accounts; i++) {
            String user = String.format("user%02d@example.test", i);
            builder.user(user, "secret-" + i);
            mailboxes.add(MailAccount.builder(user).password("secret-" + i).host(HOST).build());
        }
        try (DovecotServer dovecot = builder.start()) {
            // fifty TLS handshakes and fifty Dovecot login processes on a small machine: generous read bound
            Integrator integrator = Integrator.builder()
                    .policy(RoutedPolicy.to(dovecot, Policies.blackBerry()))
                    .sslContext(CERTS.clientSslContext())
                    .connectTimeout(Duration.ofSeconds(5))
                    .readTimeout(Duration.ofSeconds(15))
                    .build();
            ExecutorService pool = Executors.newFixedThreadPool(accounts);
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<IntegrationResult>> futures = new ArrayList<>();
                for (MailAccount mailbox : mailboxes) {
                    futures.add(pool.submit(() -> {
                        go.await();
                        return integrator.integrate(mailbox);
                    }));
                }
                go.countDown();
                ProtocolCandidate imaps = candidate(IMAP, IMPLICIT_TLS, HOST, dovecot.port(IMAPS));
                for (int i = 0; i < accounts; i++) {
                    IntegrationResult result = futures.get(i).get(45, TimeUnit.SECONDS);
                    assertThat(result.emailAddress()).isEqualTo(mailboxes.get(i).emailAddress());
                    assertThat(result.selected()).as(result.toString()).contains(imaps);
                    MailIntegratorAssertions.assertThat(result).hasOutcomesThenNotNeeded(AUTHENTICATED);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(dovecot.awaitLogLines("fifty IMAPS logins",
                    line -> line.contains("imap-login: Info: Login: user=<user")
                            && line.contains("lport=" + dovecot.port(IMAPS) + ","), accounts, LOG_WAIT))
                    .hasSize(accounts);
        }
    }

    @Test
    void neverRevealsThePasswordInResultsAccountsOrLogs() throws IOException {
        String secret = "S3cr3t-Pa55-interop";
        Path clientLog = clientLogFile();
        try (DovecotServer dovecot = DovecotServer.builder().tls(CERTS)
                .user("bob@example.test", secret)
                .user("carol@example.test", "carol-real-password")
                .start()) {
            Integrator integrator = integrator(dovecot, Policies.blackBerry());
            MailAccount bob = MailAccount.builder("bob@example.test").password(secret).host(HOST).build();
            MailAccount carol = MailAccount.builder("carol@example.test").password(secret).host(HOST).build();

            IntegrationResult succeeded = integrator.integrate(bob);
            IntegrationResult failed = integrator.integrate(carol);

            assertThat(succeeded.isIntegrated()).as(succeeded.toString()).isTrue();
            assertThat(outcomes(failed)).as(failed.toString())
                    .containsExactly(AUTH_FAILED, AUTH_FAILED, AUTH_FAILED, AUTH_FAILED);
            List<String> forms = secretForms(secret, "bob@example.test", "carol@example.test");
            List<String> texts = new ArrayList<>();
            for (IntegrationResult result : List.of(succeeded, failed)) {
                texts.add(result.toString());
                result.attempts().forEach(attempt -> {
                    texts.add(attempt.detail());
                    texts.add(attempt.toString());
                });
            }
            texts.add(bob.toString());
            texts.add(carol.toString());
            assertThat(texts).allSatisfy(text -> assertThat(text).doesNotContain(forms));

            // the client's log (slf4j-simple, debug level) recorded both integrations, without the password
            String logged = Files.readString(clientLog, StandardCharsets.UTF_8);
            assertThat(logged)
                    .contains("Integrated bob@example.test")
                    .contains("Could not integrate carol@example.test")
                    .contains("in cleartext")
                    .doesNotContain(forms);
            // and so did Dovecot's, which saw carol's failures
            dovecot.awaitLogLines("carol's failed logins",
                    line -> line.contains("auth failed") && line.contains("user=<carol@example.test>"), 4, LOG_WAIT);
            assertThat(String.join("\n", dovecot.logLines())).doesNotContain(forms);
        }
    }

    private static DovecotServer.Builder withAlice() {
        return DovecotServer.builder().user(USER, PASSWORD);
    }

    private static MailAccount alice() {
        return MailAccount.builder(USER).password(PASSWORD).host(HOST).build();
    }

    private static Integrator integrator(DovecotServer dovecot, PreferencePolicy policy) {
        return Integrator.builder()
                .policy(RoutedPolicy.to(dovecot, policy))
                .sslContext(CERTS.clientSslContext())
                .connectTimeout(CONNECT_TIMEOUT)
                .readTimeout(READ_TIMEOUT)
                .build();
    }

    private static ProtocolCandidate candidate(org.mailintegrator.core.MailProtocol protocol,
            org.mailintegrator.core.Security security, String host, int port) {
        return ProtocolCandidate.of(protocol, security, host, port);
    }

    private static List<Outcome> outcomes(IntegrationResult result) {
        return result.attempts().stream().map(Attempt::outcome).toList();
    }

    /** The rule must DROP: a connect gets no answer at all (a REJECT would be refused at once). */
    private static void assertDropped(InetSocketAddress target) throws IOException {
        try (Socket socket = new Socket()) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> socket.connect(target, 500)).isInstanceOf(SocketTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
        }
    }

    /** The password as typed, and in the Base64 forms that SASL PLAIN and AUTH LOGIN carry it. */
    private static List<String> secretForms(String secret, String... users) {
        Base64.Encoder base64 = Base64.getEncoder();
        List<String> forms = new ArrayList<>();
        forms.add(secret);
        forms.add(base64.encodeToString(secret.getBytes(StandardCharsets.UTF_8)));
        for (String user : users) {
            forms.add(base64.encodeToString(("\0" + user + "\0" + secret).getBytes(StandardCharsets.UTF_8)));
        }
        return forms;
    }

    /** The file slf4j-simple writes to, as {@code simplelogger.properties} on the test class path configures it. */
    private static Path clientLogFile() throws IOException {
        Properties config = new Properties();
        try (InputStream in = DovecotInteropTest.class.getResourceAsStream("/simplelogger.properties")) {
            assertThat(in).as("simplelogger.properties on the test class path").isNotNull();
            config.load(in);
        }
        String file = config.getProperty("org.slf4j.simpleLogger.logFile");
        assertThat(file).as("org.slf4j.simpleLogger.logFile").isNotNull().isNotIn("System.err", "System.out");
        assertThat(config.getProperty("org.slf4j.simpleLogger.defaultLogLevel")).isEqualTo("debug");
        return Path.of(file).toAbsolutePath();
    }
}
