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
import org.junit.jupiter.api.Test;

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
