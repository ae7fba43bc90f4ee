package org.mailintegrator.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A server that echoes what it received must not get the password into a detail; the library's words stay intact. */
class HostileEchoTest {
    private static final String PASSWORD = "echo-me-if-you-can";

    @Test
    void aPop3ServerEchoingThePasswordHasItMasked() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> server = CompletableFuture.runAsync(() -> echoPop3(listener));
            ProtocolCandidate candidate =
                    ProtocolCandidate.of(MailProtocol.POP3, Security.NONE, "127.0.0.1", listener.getLocalPort());
            MailAccount account = MailAccount.builder("alice@example.com").password(PASSWORD).build();

            Attempt attempt = Integrator.builder().policy(a -> List.of(candidate))
                    .readTimeout(Duration.ofSeconds(2)).build().integrate(account).attempts().get(0);

            server.get();
            assertThat(attempt.outcome()).isEqualTo(Outcome.AUTH_FAILED);
            assertThat(attempt.detail()).contains("you sent PASS ****").doesNotContain(PASSWORD);
            assertThat(attempt.cause()).as("the failure is kept for the log").isPresent();
            java.io.StringWriter trace = new java.io.StringWriter();
            attempt.cause().get().printStackTrace(new java.io.PrintWriter(trace));
            assertThat(trace.toString()).contains("AuthenticationFailedException", "you sent PASS ****")
                    .doesNotContain(PASSWORD);
        }
    }

    @Test
    void aOneLetterPasswordDoesNotGarbleTheLibrarysOwnSentences() {
        MailAccount account = MailAccount.builder("alice@example.com").password("e").build();
        ProtocolCandidate candidate = ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS, "example.invalid", 993);

        Attempt attempt = Integrator.builder().policy(a -> List.of(candidate)).build().integrate(account).attempts().get(0);

        assertThat(attempt.outcome()).isEqualTo(Outcome.UNKNOWN_HOST);
        assertThat(attempt.detail()).isEqualTo("The host name example.invalid does not resolve (DNS lookup failed).");
    }

    private static void echoPop3(ServerSocket listener) {
        try (Socket client = listener.accept();
                BufferedReader in = new BufferedReader(
                        new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
                PrintWriter out = new PrintWriter(client.getOutputStream(), true, StandardCharsets.US_ASCII)) {
            out.print("+OK echo server ready\r\n");
            out.flush();
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("PASS ")) {
                    out.print("-ERR you sent " + line + "\r\n");
                } else if (line.startsWith("QUIT")) {
                    out.print("+OK bye\r\n");
                    out.flush();
                    return;
                } else if (line.startsWith("CAPA")) {
                    out.print("+OK\r\nUSER\r\n.\r\n");
                } else {
                    out.print("+OK\r\n");
                }
                out.flush();
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
