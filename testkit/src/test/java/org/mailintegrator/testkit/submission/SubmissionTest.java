package org.mailintegrator.testkit.submission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Transport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.mailintegrator.core.Explanation;
import org.mailintegrator.core.IntegrationPair;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;
import org.mailintegrator.core.jakarta.JakartaMail;
import org.mailintegrator.testkit.MailServerFixture;
import org.mailintegrator.testkit.Service;
import org.mailintegrator.testkit.TestCertificates;
import org.mailintegrator.testkit.submission.ScriptedSubmissionServer.Received;
import org.mailintegrator.testkit.submission.ScriptedSubmissionServer.Script;

/**
 * SMTP submission through the engine against servers on real sockets with real TLS: the rows of the outgoing table
 * that a test on one machine can show. Whatever happens, no {@code MAIL}, {@code RCPT} or {@code DATA} reaches a
 * server: the library verifies a submission server by signing in, never by sending.
 */
@Timeout(value = 60, threadMode = ThreadMode.SEPARATE_THREAD)
class SubmissionTest {
    private static final String ADDRESS = "alice@example.test";
    private static final String PASSWORD = "submission-Secret-1";
    private static final TestCertificates CERTIFICATES = TestCertificates.forHosts("127.0.0.1", "localhost");

    private final List<ScriptedSubmissionServer> servers = new java.util.ArrayList<>();

    @AfterEach
    void stopServers() throws IOException {
        for (ScriptedSubmissionServer server : servers) {
            server.close();
        }
    }

    private ScriptedSubmissionServer start(Script script) throws IOException {
        ScriptedSubmissionServer server = new ScriptedSubmissionServer(script, CERTIFICATES, ADDRESS, PASSWORD);
        servers.add(server);
        return server;
    }

    private static MailAccount account(String password) {
        return MailAccount.builder(ADDRESS).password(password).host(MailProtocol.SMTP, "127.0.0.1").build();
    }

    /** {@code Policies.submission()}'s order, on the scripted servers' ports (465 and 587 need root). */
    private static Integrator submission(int implicitTlsPort, int startTlsPort) {
        return Integrator.builder().sslContext(CERTIFICATES.clientSslContext()).policy(account -> List.of(
                ProtocolCandidate.of(MailProtocol.SMTP, Security.IMPLICIT_TLS, account.host(MailProtocol.SMTP),
                        implicitTlsPort),
                ProtocolCandidate.of(MailProtocol.SMTP, Security.STARTTLS, account.host(MailProtocol.SMTP),
                        startTlsPort))).build();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        }
    }

    private void assertNothingSubmitted() {
        for (ScriptedSubmissionServer server : servers) {
            assertThat(server.verbs()).as("what reached port %d", server.port())
                    .doesNotContain("MAIL", "RCPT", "DATA", "BDAT");
        }
    }

    private static ProtocolCandidate candidate(IntegrationResult result, int index) {
        return result.chain().get(index);
    }

    @Test
    void both465And587UpSelects465() throws IOException {
        ScriptedSubmissionServer smtps = start(Script.overTls());
        ScriptedSubmissionServer submission = start(Script.startTls());

        IntegrationResult result = submission(smtps.port(), submission.port()).integrate(account(PASSWORD));

        assertThat(result.selected()).contains(candidate(result, 0));
        assertThat(result.attempt(candidate(result, 0)).orElseThrow().detail())
                .contains("accepted the credentials of " + ADDRESS);
        assertThat(smtps.verbs()).containsSubsequence("EHLO", "AUTH", "QUIT");
        assertThat(smtps.received().get(0).line()).as("a neutral EHLO name").isEqualTo("EHLO [127.0.0.1]");
        assertThat(result.explain()).startsWith(ADDRESS + " sends mail through SMTP over TLS (127.0.0.1:"
                + smtps.port() + ").");
        assertNothingSubmitted();
    }

    @Test
    void a465ThatRefusesFallsBackTo587WithStartTlsAndEhloAgain() throws IOException {
        ScriptedSubmissionServer submission = start(Script.startTls());
        int refused = closedPort();

        IntegrationResult result = submission(refused, submission.port()).integrate(account(PASSWORD));

        assertThat(result.selected()).contains(candidate(result, 1));
        assertThat(result.attempt(candidate(result, 0)).orElseThrow().outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(submission.verbs()).containsExactly("EHLO", "STARTTLS", "EHLO", "AUTH", "QUIT");
        assertThat(submission.received()).filteredOn(line -> line.line().startsWith("AUTH"))
                .allMatch(Received::overTls, "the credentials go only over TLS");
        assertNothingSubmitted();
    }

    @Test
    void theCertificateIsCheckedAgainstTheHostNameOnBothKindsOfTls() throws IOException {
        TestCertificates forTheName = TestCertificates.forHosts("localhost");
        TestCertificates forAnother = TestCertificates.forHosts("smtp.elsewhere.test");
        for (TestCertificates certificates : List.of(forTheName, forAnother)) {
            ScriptedSubmissionServer smtps = new ScriptedSubmissionServer(Script.overTls(), certificates, ADDRESS,
                    PASSWORD);
            ScriptedSubmissionServer submission = new ScriptedSubmissionServer(Script.startTls(), certificates,
                    ADDRESS, PASSWORD);
            servers.add(smtps);
            servers.add(submission);
            MailAccount account = MailAccount.builder(ADDRESS).password(PASSWORD).host(MailProtocol.SMTP, "localhost")
                    .build();
            for (ProtocolCandidate candidate : List.of(
                    ProtocolCandidate.of(MailProtocol.SMTP, Security.IMPLICIT_TLS, "localhost", smtps.port()),
                    ProtocolCandidate.of(MailProtocol.SMTP, Security.STARTTLS, "localhost", submission.port()))) {
                IntegrationResult result = Integrator.builder().sslContext(certificates.clientSslContext())
                        .policy(any -> List.of(candidate)).build().integrate(account);

                assertThat(result.attempts().get(0).outcome()).as("%s, certificate for %s: %s", candidate,
                        certificates.serverNames(), result.explain()).isEqualTo(certificates == forTheName
                                ? Outcome.AUTHENTICATED : Outcome.TLS_FAILED);
            }
            assertThat(submission.received()).filteredOn(line -> line.line().startsWith("AUTH"))
                    .allMatch(Received::overTls);
        }
        assertNothingSubmitted();
    }

    @Test
    void aServerThatOffersNoAuthIsNotVerified() throws IOException {
        ScriptedSubmissionServer smtps = start(Script.overTls().withoutAuth());
        ScriptedSubmissionServer submission = start(Script.startTls().withoutAuth());

        IntegrationResult result = submission(smtps.port(), submission.port()).integrate(account(PASSWORD));

        assertThat(result.isIntegrated()).isFalse();
        assertThat(result.attempts()).extracting(a -> a.outcome())
                .containsExactly(Outcome.AUTH_NOT_OFFERED, Outcome.AUTH_NOT_OFFERED);
        assertThat(result.attempts().get(0).detail()).contains("offered no way to sign in");
        assertThat(result.explain()).contains("cannot send mail", "would take mail without knowing who sends it");
        assertThat(smtps.verbs()).containsExactly("EHLO", "QUIT");
        assertThat(submission.verbs()).containsExactly("EHLO", "STARTTLS", "EHLO", "QUIT");
        assertThat(submission.received()).noneMatch(line -> line.line().contains(PASSWORD));
        assertNothingSubmitted();
    }

    @Test
    void aWrongPasswordIsAuthFailedOnEachCandidate() throws IOException {
        ScriptedSubmissionServer smtps = start(Script.overTls());
        ScriptedSubmissionServer submission = start(Script.startTls());

        IntegrationResult result = submission(smtps.port(), submission.port()).integrate(account("wrong-Password"));

        assertThat(result.isIntegrated()).isFalse();
        assertThat(result.attempts()).extracting(a -> a.outcome())
                .containsExactly(Outcome.AUTH_FAILED, Outcome.AUTH_FAILED);
        assertThat(result.attempts().get(0).detail()).contains("535 5.7.8", "reply code 535 5.7.8, RFC 4954")
                .doesNotContain("wrong-Password");
        assertNothingSubmitted();
    }

    @Test
    void startTlsStrippedWith465DownSendsNoPassword() throws IOException {
        ScriptedSubmissionServer stripped = start(Script.startTls().withoutStartTls().authBeforeTls());
        int refused = closedPort();

        IntegrationResult result = submission(refused, stripped.port()).integrate(account(PASSWORD));

        assertThat(result.isIntegrated()).isFalse();
        assertThat(result.attempts()).extracting(a -> a.outcome()).containsExactly(Outcome.REFUSED,
                Outcome.TLS_FAILED);
        assertThat(Explanation.Cause.of(result.attempts().get(1))).isEqualTo(Explanation.Cause.STARTTLS_NOT_OFFERED);
        assertThat(stripped.verbs()).doesNotContain("AUTH");
        assertThat(stripped.received()).noneMatch(line -> line.line().contains(PASSWORD)
                || line.line().contains(java.util.Base64.getEncoder().encodeToString(
                        ("\0" + ADDRESS + "\0" + PASSWORD).getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        assertNothingSubmitted();
    }

    @Test
    void anAcceptedTokenSelects465AndARejectedOneIsNotAWrongPassword() throws IOException {
        ScriptedSubmissionServer smtps = start(Script.overTls().withAuth("PLAIN LOGIN XOAUTH2 OAUTHBEARER"));
        int refused = closedPort();
        MailAccount good = MailAccount.builder(ADDRESS).accessToken(PASSWORD).host(MailProtocol.SMTP, "127.0.0.1")
                .build();
        MailAccount expired = MailAccount.builder(ADDRESS).accessToken("expired-Token-1")
                .host(MailProtocol.SMTP, "127.0.0.1").build();

        IntegrationResult accepted = submission(smtps.port(), refused).integrate(good);
        IntegrationResult rejected = submission(smtps.port(), refused).integrate(expired);

        assertThat(accepted.selected()).contains(candidate(accepted, 0));
        assertThat(rejected.attempts().get(0).outcome()).isEqualTo(Outcome.TOKEN_REJECTED);
        assertThat(rejected.attempts().get(0).detail()).contains("OAUTHBEARER", "status 400")
                .doesNotContain("expired-Token-1");
        assertThat(smtps.received()).filteredOn(line -> line.line().startsWith("AUTH"))
                .allMatch(line -> line.line().startsWith("AUTH OAUTHBEARER "), "the standard mechanism first");
        assertNothingSubmitted();
    }

    @Test
    void aBusyGreetingIsBusy() throws IOException {
        ScriptedSubmissionServer busy = start(Script.overTls().greeting("421 4.7.0 smtp.example.test Error: "
                + "too many connections"));
        int refused = closedPort();

        IntegrationResult result = Integrator.builder().sslContext(CERTIFICATES.clientSslContext())
                .busyRetryWindow(java.time.Duration.ZERO)
                .policy(account -> List.of(ProtocolCandidate.of(MailProtocol.SMTP, Security.IMPLICIT_TLS,
                        "127.0.0.1", busy.port()), ProtocolCandidate.of(MailProtocol.SMTP, Security.STARTTLS,
                        "127.0.0.1", refused))).build().integrate(account(PASSWORD));

        assertThat(result.attempts().get(0).outcome()).isEqualTo(Outcome.BUSY);
        assertThat(result.attempts().get(0).detail()).contains("reply code 421 4.7.0");
        assertNothingSubmitted();
    }

    @Test
    void aCleartextCandidateThatMustStartTlsFirstIsTlsRequired() throws IOException {
        ScriptedSubmissionServer server = start(Script.startTls().authBeforeTls()
                .answeringAuth("530 5.7.0 Must issue a STARTTLS command first"));

        IntegrationResult result = Integrator.builder().policy(account -> List.of(ProtocolCandidate.of(
                MailProtocol.SMTP, Security.NONE, "127.0.0.1", server.port()))).build().integrate(account(PASSWORD));

        assertThat(result.attempts().get(0).outcome()).isEqualTo(Outcome.TLS_REQUIRED);
        assertNothingSubmitted();
    }

    @Test
    void openTransportGivesASignedInTransportForTheSelectedCandidateOnly() throws Exception {
        ScriptedSubmissionServer smtps = start(Script.overTls());
        Integrator integrator = submission(smtps.port(), closedPort());
        MailAccount account = account(PASSWORD);
        IntegrationResult result = integrator.integrate(account);
        int before = smtps.verbs().size();

        try (Transport transport = JakartaMail.openTransport(integrator, account, result)) {
            assertThat(smtps.verbs().subList(before, smtps.verbs().size())).containsExactly("EHLO", "AUTH");
            assertThat(transport.isConnected()).as("Angus asks the server with NOOP").isTrue();
        }

        IntegrationResult nothing = submission(closedPort(), closedPort()).integrate(account);
        assertThatThrownBy(() -> JakartaMail.openTransport(integrator, account, nothing))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("selected no candidate");
        assertNothingSubmitted();
    }

    @Test
    void openTransportFailsOnAServerThatOffersNoAuthInsteadOfAtTheFirstMessage() throws Exception {
        ScriptedSubmissionServer open = start(Script.overTls().withoutAuth());
        ProtocolCandidate smtps = ProtocolCandidate.of(MailProtocol.SMTP, Security.IMPLICIT_TLS, "127.0.0.1",
                open.port());
        Integrator integrator = Integrator.builder().sslContext(CERTIFICATES.clientSslContext())
                .policy(account -> List.of(smtps)).build();
        IntegrationResult claimed = IntegrationResult.of(ADDRESS, List.of(org.mailintegrator.core.Attempt.of(smtps,
                Outcome.AUTHENTICATED, java.time.Duration.ZERO, "by hand")), java.time.Duration.ZERO);

        assertThatThrownBy(() -> JakartaMail.openTransport(integrator, account(PASSWORD), claimed))
                .isInstanceOf(jakarta.mail.MessagingException.class).hasMessageContaining("offers no AUTH");
        assertThat(open.verbs()).containsExactly("EHLO", "QUIT");
    }

    @Test
    void greenMailSmtpChecksThePasswordOnACleartextCandidateThePolicyLists() {
        ServerSetup smtp = new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
        GreenMail greenMail = new GreenMail(smtp).withConfiguration(GreenMailConfiguration.aConfig()
                .withUser(ADDRESS, ADDRESS, PASSWORD));
        greenMail.start();
        try {
            int port = greenMail.getSmtp().getPort();
            Integrator integrator = Integrator.builder().policy(account -> List.of(ProtocolCandidate.of(
                    MailProtocol.SMTP, Security.NONE, "127.0.0.1", port))).build();

            IntegrationResult right = integrator.integrate(account(PASSWORD));
            IntegrationResult wrong = integrator.integrate(account("wrong-Password"));

            assertThat(right.isIntegrated()).as(right.explain()).isTrue();
            assertThat(right.explain()).contains("sends mail through SMTP without TLS", "the password travels "
                    + "unprotected");
            assertThat(wrong.attempts().get(0).outcome()).as(wrong.explain()).isEqualTo(Outcome.AUTH_FAILED);
            assertThat(greenMail.getReceivedMessages()).as("nothing was submitted").isEmpty();
        } finally {
            greenMail.stop();
        }
    }

    @Test
    void bothDirectionsTogetherSelectImapsAndSmtpsAndRoundTripAsOne() throws IOException {
        try (MailServerFixture incoming = MailServerFixture.builder().certificates(CERTIFICATES)
                .user(ADDRESS, PASSWORD).start()) {
            ScriptedSubmissionServer smtps = start(Script.overTls());
            ProtocolCandidate imaps = ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS,
                    incoming.host(), incoming.port(Service.IMAPS));
            Integrator reading = Integrator.builder().sslContext(CERTIFICATES.clientSslContext())
                    .policy(account -> List.of(imaps)).build();
            Integrator sending = submission(smtps.port(), closedPort());
            MailAccount account = incoming.account(ADDRESS).toBuilder().host(MailProtocol.SMTP, "127.0.0.1")
                    .build();

            IntegrationPair both = IntegrationPair.integrate(reading, sending, account);

            assertThat(both.isIntegrated()).as(both.explain()).isTrue();
            assertThat(both.incoming().selected()).contains(imaps);
            assertThat(both.outgoing().selected().orElseThrow().port()).isEqualTo(smtps.port());
            assertThat(both.explain()).contains("is set up with IMAP over TLS", "sends mail through SMTP over TLS");
            IntegrationPair saved = IntegrationPair.fromJson(both.toJson());
            assertThat(saved.toJson()).isEqualTo(both.toJson());
            assertThat(saved.outgoing().selected()).isEqualTo(both.outgoing().selected());

            IntegrationPair again = IntegrationPair.integrate(reading, sending, account, saved);

            assertThat(again.incoming().selected()).contains(imaps);
            assertThat(again.outgoing().selected()).isEqualTo(both.outgoing().selected());
            assertNothingSubmitted();
        }
    }

    @Test
    void bothDirectionsTogetherTakeAboutAsLongAsTheSlowerAlone() throws IOException {
        try (MailServerFixture incoming = MailServerFixture.builder().certificates(CERTIFICATES)
                .user(ADDRESS, PASSWORD).fault(Service.IMAPS, org.mailintegrator.testkit.Fault.slow(
                        java.time.Duration.ofMillis(60))).start()) {
            ScriptedSubmissionServer smtps = start(Script.overTls().greetingAfter(java.time.Duration.ofMillis(700)));
            Integrator reading = Integrator.builder().sslContext(CERTIFICATES.clientSslContext())
                    .policy(account -> List.of(ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS,
                            incoming.host(), incoming.port(Service.IMAPS)))).build();
            Integrator sending = submission(smtps.port(), closedPort());
            MailAccount account = incoming.account(ADDRESS).toBuilder().host(MailProtocol.SMTP, "127.0.0.1")
                    .build();

            long readingAlone = millis(() -> reading.integrate(account).isIntegrated());
            long sendingAlone = millis(() -> sending.integrate(account).isIntegrated());
            long together = millis(() -> IntegrationPair.integrate(reading, sending, account).isIntegrated());

            String measured = String.format("reading alone %d ms, sending alone %d ms, together %d ms", readingAlone,
                    sendingAlone, together);
            assertThat(together).as(measured).isLessThan((readingAlone + sendingAlone) * 4 / 5)
                    .isLessThan(Math.max(readingAlone, sendingAlone) * 3 / 2);
            assertNothingSubmitted();
        }
    }

    /** How long {@code integration} took, in milliseconds; it must succeed. */
    private static long millis(java.util.function.BooleanSupplier integration) {
        long start = System.nanoTime();
        assertThat(integration.getAsBoolean()).as("integrated").isTrue();
        return (System.nanoTime() - start) / 1_000_000;
    }
}
