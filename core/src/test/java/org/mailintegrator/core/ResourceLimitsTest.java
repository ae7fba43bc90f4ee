package org.mailintegrator.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hostile servers that try to exhaust the client's memory. Run with a small heap (see the core POM): an unguarded
 * client would die of OutOfMemoryError here instead of reporting an outcome. A server that trickles its answers is
 * the attempt deadline's business: {@code NegotiationTest} and {@code HostileResourceTest} in the testkit.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ResourceLimitsTest {
    private final MailAccount account = MailAccount.builder("frank@example.com").password("pw").build();

    @Test
    void anEndlessLineIsAProtocolError() throws Exception {
        Attempt attempt = against(MailProtocol.IMAP, out -> {
            byte[] chunk = new byte[64 * 1024];
            Arrays.fill(chunk, (byte) 'A');
            out.write("* OK ".getBytes(StandardCharsets.US_ASCII));
            while (true) {
                out.write(chunk);
            }
        });

        assertThat(attempt.outcome()).as(attempt.toString()).isEqualTo(Outcome.PROTOCOL_ERROR);
        assertThat(attempt.detail()).contains("line longer than");
    }

    @Test
    void aMultiMegabyteCapabilityLineIsAProtocolError() throws Exception {
        Attempt attempt = against(MailProtocol.IMAP, out -> {
            out.write("* OK ready\r\n".getBytes(StandardCharsets.US_ASCII));
            StringBuilder capability = new StringBuilder("* CAPABILITY IMAP4rev1");
            while (capability.length() < 8 * 1024 * 1024) {
                capability.append(" X-FILLER-").append(capability.length());
            }
            out.write((capability + "\r\n").getBytes(StandardCharsets.US_ASCII));
        });

        assertThat(attempt.outcome()).as(attempt.toString()).isEqualTo(Outcome.PROTOCOL_ERROR);
    }

    @Test
    void aLiteralAnnouncingGigabytesIsAProtocolError() throws Exception {
        Attempt attempt = against(MailProtocol.IMAP, out -> {
            out.write("* OK ready\r\n* CAPABILITY {2000000000}\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        });

        assertThat(attempt.outcome()).as(attempt.toString()).isEqualTo(Outcome.PROTOCOL_ERROR);
        assertThat(attempt.detail()).contains("literal of 2000000000 bytes");
    }

    @Test
    void anEndlessPop3GreetingIsAProtocolError() throws Exception {
        Attempt attempt = against(MailProtocol.POP3, out -> {
            byte[] chunk = new byte[64 * 1024];
            Arrays.fill(chunk, (byte) 'B');
            out.write("+OK ".getBytes(StandardCharsets.US_ASCII));
            while (true) {
                out.write(chunk);
            }
        });

        assertThat(attempt.outcome()).as(attempt.toString()).isEqualTo(Outcome.PROTOCOL_ERROR);
    }

    private interface Script {
        void run(OutputStream out) throws IOException;
    }

    private Attempt against(MailProtocol protocol, Script script) throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> server = CompletableFuture.runAsync(() -> {
                try (Socket client = listener.accept()) {
                    script.run(client.getOutputStream());
                } catch (IOException clientGone) {
                    // the client gave up: what the test expects
                }
            });
            ProtocolCandidate candidate = ProtocolCandidate.of(protocol, Security.NONE, "127.0.0.1",
                    listener.getLocalPort());
            Attempt attempt = Integrator.builder().policy(a -> List.of(candidate))
                    .readTimeout(Duration.ofSeconds(2)).build()
                    .integrate(account).attempts().get(0);
            server.get(10, TimeUnit.SECONDS);
            return attempt;
        }
    }
}
