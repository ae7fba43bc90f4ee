package org.mailintegrator.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Nothing of an integration outlives it: sockets closed, tasks ended, cancellation immediate. */
class NegotiationLifecycleTest {
    private final MailAccount account = MailAccount.builder("dave@example.com").password("pw").build();
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private final CountDownLatch firstAccepted = new CountDownLatch(1);
    private ServerSocket silent;
    private ExecutorService acceptor;
    private ExecutorService attempts;

    @BeforeEach
    void startASilentServer() throws IOException {
        silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = Executors.newSingleThreadExecutor();
        acceptor.execute(() -> {
            while (!silent.isClosed()) {
                try {
                    accepted.add(silent.accept());   // accepts, never says a word
                    firstAccepted.countDown();
                } catch (IOException closed) {
                    return;
                }
            }
        });
        attempts = Executors.newFixedThreadPool(4);
    }

    @AfterEach
    void stop() throws IOException {
        silent.close();
        for (Socket socket : accepted) {
            socket.close();
        }
        acceptor.shutdownNow();
        attempts.shutdownNow();
    }

    @Test
    void whenIntegrateReturnsEverySocketIsClosedAndEveryTaskHasEnded() throws Exception {
        ProtocolCandidate silentImap = candidate(MailProtocol.IMAP, silent.getLocalPort());
        ProtocolCandidate refused = candidate(MailProtocol.POP3, closedPort());
        Integrator integrator = Integrator.builder().policy(a -> List.of(silentImap, refused))
                .readTimeout(Duration.ofMillis(300)).executor(attempts).build();

        IntegrationResult result = integrator.integrate(account);

        assertThat(result.attempts()).extracting(Attempt::outcome).containsExactly(Outcome.TIMED_OUT, Outcome.REFUSED);
        assertThat(accepted).isNotEmpty();
        assertEveryConnectionWasClosedByTheClient();
        attempts.shutdown();
        assertThat(attempts.awaitTermination(1, TimeUnit.SECONDS)).as("every attempt task has ended").isTrue();
    }

    @Test
    void cancellingTheAsyncIntegrationClosesItsSocketsAtOnce() throws Exception {
        ProtocolCandidate silentImap = candidate(MailProtocol.IMAP, silent.getLocalPort());
        Integrator integrator = Integrator.builder().policy(a -> List.of(silentImap))
                .readTimeout(Duration.ofMinutes(5)).attemptTimeout(Duration.ofMinutes(10))
                .executor(attempts).build();

        CompletableFuture<IntegrationResult> future = integrator.integrateAsync(account);
        assertThat(firstAccepted.await(5, TimeUnit.SECONDS)).as("the attempt connected").isTrue();
        long start = System.nanoTime();
        future.cancel(true);

        assertThatThrownBy(future::join).isInstanceOf(CancellationException.class);
        attempts.shutdown();
        assertThat(attempts.awaitTermination(2, TimeUnit.SECONDS)).as("the attempt stopped at once").isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertEveryConnectionWasClosedByTheClient();
    }

    @Test
    void anAsyncIntegrationCompletesWithTheResult() {
        ProtocolCandidate refused = candidate(MailProtocol.POP3, closedPort());
        Integrator integrator = Integrator.builder().policy(a -> List.of(refused)).build();

        IntegrationResult result = integrator.integrateAsync(account).join();

        assertThat(result.attempts()).extracting(Attempt::outcome).containsExactly(Outcome.REFUSED);
    }

    @Test
    void anInterruptedCallerStopsTheIntegrationAndKeepsItsInterruptFlag() throws Exception {
        ProtocolCandidate silentImap = candidate(MailProtocol.IMAP, silent.getLocalPort());
        Integrator integrator = Integrator.builder().policy(a -> List.of(silentImap))
                .readTimeout(Duration.ofMinutes(5)).executor(attempts).build();
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        CompletableFuture<Boolean> stillInterrupted = new CompletableFuture<>();
        Thread caller = new Thread(() -> {
            try {
                integrator.integrate(account);
                thrown.complete(null);
            } catch (RuntimeException e) {
                thrown.complete(e);
                stillInterrupted.complete(Thread.currentThread().isInterrupted());
            }
        });
        caller.start();
        assertThat(firstAccepted.await(5, TimeUnit.SECONDS)).as("the attempt connected").isTrue();
        caller.interrupt();
        caller.join(5_000);

        assertThat(thrown.get(1, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
        assertThat(stillInterrupted.get(1, TimeUnit.SECONDS)).isTrue();
        attempts.shutdown();
        assertThat(attempts.awaitTermination(2, TimeUnit.SECONDS)).isTrue();
    }

    private static ProtocolCandidate candidate(MailProtocol protocol, int port) {
        return ProtocolCandidate.of(protocol, Security.NONE, "127.0.0.1", port);
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The server's side of every connection reads end-of-stream: the client closed it, nothing was left open. */
    private void assertEveryConnectionWasClosedByTheClient() throws IOException {
        for (Socket socket : accepted) {
            socket.setSoTimeout(2_000);
            assertThat(socket.getInputStream().read()).as("the client closed " + socket).isEqualTo(-1);
        }
    }
}
