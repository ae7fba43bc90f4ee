package org.mailintegrator.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** No library thread outlives its work long enough to hold up a program's exit. */
class LibraryThreadsTest {
    @Test
    void everyLibraryThreadEndsShortlyAfterTheIntegration() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort(); // closed again: nothing listens there, the candidate is refused
        }
        ProtocolCandidate refused = ProtocolCandidate.of(MailProtocol.IMAP, Security.NONE, "127.0.0.1", port);
        IntegrationResult result = Integrator.builder().policy(account -> List.of(refused)).build()
                .integrate(MailAccount.builder("alice@example.com").password("pw").build());
        assertThat(result.attempts().get(0).outcome()).isEqualTo(Outcome.REFUSED);

        List<Thread> library = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("mailintegrator-")).collect(Collectors.toList());
        assertThat(library).as("the integration ran on library threads").isNotEmpty();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        for (Thread thread : library) {
            thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        }
        assertThat(library).as("library threads still alive 5 s later").noneMatch(Thread::isAlive);
    }
}
