package org.mailintegrator.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A server that accepts and then resets the connection (TCP RST) is a network error, not a wrong password. */
class ConnectionResetTest {
    @ParameterizedTest
    @EnumSource(MailProtocol.class)
    void aResetConnectionIsANetworkError(MailProtocol protocol) throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> server = CompletableFuture.runAsync(() -> acceptAndReset(listener));
            ProtocolCandidate candidate = ProtocolCandidate.of(protocol, Security.NONE, "127.0.0.1", listener.getLocalPort());
            MailAccount account = MailAccount.builder("alice@example.com").password("pw").build();

            Attempt attempt = Integrator.builder().policy(a -> List.of(candidate))
                    .readTimeout(Duration.ofSeconds(2)).build().integrate(account).attempts().get(0);

            server.get();
            assertThat(attempt.outcome()).as(attempt.toString()).isEqualTo(Outcome.NETWORK_ERROR);
            assertThat(attempt.detail()).containsIgnoringCase("reset");
        }
    }

    private static void acceptAndReset(ServerSocket listener) {
        try (Socket client = listener.accept()) {
            client.setSoLinger(true, 0);
            client.getInputStream().available();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
