package org.mailintegrator.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailintegrator.testkit.MailIntegratorAssertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;

/**
 * Connections are raced, not servers: a candidate whose server accepted the connection is alive and is waited
 * for, so a slow server does not make an integration open connections to less preferred ones; and all the
 * integrations of an integrator together open a bounded number of connections to one server.
 */
@Timeout(value = 60, threadMode = ThreadMode.SEPARATE_THREAD)
class ConnectionRaceTest {
    private static final String ADDRESS = "alice@example.com";
    private static final String PASSWORD = "secret";

    @Test
    void aConnectedButSlowServerIsWaitedForAndNoLessPreferredServerIsContacted() throws Exception {
        try (MailServerFixture fixture = MailServerFixture.builder().user(ADDRESS, PASSWORD)
                .fault(Service.IMAPS, Fault.slow(Duration.ofMillis(300))).start();
                Listener second = new Listener(); Listener third = new Listener()) {
            ProtocolCandidate slowest = ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS,
                    fixture.host(), fixture.port(Service.IMAPS));
            Integrator integrator = Integrator.builder()
                    .policy(account -> List.of(slowest, second.candidate(), third.candidate()))
                    .sslContext(fixture.clientSslContext())
                    .readTimeout(Duration.ofSeconds(5))
                    .build();

            List<CompletableFuture<IntegrationResult>> running = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                running.add(integrator.integrateAsync(fixture.account(ADDRESS)));
            }

            for (CompletableFuture<IntegrationResult> integration : running) {
                IntegrationResult result = integration.get();
                assertThat(result).hasSelected(slowest);
            }
            assertThat(second.accepted()).as("connections to the second candidate").hasValue(0);
            assertThat(third.accepted()).as("connections to the third candidate").hasValue(0);
        }
    }

    @Test
    void theIntegrationsOfAnIntegratorOpenAtMostTheLimitOfConnectionsToOneServer() throws Exception {
        try (Listener silent = new Listener()) {
            Integrator integrator = Integrator.builder()
                    .policy(account -> List.of(silent.candidate()))
                    .maxConnectionsPerServer(2)
                    .readTimeout(Duration.ofMillis(300))
                    .build();
            MailAccount account = MailAccount.builder(ADDRESS).password(PASSWORD).build();

            List<CompletableFuture<IntegrationResult>> running = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                running.add(integrator.integrateAsync(account));
            }

            for (CompletableFuture<IntegrationResult> integration : running) {
                IntegrationResult result = integration.get();
                assertThat(result).attempt(1).hasOutcome(Outcome.TIMED_OUT);
            }
            assertThat(silent.accepted()).as("every integration connected once").hasValue(10);
            assertThat(silent.mostAtOnce()).as("connections open at once").hasValueBetween(1, 2);
        }
    }

    @Test
    void integratorsWithTheSameLimitShareIt() throws Exception {
        try (Listener silent = new Listener()) {
            List<Integrator> integrators = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                integrators.add(Integrator.builder()
                        .policy(account -> List.of(silent.candidate()))
                        .maxConnectionsPerServer(3)
                        .readTimeout(Duration.ofMillis(300))
                        .build());
            }
            MailAccount account = MailAccount.builder(ADDRESS).password(PASSWORD).build();

            List<CompletableFuture<IntegrationResult>> running = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                running.add(integrators.get(i % 2).integrateAsync(account));
            }

            for (CompletableFuture<IntegrationResult> integration : running) {
                assertThat(integration.get()).attempt(1).hasOutcome(Outcome.TIMED_OUT);
            }
            assertThat(silent.accepted()).as("every integration connected once").hasValue(12);
            assertThat(silent.mostAtOnce()).as("connections open at once, both integrators together")
                    .hasValueBetween(1, 3);
        }
    }

    /** Accepts connections, never says anything, and counts them: in all and at most at once. */
    private static final class Listener implements AutoCloseable {
        private final ServerSocket socket;
        private final AtomicInteger accepted = new AtomicInteger();
        private final AtomicInteger open = new AtomicInteger();
        private final AtomicInteger mostAtOnce = new AtomicInteger();
        private final Thread acceptor;

        Listener() throws IOException {
            socket = new ServerSocket();
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 50);
            acceptor = new Thread(this::acceptLoop, "counting-listener");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        ProtocolCandidate candidate() {
            return ProtocolCandidate.of(MailProtocol.IMAP, Security.NONE, "127.0.0.1", socket.getLocalPort());
        }

        AtomicInteger accepted() {
            return accepted;
        }

        AtomicInteger mostAtOnce() {
            return mostAtOnce;
        }

        private void acceptLoop() {
            while (!socket.isClosed()) {
                try {
                    Socket client = socket.accept();
                    accepted.incrementAndGet();
                    mostAtOnce.accumulateAndGet(open.incrementAndGet(), Math::max);
                    Thread reader = new Thread(() -> drain(client), "counting-listener-client");
                    reader.setDaemon(true);
                    reader.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }

        /** Reads until the client closes, then counts the connection as closed. */
        private void drain(Socket client) {
            try (client; InputStream in = client.getInputStream()) {
                while (in.read() >= 0) {
                    // discard what the client sends
                }
            } catch (IOException ignored) {
                // closed
            } finally {
                open.decrementAndGet();
            }
        }

        @Override
        public void close() throws Exception {
            socket.close();
            acceptor.join(5_000);
        }
    }
}
