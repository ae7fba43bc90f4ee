package org.mailintegrator.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailintegrator.interop.MailListener.IMAP;
import static org.mailintegrator.interop.MailListener.IMAPS;
import static org.mailintegrator.interop.MailListener.POP3S;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.strategies.Policies;
import org.mailintegrator.testkit.TestCertificates;

/**
 * Issue 18 (d): POP3 switched off for one account. Courier's userdb option {@code disablepop3=1} makes
 * courierpop3login answer the right password with {@code -ERR POP3 access disabled for this account.} (no response
 * code). That is the service being off for the account, definitive and not a wrong password: the attempt is
 * {@link Outcome#SERVICE_DISABLED}.
 *
 * <p>The first test records the server's behaviour and passes; the second asserts the correct behaviour of the
 * library and fails until the engine recognises Courier's words.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CourierPopInteropTest {
    private static final String HOST = "127.0.0.1";
    private static final String USER = "alice@example.test";
    private static final String PASSWORD = "alice-secret";
    private static final TestCertificates CERTS = TestCertificates.forHosts(HOST, "localhost");

    @Test
    void courierSaysPop3AccessDisabledForTheAccount() {
        try (CourierServer courier = CourierServer.builder().user(USER, PASSWORD, "disablepop3=1").tls(CERTS)
                .start()) {
            String transcript;
            try (LineTranscript session = LineTranscript.connect(HOST, courier.port(POP3S), CERTS.clientSslContext(),
                    Duration.ofSeconds(10))) {
                session.read();
                session.multiLine("CAPA");
                session.command("USER " + USER);
                assertThat(session.command("PASS " + PASSWORD))
                        .isEqualTo("-ERR POP3 access disabled for this account.");
                session.command("QUIT");
                transcript = session.toString();
            }
            System.out.println("Courier POP3S, account with disablepop3=1:\n" + transcript);
            System.out.println("Courier's pop3d-ssl log: " + courier.logLines(POP3S));
            // a wrong password is answered differently, after Courier's delay
            try (LineTranscript session = LineTranscript.connect(HOST, courier.port(POP3S), CERTS.clientSslContext(),
                    Duration.ofSeconds(10))) {
                session.read();
                session.command("USER " + USER);
                assertThat(session.command("PASS not-" + PASSWORD)).isEqualTo("-ERR Login failed.");
                System.out.println("Courier POP3S, same account, wrong password:\n" + session);
            }
        }
    }

    @Test
    void popOnlyOnAnAccountWithPopDisabledSaysTheServiceIsDisabledNotAWrongPassword() {
        try (CourierServer courier = CourierServer.builder().user(USER, PASSWORD, "disablepop3=1").tls(CERTS)
                .stop(IMAP, IMAPS).start()) {
            MailAccount alice = MailAccount.builder(USER).password(PASSWORD).host(HOST).build();

            IntegrationResult result = CourierInteropTest.integrator(courier, Policies.popOnly(), CERTS).integrate(alice);

            System.out.println("Courier, disablepop3=1, Policies.popOnly():\n" + result);
            List<Outcome> outcomes = result.attempts().stream().map(Attempt::outcome).toList();
            assertThat(result.isIntegrated()).as(result.toString()).isFalse();
            assertThat(outcomes).as(result.toString()).doesNotContain(Outcome.AUTH_FAILED);
            assertThat(result.attempts().get(0).outcome()).as(result.toString()).isEqualTo(Outcome.SERVICE_DISABLED);
            assertThat(result.attempts().get(0).detail()).contains("POP3 access disabled for this account");
        }
    }
}
