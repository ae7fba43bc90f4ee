package org.mailintegrator.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Store;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;

class MailServerFixtureTest {
    @Test
    void servicesKeepTheirPortsAcrossStopAndStart() throws IOException {
        try (MailServerFixture fixture = MailServerFixture.builder().start()) {
            int port = fixture.port(Service.IMAP);

            fixture.stop(Service.IMAP);
            assertThatThrownBy(() -> connect(fixture.host(), port)).isInstanceOf(ConnectException.class);
            assertThat(fixture.fault(Service.IMAP)).contains(Fault.REFUSE);

            fixture.start(Service.IMAP);
            assertThat(fixture.port(Service.IMAP)).isEqualTo(port);
            assertThat(greeting(fixture.host(), port)).startsWith("* OK");
            assertThat(fixture.fault(Service.IMAP)).isEmpty();
        }
    }

    static Stream<Fault> faults() {
        return Stream.of(Fault.REFUSE, Fault.DROP, Fault.SILENT, Fault.GARBAGE, Fault.STALL_TLS,
                Fault.slow(Duration.ofMillis(10)), Fault.resetAfter(0));
    }

    @ParameterizedTest
    @MethodSource("faults")
    void everyFaultIsReversibleOnTheSamePort(Fault fault) throws IOException {
        try (MailServerFixture fixture = MailServerFixture.builder().start()) {
            int port = fixture.port(Service.POP3);
            fixture.fault(Service.POP3, fault);
            assertThat(fixture.fault(Service.POP3)).contains(fault);

            fixture.heal(Service.POP3);

            assertThat(fixture.port(Service.POP3)).isEqualTo(port);
            assertThat(greeting(fixture.host(), port)).startsWith("+OK");
        }
    }

    @Test
    void deliveredMessagesAreInTheMailbox() throws Exception {
        try (MailServerFixture fixture = MailServerFixture.builder().user("a@example.test", "pw")
                .message("a@example.test", "Welcome", "First message").start()) {
            fixture.deliver("a@example.test", "Second", "Second message");
            ProtocolCandidate pop3s = ProtocolCandidate.of(MailProtocol.POP3, Security.IMPLICIT_TLS, fixture.host(),
                    fixture.port(Service.POP3S));
            Integrator integrator = Integrator.builder().policy(account -> List.of(pop3s))
                    .sslContext(fixture.clientSslContext()).build();

            Store store = org.mailintegrator.core.jakarta.JakartaMail.openStore(integrator,
                    fixture.account("a@example.test"), pop3s);
            try {
                Folder inbox = store.getFolder("INBOX");
                inbox.open(Folder.READ_ONLY);
                assertThat(inbox.getMessages()).extracting(Message::getSubject).containsExactly("Welcome", "Second");
                inbox.close(false);
            } finally {
                store.close();
            }
        }
    }

    @Test
    void resetReturnsToTheBuiltState() {
        try (MailServerFixture fixture = MailServerFixture.builder().stopped(Service.POP3).start()) {
            fixture.heal(Service.POP3);
            fixture.fault(Service.IMAP, Fault.SILENT);

            fixture.reset();

            assertThat(fixture.fault(Service.POP3)).contains(Fault.REFUSE);
            assertThat(fixture.fault(Service.IMAP)).isEmpty();
        }
    }

    @Test
    void noThreadOrListenerSurvivesClose() throws IOException {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        Map<Service, Integer> ports = new EnumMap<>(Service.class);
        String host;
        try (MailServerFixture fixture = MailServerFixture.builder().user("a@example.test", "pw").start()) {
            host = fixture.host();
            for (Service service : Service.values()) {
                ports.put(service, fixture.port(service));
            }
            assertThat(greeting(host, ports.get(Service.POP3))).startsWith("+OK");
        }

        Set<String> leftover = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> !before.contains(thread) && thread.isAlive())
                .map(Thread::getName).collect(Collectors.toSet());
        assertThat(leftover).as("threads started by the fixture and still alive").isEmpty();
        for (int port : ports.values()) {
            assertThatThrownBy(() -> connect(host, port)).isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void accountsCarryTheUsersPasswordAndUnknownUsersAreRejected() {
        try (MailServerFixture fixture = MailServerFixture.builder().user("a@example.test", "pw").start()) {
            assertThat(fixture.account("a@example.test").host()).isEqualTo("127.0.0.1");
            assertThatThrownBy(() -> fixture.account("b@example.test"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a@example.test");
        }
    }

    @Test
    void refusesToListenBeyondLoopback() {
        assertThatThrownBy(() -> MailServerFixture.builder().host("192.0.2.1").start())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("loopback");
    }

    private static void connect(String host, int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 1_000);
        }
    }

    private static String greeting(String host, int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 1_000);
            socket.setSoTimeout(2_000);
            byte[] buffer = new byte[256];
            int read = socket.getInputStream().read(buffer);
            return new String(buffer, 0, Math.max(read, 0), java.nio.charset.StandardCharsets.US_ASCII);
        }
    }
}
