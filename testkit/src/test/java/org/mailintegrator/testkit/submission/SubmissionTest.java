package org.mailintegrator.testkit.submission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.Transport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.mailintegrator.core.Attempt;
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
import org.mailintegrator.core.PreferencePolicy;
import org.mailintegrator.testkit.Fault;
import org.mailintegrator.testkit.HostileBehaviour;
import org.mailintegrator.testkit.HostileMailServer;
import org.mailintegrator.testkit.MailIntegratorAssertions;
import org.mailintegrator.testkit.MailServerFixture;
import org.mailintegrator.testkit.ReceivedCommand;
import org.mailintegrator.testkit.Service;
import org.mailintegrator.testkit.StartTls;
import org.mailintegrator.testkit.TestCertificates;

/**
 * SMTP submission through the engine against the testkit's servers, on real sockets with real TLS: the fixture's
 * {@link Service#SMTPS} (465) and {@link Service#SMTP} (587, STARTTLS) in front of GreenMail, and the hostile SMTP
 * behaviours. These are the rows of the outgoing table that a test on one machine can show. Whatever happens, no
 * {@code MAIL}, {@code RCPT} or {@code DATA} reaches a server: the library verifies a submission server by signing
 * in, never by sending.
 */
@Timeout(value = 60, threadMode = ThreadMode.SEPARATE_THREAD)
class SubmissionTest {
    private static final String ADDRESS = "alice@example.test";
    private static final String PASSWORD = "submission-Secret-1";

    /** {@code Policies.submission()}'s order (the strategies module is not a dependency of the testkit). */
    private static final PreferencePolicy SUBMISSION = account -> List.of(
            ProtocolCandidate.of(MailProtocol.SMTP, Security.IMPLICIT_TLS, account.host(MailProtocol.SMTP), 465),
            ProtocolCandidate.of(MailProtocol.SMTP, Security.STARTTLS, account.host(MailProtocol.SMTP), 587));

    private static MailServerFixture.Builder fixture() {
        return MailServerFixture.builder().user(ADDRESS, PASSWORD);
    }

    /** {@link #SUBMISSION}, routed to the fixture's SMTPS and SMTP services. */
    private static Integrator submission(MailServerFixture server) {
        return Integrator.builder().sslContext(server.clientSslContext())
                .policy(server.route(SUBMISSION)).build();
    }

    private static MailAccount account(MailServerFixture server, String password) {
        return server.account(ADDRESS).toBuilder().password(password).build();
    }

    private static List<String> verbs(List<ReceivedCommand> received) {
        return received.stream().map(command -> command.line().split(" ", 2)[0].toUpperCase(Locale.ROOT)).toList();
    }

    private static Integrator only(HostileMailServer server, Security security) {
        return Integrator.builder().sslContext(server.clientSslContext()).busyRetryWindow(Duration.ZERO)
                .policy(account -> List.of(server.candidate(security))).build();
    }

    @Test
    void both465And587UpSelects465() {
        try (MailServerFixture server = fixture().start()) {
            IntegrationResult result = submission(server).integrate(account(server, PASSWORD));

            assertThat(result.selected().orElseThrow().port()).isEqualTo(server.port(Service.SMTPS));
            assertThat(result.attempts().get(0).detail()).contains("accepted the credentials of " + ADDRESS);
            assertThat(verbs(server.received(Service.SMTPS))).containsExactly("EHLO", "AUTH", "QUIT");
            assertThat(server.received(Service.SMTPS).get(0).line()).as("a neutral EHLO name")
                    .isEqualTo("EHLO [127.0.0.1]");
            assertThat(result.explain()).startsWith(ADDRESS + " sends mail through SMTP over TLS (127.0.0.1:"
                    + server.port(Service.SMTPS) + ").");
            MailIntegratorAssertions.assertThat(server).submittedNoMessage().neverReceivedInCleartext(PASSWORD);
        }
    }

    @Test
    void a465ThatRefusesFallsBackTo587WithStartTlsAndEhloAgain() {
        try (MailServerFixture server = fixture().stopped(Service.SMTPS).start()) {
            IntegrationResult result = submission(server).integrate(account(server, PASSWORD));

            assertThat(result.selected().orElseThrow().port()).isEqualTo(server.port(Service.SMTP));
            assertThat(result.attempts().get(0).outcome()).isEqualTo(Outcome.REFUSED);
            assertThat(verbs(server.received(Service.SMTP))).containsExactly("EHLO", "STARTTLS", "EHLO", "AUTH",
                    "QUIT");
            assertThat(server.received(Service.SMTP)).filteredOn(line -> line.line().startsWith("AUTH"))
                    .allMatch(ReceivedCommand::overTls, "the credentials go only over TLS");
            MailIntegratorAssertions.assertThat(server).submittedNoMessage().neverReceivedInCleartext(PASSWORD);
        }
    }

    @Test
    void a465DroppedByAFirewallFallsBackTo587WithinTheConnectTimeoutAndTheWinnersOwnTime() {
        Duration connectTimeout = Duration.ofSeconds(1);
        try (MailServerFixture server = fixture().fault(Service.SMTPS, Fault.DROP).start()) {
            ProtocolCandidate startTls = ProtocolCandidate.of(MailProtocol.SMTP, Security.STARTTLS, server.host(),
                    server.port(Service.SMTP));
            Integrator alone = Integrator.builder().sslContext(server.clientSslContext())
                    .policy(account -> List.of(startTls)).build();
            Integrator both = Integrator.builder().sslContext(server.clientSslContext())
                    .connectTimeout(connectTimeout).policy(server.route(SUBMISSION)).build();
            MailAccount account = account(server, PASSWORD);
            alone.integrate(account);   // warm: the first TLS handshake of a JVM costs more than the others

            Duration winnerAlone = alone.integrate(account).elapsed();
            IntegrationResult result = both.integrate(account);

            assertThat(result.selected()).contains(startTls);
            assertThat(result.attempts().get(0).outcome()).isEqualTo(Outcome.TIMED_OUT);
            assertThat(result.elapsed()).as("winner alone %d ms", winnerAlone.toMillis())
                    .isLessThanOrEqualTo(connectTimeout.plus(winnerAlone).multipliedBy(11).dividedBy(10));
            MailIntegratorAssertions.assertThat(server).submittedNoMessage();
        }
    }

    @Test
    void theCertificateIsCheckedAgainstTheHostNameOnBothKindsOfTls() {
        for (TestCertificates certificates : List.of(TestCertificates.forHosts("localhost"),
                TestCertificates.forHosts("smtp.elsewhere.test"))) {
            boolean matches = certificates.serverNames().contains("localhost");
            try (MailServerFixture server = fixture().certificates(certificates).start()) {
                for (Service service : List.of(Service.SMTPS, Service.SMTP)) {
                    ProtocolCandidate candidate = ProtocolCandidate.of(MailProtocol.SMTP,
                            service == Service.SMTPS ? Security.IMPLICIT_TLS : Security.STARTTLS, "localhost",
                            server.port(service));
                    IntegrationResult result = Integrator.builder().sslContext(server.clientSslContext())
                            .policy(any -> List.of(candidate)).build().integrate(account(server, PASSWORD));

                    assertThat(result.attempts().get(0).outcome()).as("%s, certificate for %s: %s", candidate,
                            certificates.serverNames(), result.explain())
                            .isEqualTo(matches ? Outcome.AUTHENTICATED : Outcome.TLS_FAILED);
                }
                MailIntegratorAssertions.assertThat(server).submittedNoMessage().neverReceivedInCleartext(PASSWORD);
            }
        }
    }

    @Test
    void aServerThatOffersNoAuthIsNotVerified() {
        try (HostileMailServer smtps = HostileMailServer.builder(Service.SMTPS, HostileBehaviour.AUTH_NOT_OFFERED)
                        .user(ADDRESS, PASSWORD).start();
                HostileMailServer submission = HostileMailServer.builder(Service.SMTP,
                        HostileBehaviour.AUTH_NOT_OFFERED).certificates(smtps.certificates()).user(ADDRESS, PASSWORD)
                        .start()) {
            IntegrationResult result = Integrator.builder().sslContext(smtps.clientSslContext())
                    .policy(account -> List.of(smtps.candidate(Security.IMPLICIT_TLS),
                            submission.candidate(Security.STARTTLS))).build().integrate(smtps.account(ADDRESS));

            assertThat(result.isIntegrated()).isFalse();
            assertThat(result.attempts()).extracting(Attempt::outcome)
                    .containsExactly(Outcome.AUTH_NOT_OFFERED, Outcome.AUTH_NOT_OFFERED);
            assertThat(result.attempts().get(0).detail()).contains("offered no way to sign in");
            assertThat(result.explain()).contains("cannot send mail", "would take mail without knowing who sends it");
            assertThat(verbs(smtps.received())).containsExactly("EHLO", "QUIT");
            assertThat(verbs(submission.received())).containsExactly("EHLO", "STARTTLS", "EHLO", "QUIT");
            assertThat(smtps.logins() + submission.logins()).isZero();
            MailIntegratorAssertions.assertThat(smtps).submittedNoMessage();
            MailIntegratorAssertions.assertThat(submission).submittedNoMessage();
        }
    }

    @Test
    void aWrongPasswordIsAuthFailedOnEachCandidate() {
        try (MailServerFixture server = fixture().start()) {
            IntegrationResult result = submission(server).integrate(account(server, "wrong-Password"));

            assertThat(result.isIntegrated()).isFalse();
            assertThat(result.attempts()).extracting(Attempt::outcome)
                    .containsExactly(Outcome.AUTH_FAILED, Outcome.AUTH_FAILED);
            assertThat(result.attempts().get(0).detail()).contains("535").doesNotContain("wrong-Password");
            MailIntegratorAssertions.assertThat(server).submittedNoMessage();
        }
    }

    @Test
    void startTlsStrippedWith465DownSendsNoPassword() {
        try (MailServerFixture server = fixture().stopped(Service.SMTPS).startTls(StartTls.NOT_OFFERED).start()) {
            IntegrationResult result = submission(server).integrate(account(server, PASSWORD));

            assertThat(result.isIntegrated()).isFalse();
            assertThat(result.attempts()).extracting(Attempt::outcome).containsExactly(Outcome.REFUSED,
                    Outcome.TLS_FAILED);
            assertThat(Explanation.Cause.of(result.attempts().get(1)))
                    .isEqualTo(Explanation.Cause.STARTTLS_NOT_OFFERED);
            assertThat(server.logins()).isZero();
            MailIntegratorAssertions.assertThat(server).submittedNoMessage().neverReceivedInCleartext(PASSWORD);
        }
    }

    @Test
    void anAcceptedTokenSelects465AndARejectedOneIsNotAWrongPassword() {
        String token = "ya29.submission-Token-1";
        try (MailServerFixture server = MailServerFixture.builder().user(ADDRESS, token).start();
                HostileMailServer gmail = HostileMailServer.builder(Service.SMTPS, HostileBehaviour.TOKEN_CHALLENGE)
                        .user(ADDRESS, token).start()) {
            IntegrationResult accepted = submission(server).integrate(MailAccount.builder(ADDRESS).accessToken(token)
                    .host(server.host()).build());
            IntegrationResult rejected = only(gmail, Security.IMPLICIT_TLS).integrate(MailAccount.builder(ADDRESS)
                    .accessToken("expired-Token-1").host(gmail.host()).build());

            assertThat(accepted.selected().orElseThrow().port()).isEqualTo(server.port(Service.SMTPS));
            assertThat(rejected.attempts().get(0).outcome()).as(rejected.explain()).isEqualTo(Outcome.TOKEN_REJECTED);
            assertThat(rejected.attempts().get(0).detail()).contains("status 401").doesNotContain("expired-Token-1");
            MailIntegratorAssertions.assertThat(server).submittedNoMessage();
            MailIntegratorAssertions.assertThat(gmail).submittedNoMessage();
        }
    }

    @Test
    void providersRepliesAreClassifiedByRule() {
        record Row(HostileBehaviour behaviour, Outcome outcome, Explanation.Cause cause, String detail) {
        }
        List<Row> rows = List.of(
                new Row(HostileBehaviour.BUSY_GREETING, Outcome.BUSY, Explanation.Cause.BUSY, "421 4.7.0"),
                new Row(HostileBehaviour.BUSY, Outcome.BUSY, Explanation.Cause.BUSY, "454 4.7.0"),
                new Row(HostileBehaviour.APP_PASSWORD_REQUIRED, Outcome.APP_PASSWORD_REQUIRED,
                        Explanation.Cause.APP_PASSWORD_REQUIRED, "5.7.9"),
                new Row(HostileBehaviour.BASIC_AUTH_DISABLED, Outcome.SERVICE_DISABLED,
                        Explanation.Cause.SERVICE_DISABLED, "5.7.139"));
        for (Row row : rows) {
            try (HostileMailServer server = HostileMailServer.builder(Service.SMTPS, row.behaviour())
                    .user(ADDRESS, PASSWORD).start()) {
                Attempt attempt = only(server, Security.IMPLICIT_TLS).integrate(server.account(ADDRESS)).attempts()
                        .get(0);

                assertThat(attempt.outcome()).as("%s: %s", row.behaviour(), attempt.detail()).isEqualTo(row.outcome());
                assertThat(Explanation.Cause.of(attempt)).as(row.behaviour().name()).isEqualTo(row.cause());
                assertThat(attempt.detail()).contains(row.detail()).doesNotContain(PASSWORD);
                MailIntegratorAssertions.assertThat(server).submittedNoMessage();
            }
        }
    }

    @Test
    void aCleartextCandidateThatMustStartTlsFirstIsTlsRequired() {
        try (HostileMailServer server = HostileMailServer.builder(Service.SMTP, HostileBehaviour.STARTTLS_FIRST)
                .user(ADDRESS, PASSWORD).start()) {
            IntegrationResult result = only(server, Security.NONE).integrate(server.account(ADDRESS));

            assertThat(result.attempts().get(0).outcome()).isEqualTo(Outcome.TLS_REQUIRED);
            MailIntegratorAssertions.assertThat(server).submittedNoMessage();
        }
    }

    @Test
    void hostileSubmissionServersEndInAnOutcomeNeverAHang() {
        for (HostileBehaviour behaviour : List.of(HostileBehaviour.ENDLESS_LINE, HostileBehaviour.GARBAGE_BANNER,
                HostileBehaviour.TRICKLER, HostileBehaviour.STARTTLS_REFUSED, HostileBehaviour.STARTTLS_STRIPPED)) {
            Service service = behaviour.name().startsWith("STARTTLS") ? Service.SMTP : Service.SMTPS;
            try (HostileMailServer server = HostileMailServer.builder(service, behaviour).user(ADDRESS, PASSWORD)
                    .start()) {
                IntegrationResult result = Integrator.builder().sslContext(server.clientSslContext())
                        .readTimeout(Duration.ofSeconds(2)).attemptTimeout(Duration.ofSeconds(5))
                        .busyRetryWindow(Duration.ZERO)
                        .policy(account -> List.of(server.candidate(service == Service.SMTPS ? Security.IMPLICIT_TLS
                                : Security.STARTTLS))).build().integrate(server.account(ADDRESS));

                assertThat(result.isIntegrated()).as(behaviour.name()).isFalse();
                assertThat(result.attempts().get(0).outcome()).as(behaviour.name())
                        .isEqualTo(expectedFor(behaviour));
                MailIntegratorAssertions.assertThat(server).submittedNoMessage().neverReceivedInCleartext(PASSWORD);
            }
        }
    }

    private static Outcome expectedFor(HostileBehaviour behaviour) {
        return switch (behaviour) {
            case ENDLESS_LINE, GARBAGE_BANNER -> Outcome.PROTOCOL_ERROR;
            case TRICKLER -> Outcome.TIMED_OUT;
            // 454 4.7.0 to STARTTLS is a temporary refusal, retried like a busy server
            case STARTTLS_REFUSED -> Outcome.BUSY;
            default -> Outcome.TLS_FAILED;
        };
    }

    @Test
    void aClientThatSendsMailBeforeSigningInIsRefusedAndTheAssertionSeesIt() throws IOException {
        try (MailServerFixture server = fixture().start();
                Socket socket = new Socket(server.host(), server.port(Service.SMTP))) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII));
            OutputStream out = socket.getOutputStream();
            assertThat(in.readLine()).startsWith("220");
            out.write("EHLO naive.test\r\n".getBytes(StandardCharsets.US_ASCII));
            String line;
            StringBuilder ehlo = new StringBuilder();
            do {
                line = in.readLine();
                ehlo.append(line).append('\n');
            } while (line != null && line.charAt(3) == '-');
            out.write("MAIL FROM:<alice@example.test>\r\n".getBytes(StandardCharsets.US_ASCII));

            assertThat(ehlo.toString()).contains("250 STARTTLS");
            assertThat(in.readLine()).isEqualTo("530 5.7.0 Authentication required");
            assertThatThrownBy(() -> MailIntegratorAssertions.assertThat(server).submittedNoMessage())
                    .isInstanceOf(AssertionError.class).hasMessageContaining("[MAIL]");
        }
    }

    @Test
    void openTransportGivesASignedInTransportForTheSelectedCandidateOnly() throws Exception {
        try (MailServerFixture server = fixture().start()) {
            Integrator integrator = submission(server);
            MailAccount account = account(server, PASSWORD);
            IntegrationResult result = integrator.integrate(account);
            int before = server.received(Service.SMTPS).size();

            try (Transport transport = JakartaMail.openTransport(integrator, account, result)) {
                List<String> verbs = verbs(server.received(Service.SMTPS));
                assertThat(verbs.subList(before, verbs.size())).startsWith("EHLO", "AUTH");
                assertThat(transport.isConnected()).as("Angus asks the server with NOOP").isTrue();
            }

            server.stop(Service.SMTPS);
            server.stop(Service.SMTP);
            IntegrationResult nothing = integrator.integrate(account);
            assertThatThrownBy(() -> JakartaMail.openTransport(integrator, account, nothing))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("selected no candidate");
            MailIntegratorAssertions.assertThat(server).submittedNoMessage();
        }
    }

    @Test
    void openTransportFailsOnAServerThatOffersNoAuthInsteadOfAtTheFirstMessage() {
        try (HostileMailServer open = HostileMailServer.builder(Service.SMTPS, HostileBehaviour.AUTH_NOT_OFFERED)
                .user(ADDRESS, PASSWORD).start()) {
            ProtocolCandidate smtps = open.candidate(Security.IMPLICIT_TLS);
            Integrator integrator = only(open, Security.IMPLICIT_TLS);
            IntegrationResult claimed = IntegrationResult.of(ADDRESS, List.of(Attempt.of(smtps,
                    Outcome.AUTHENTICATED, Duration.ZERO, "by hand")), Duration.ZERO);

            assertThatThrownBy(() -> JakartaMail.openTransport(integrator, open.account(ADDRESS), claimed))
                    .isInstanceOf(jakarta.mail.MessagingException.class).hasMessageContaining("offers no AUTH");
            assertThat(verbs(open.received())).containsExactly("EHLO", "QUIT");
        }
    }

    @Test
    void aCleartextCandidateThePolicyListsSignsInWithTheWarningWording() {
        try (MailServerFixture server = fixture().start()) {
            Integrator integrator = Integrator.builder().policy(account -> List.of(ProtocolCandidate.of(
                    MailProtocol.SMTP, Security.NONE, server.host(), server.port(Service.SMTP)))).build();

            IntegrationResult right = integrator.integrate(account(server, PASSWORD));
            IntegrationResult wrong = integrator.integrate(account(server, "wrong-Password"));

            assertThat(right.isIntegrated()).as(right.explain()).isTrue();
            assertThat(right.explain()).contains("sends mail through SMTP without TLS", "the password travels "
                    + "unprotected");
            assertThat(wrong.attempts().get(0).outcome()).as(wrong.explain()).isEqualTo(Outcome.AUTH_FAILED);
            MailIntegratorAssertions.assertThat(server).submittedNoMessage();
        }
    }

    @Test
    void bothDirectionsTogetherSelectImapsAndSmtpsAndRoundTripAsOne() {
        try (MailServerFixture server = fixture().start()) {
            Integrator reading = Integrator.builder().sslContext(server.clientSslContext())
                    .policy(server.route(account -> List.of(ProtocolCandidate.of(MailProtocol.IMAP,
                            Security.IMPLICIT_TLS, account.host(MailProtocol.IMAP), 993)))).build();
            Integrator sending = submission(server);
            MailAccount account = account(server, PASSWORD);

            IntegrationPair both = IntegrationPair.integrate(reading, sending, account);

            assertThat(both.isIntegrated()).as(both.explain()).isTrue();
            assertThat(both.incoming().selected().orElseThrow().port()).isEqualTo(server.port(Service.IMAPS));
            assertThat(both.outgoing().selected().orElseThrow().port()).isEqualTo(server.port(Service.SMTPS));
            assertThat(both.explain()).contains("is set up with IMAP over TLS", "sends mail through SMTP over TLS");
            IntegrationPair saved = IntegrationPair.fromJson(both.toJson());
            assertThat(saved.toJson()).isEqualTo(both.toJson());

            IntegrationPair again = IntegrationPair.integrate(reading, sending, account, saved);

            assertThat(again.incoming().selected()).isEqualTo(both.incoming().selected());
            assertThat(again.outgoing().selected()).isEqualTo(both.outgoing().selected());
            MailIntegratorAssertions.assertThat(server).submittedNoMessage();
        }
    }

    @Test
    void bothDirectionsTogetherTakeAboutAsLongAsTheSlowerAlone() {
        try (MailServerFixture server = fixture().fault(Service.IMAPS, Fault.slow(Duration.ofMillis(60)))
                .fault(Service.SMTPS, Fault.slow(Duration.ofMillis(150))).start()) {
            Integrator reading = Integrator.builder().sslContext(server.clientSslContext())
                    .policy(account -> List.of(ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS,
                            server.host(), server.port(Service.IMAPS)))).build();
            Integrator sending = Integrator.builder().sslContext(server.clientSslContext())
                    .policy(account -> List.of(ProtocolCandidate.of(MailProtocol.SMTP, Security.IMPLICIT_TLS,
                            server.host(), server.port(Service.SMTPS)))).build();
            MailAccount account = account(server, PASSWORD);

            long readingAlone = millis(() -> reading.integrate(account).isIntegrated());
            long sendingAlone = millis(() -> sending.integrate(account).isIntegrated());
            long together = millis(() -> IntegrationPair.integrate(reading, sending, account).isIntegrated());

            String measured = String.format("reading alone %d ms, sending alone %d ms, together %d ms", readingAlone,
                    sendingAlone, together);
            assertThat(together).as(measured).isLessThan((readingAlone + sendingAlone) * 4 / 5)
                    .isLessThan(Math.max(readingAlone, sendingAlone) * 3 / 2);
            MailIntegratorAssertions.assertThat(server).submittedNoMessage();
        }
    }

    /** How long {@code integration} took, in milliseconds; it must succeed. */
    private static long millis(java.util.function.BooleanSupplier integration) {
        long start = System.nanoTime();
        assertThat(integration.getAsBoolean()).as("integrated").isTrue();
        return (System.nanoTime() - start) / 1_000_000;
    }
}
