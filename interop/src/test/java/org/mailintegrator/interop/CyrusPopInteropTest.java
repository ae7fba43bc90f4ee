package org.mailintegrator.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailintegrator.interop.MailListener.IMAP;
import static org.mailintegrator.interop.MailListener.IMAPS;
import static org.mailintegrator.interop.MailListener.POP3;
import static org.mailintegrator.interop.MailListener.POP3S;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.strategies.Policies;
import org.mailintegrator.testkit.TestCertificates;

/**
 * Issue 18 (b) and (c): Cyrus POP3's login delay and its refusal of cleartext passwords.
 *
 * <p>(b) Debian's imapd.conf sets {@code popminpoll: 1}: pop3d advertises {@code LOGIN-DELAY 60} in CAPA and
 * answers a login less than a minute after the last one of the same mailbox with {@code -ERR [LOGIN-DELAY] Logins
 * must be at least 1 minute apart} (RFC 2449's response code for "not now"). A second integration right after the
 * first must not call that a wrong password, nor log in over cleartext POP3 in its place.
 *
 * <p>(c) With {@code allowplaintext: no} (Cyrus's compiled-in default; Debian's file says yes), POP3 on 110 lists
 * {@code STLS} and no {@code USER} in CAPA and answers {@code USER} with {@code -ERR [AUTH] USER command only
 * available under a layer}; IMAP on 143 advertises {@code LOGINDISABLED}. Such a server requires TLS before
 * credentials: not a wrong password.
 *
 * <p>The {@code cyrus...Says...} tests record the server's behaviour and pass; the {@code ...Integration...} tests
 * assert the correct behaviour of the library and fail until the engine is fixed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CyrusPopInteropTest {
    private static final String HOST = "127.0.0.1";
    private static final String EMAIL = "alice@example.test";
    private static final String USER = "alice";
    private static final String PASSWORD = "alice-secret";
    private static final Duration LOG_WAIT = Duration.ofSeconds(10);
    private static final TestCertificates CERTS = TestCertificates.forHosts(HOST, "localhost");

    @Test
    void cyrusSaysLoginDelayToASecondPopLoginWithinAMinute() {
        try (CyrusServer cyrus = CyrusServer.builder().user(USER, PASSWORD).tls(CERTS).start()) {
            assertThat(cyrus.imapdConf()).contains("\npopminpoll: 1\n");
            String first;
            try (LineTranscript session = LineTranscript.connect(HOST, cyrus.port(POP3S), CERTS.clientSslContext(),
                    Duration.ofSeconds(5))) {
                session.read();
                assertThat(session.multiLine("CAPA")).contains("LOGIN-DELAY 60", "RESP-CODES", "USER");
                session.command("USER " + USER);
                assertThat(session.command("PASS " + PASSWORD)).startsWith("+OK Mailbox locked and ready");
                session.command("QUIT");
                first = session.toString();
            }
            String second;
            try (LineTranscript session = LineTranscript.connect(HOST, cyrus.port(POP3S), CERTS.clientSslContext(),
                    Duration.ofSeconds(5))) {
                session.read();
                session.command("USER " + USER);
                assertThat(session.command("PASS " + PASSWORD))
                        .isEqualTo("-ERR [LOGIN-DELAY] Logins must be at least 1 minute apart");
                session.command("QUIT");
                second = session.toString();
            }
            System.out.println("Cyrus POP3S, first login:\n" + first + "\nCyrus POP3S, second login right after:\n"
                    + second);
            List<String> logged = cyrus.awaitLogLines("the login delay",
                    CyrusServer.from(POP3S).and(line -> line.endsWith("user.alice: Logins must be at least 1 minute "
                            + "apart")), 1, LOG_WAIT);
            System.out.println("Cyrus's log: " + logged);
            // Cyrus checked the password and logged the login before it refused the session
            assertThat(cyrus.logLines()).filteredOn(CyrusServer.from(POP3S)
                    .and(line -> line.contains(" login: ") && line.contains(" alice plaintext+TLS User logged in")))
                    .hasSize(2);
        }
    }

    @Test
    void aSecondPopIntegrationWithinCyrusLoginDelayIsNotAWrongPasswordAndNeverFallsBackToCleartext() {
        try (CyrusServer cyrus = CyrusServer.builder().user(USER, PASSWORD).tls(CERTS).stop(IMAP, IMAPS).start()) {
            Integrator integrator = CyrusInteropTest.integrator(cyrus, Policies.popOnly(), CERTS);
            MailAccount alice = MailAccount.builder(EMAIL).username(USER).password(PASSWORD).host(HOST).build();

            IntegrationResult first = integrator.integrate(alice);
            IntegrationResult second = integrator.integrate(alice);

            String both = "first:\n" + first + "\nsecond:\n" + second + "\nCyrus's log, pop3s and pop3:\n"
                    + String.join("\n", cyrus.logLines().stream()
                            .filter(CyrusServer.from(POP3S).or(CyrusServer.from(POP3))).toList());
            System.out.println("Cyrus (popminpoll: 1), two Policies.popOnly() integrations in a row:\n" + both);
            assertThat(first.selected()).as(both).map(c -> c.port()).contains(cyrus.port(POP3S));
            Attempt overTls = second.attempts().get(0);
            // [LOGIN-DELAY] is "not now" (RFC 2449): the password is right
            assertThat(overTls.outcome()).as(both).isNotEqualTo(Outcome.AUTH_FAILED).isEqualTo(Outcome.BUSY);
            assertThat(second.attempts()).as(both).noneMatch(attempt -> attempt.outcome() == Outcome.AUTH_FAILED);
            // and the cleartext candidate never authenticates in its place
            assertThat(second.selected()).as(both).isEmpty();
            assertThat(cyrus.logLines()).as("logins on cleartext POP3")
                    .noneMatch(CyrusServer.from(POP3).and(line -> line.contains(" login: ")));
        }
    }

    @Test
    void cyrusSaysUserOnlyUnderALayerWhenPlaintextIsNotAllowed() {
        try (CyrusServer cyrus = CyrusServer.builder().user(USER, PASSWORD).tls(CERTS).disallowPlaintext()
                .start()) {
            assertThat(cyrus.imapdConf()).contains("\nallowplaintext: no\n");
            String pop;
            try (LineTranscript session = LineTranscript.connect(HOST, cyrus.port(POP3), null,
                    Duration.ofSeconds(5))) {
                session.read();
                List<String> capa = session.multiLine("CAPA");
                assertThat(capa).contains("STLS").doesNotContain("USER");
                assertThat(capa).filteredOn(line -> line.startsWith("SASL "))
                        .singleElement().asString().doesNotContain(" PLAIN").doesNotContain(" LOGIN");
                assertThat(session.command("USER " + USER))
                        .isEqualTo("-ERR [AUTH] USER command only available under a layer");
                session.command("QUIT");
                pop = session.toString();
            }
            String imap;
            try (LineTranscript session = LineTranscript.connect(HOST, cyrus.port(IMAP), null,
                    Duration.ofSeconds(5))) {
                assertThat(session.read()).contains("STARTTLS").contains("LOGINDISABLED");
                assertThat(session.tagged("a", "LOGIN " + USER + " " + PASSWORD))
                        .contains("a NO Login only available under a layer");
                session.tagged("b", "LOGOUT");
                imap = session.toString();
            }
            System.out.println("Cyrus (allowplaintext: no), POP3 on the port for 110:\n" + pop
                    + "\nCyrus (allowplaintext: no), IMAP on the port for 143:\n" + imap);
        }
    }

    @Test
    void withoutPlaintextCyrusPopOnTheCleartextPortRequiresTlsAndTheIntegrationSaysSo() {
        try (CyrusServer cyrus = CyrusServer.builder().user(USER, PASSWORD).tls(CERTS).disallowPlaintext()
                .stop(IMAP, IMAPS, POP3S).start()) {
            Integrator integrator = CyrusInteropTest.integrator(cyrus, Policies.popOnly(), CERTS);
            MailAccount alice = MailAccount.builder(EMAIL).username(USER).password(PASSWORD).host(HOST).build();

            IntegrationResult result = integrator.integrate(alice);

            System.out.println("Cyrus (allowplaintext: no), POP3S stopped, Policies.popOnly():\n" + result);
            List<Outcome> outcomes = result.attempts().stream().map(Attempt::outcome).toList();
            // 110 lists STLS and no USER, and answers USER with -ERR [AUTH] ... only available under a layer: TLS
            // is required before credentials, which is not a wrong password
            assertThat(outcomes).as(result.toString()).containsExactly(Outcome.REFUSED, Outcome.TLS_REQUIRED);
            assertThat(cyrus.logLines()).as("Cyrus's log").noneMatch(line -> line.contains(" badlogin: "));
        }
    }
}
