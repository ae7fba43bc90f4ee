package org.mailintegrator.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.Security;

/** The hostile server itself: what it records, what it accepts, and that it leaves nothing behind. */
@Timeout(value = 20, threadMode = ThreadMode.SEPARATE_THREAD)
class HostileMailServerTest {
    private static final String ADDRESS = "alice@example.com";
    private static final String PASSWORD = "pw-1234";

    @Test
    void recordsEveryLineAndWhetherItCameOverTls() throws IOException {
        try (HostileMailServer server = start(Service.IMAP, HostileBehaviour.HONEST)) {
            try (Client client = new Client(server)) {
                assertThat(client.readLine()).startsWith("* OK");
                assertThat(client.imap("a CAPABILITY")).contains("STARTTLS").endsWith("a OK CAPABILITY completed");
                assertThat(client.imap("b STARTTLS")).startsWith("b OK");
                client.startTls(server);
                assertThat(client.imap("c CAPABILITY")).doesNotContain("STARTTLS");
                assertThat(client.imap("d LOGIN " + ADDRESS + " " + PASSWORD)).isEqualTo("d OK LOGIN completed");
                assertThat(client.imap("e LOGOUT")).contains("* BYE").endsWith("e OK LOGOUT completed");
            }

            assertThat(server.received()).containsExactly(
                    new ReceivedCommand(Service.IMAP, "a CAPABILITY", false),
                    new ReceivedCommand(Service.IMAP, "b STARTTLS", false),
                    new ReceivedCommand(Service.IMAP, "c CAPABILITY", true),
                    new ReceivedCommand(Service.IMAP, "d LOGIN " + ADDRESS + " " + PASSWORD, true),
                    new ReceivedCommand(Service.IMAP, "e LOGOUT", true));
            assertThat(server.receivedInCleartext(PASSWORD)).isFalse();
            assertThat(server.connections()).isEqualTo(1);
        }
    }

    @Test
    void checksTheCredentialsOfItsUsers() throws IOException {
        try (HostileMailServer server = start(Service.POP3, HostileBehaviour.HONEST);
                Client client = new Client(server)) {
            assertThat(client.readLine()).startsWith("+OK");
            assertThat(client.command("USER " + ADDRESS)).isEqualTo("+OK");
            assertThat(client.command("PASS wrong")).startsWith("-ERR");
            assertThat(client.command("USER " + ADDRESS)).isEqualTo("+OK");
            assertThat(client.command("PASS " + PASSWORD)).startsWith("+OK");
            assertThat(server.receivedInCleartext(PASSWORD)).isTrue();
        }
    }

    @Test
    void seesAPop3ClientPipelineWhenPipeliningWasOfferedBeforeTlsOnly() throws IOException {
        try (HostileMailServer server = start(Service.POP3, HostileBehaviour.UNTRUSTED_PRE_TLS_DATA);
                Client waits = new Client(server);
                Client pipelines = new Client(server)) {
            waits.readLine();
            assertThat(waits.command("USER " + ADDRESS)).isEqualTo("+OK");
            assertThat(waits.command("PASS " + PASSWORD)).startsWith("+OK");

            pipelines.readLine();
            pipelines.send("USER " + ADDRESS + "\r\nPASS " + PASSWORD + "\r\n");
            assertThat(pipelines.readLine()).isEqualTo("+OK");
            assertThat(pipelines.readLine()).startsWith("-ERR PASS came before USER was answered");
        }
    }

    @SuppressWarnings("try") // closes the server inside the block on purpose, with clients still connected
    @Test
    void closingEndsEveryConnectionAndThreadEvenInTheMiddleOfABomb() throws IOException {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        int port;
        try (HostileMailServer server = start(Service.IMAP, HostileBehaviour.ENDLESS_LINE);
                Client first = new Client(server);
                Client second = new Client(server)) {
            port = server.port();
            assertThat(first.readBytes(100_000)).isEqualTo(100_000);
            assertThat(second.readBytes(100_000)).isEqualTo(100_000);
            // both connections' threads are now blocked writing to clients that stopped reading
            server.close();
            assertThat(server.connections()).isEqualTo(2);
        }

        Set<String> leftover = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> !before.contains(thread) && thread.isAlive())
                .map(Thread::getName).collect(Collectors.toSet());
        assertThat(leftover).as("threads started by the server and still alive").isEmpty();
        assertThatThrownBy(() -> new Socket().connect(new InetSocketAddress("127.0.0.1", port), 1_000))
                .isInstanceOf(ConnectException.class);
    }

    @Test
    void refusesABehaviourThatDoesNotExistInTheProtocol() {
        assertThatThrownBy(() -> HostileMailServer.builder(Service.POP3S, HostileBehaviour.PREAUTH))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PREAUTH").hasMessageContaining("POP3");
        assertThatThrownBy(() -> HostileMailServer.builder(Service.IMAP, HostileBehaviour.PLAINTEXT_AUTH_DISALLOWED))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HostileMailServer.builder(Service.SMTP, HostileBehaviour.PREAUTH))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SMTP");
        assertThatThrownBy(() -> HostileMailServer.builder(Service.IMAPS, HostileBehaviour.AUTH_NOT_OFFERED))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(List.of(HostileBehaviour.values())).allMatch(behaviour -> behaviour.appliesTo(MailProtocol.IMAP)
                || behaviour.appliesTo(MailProtocol.POP3) || behaviour.appliesTo(MailProtocol.SMTP));
    }

    @Test
    void accountsAreForItsUsersOnItsHost() {
        try (HostileMailServer server = start(Service.IMAPS, HostileBehaviour.HONEST)) {
            assertThat(server.account(ADDRESS).host()).isEqualTo(server.host());
            assertThat(server.candidate(Security.IMPLICIT_TLS).port()).isEqualTo(server.port());
            assertThatThrownBy(() -> server.account("bob@example.com")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(ADDRESS);
        }
    }

    private static HostileMailServer start(Service service, HostileBehaviour behaviour) {
        return HostileMailServer.builder(service, behaviour).user(ADDRESS, PASSWORD).start();
    }

    /** A line-oriented client for driving the server by hand. */
    private static final class Client implements AutoCloseable {
        private Socket socket;
        private BufferedReader in;
        private OutputStream out;

        Client(HostileMailServer server) throws IOException {
            socket = new Socket();
            socket.connect(new InetSocketAddress(server.host(), server.port()), 1_000);
            socket.setSoTimeout(5_000);
            streams();
        }

        private void streams() throws IOException {
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            out = socket.getOutputStream();
        }

        void startTls(HostileMailServer server) throws IOException {
            SSLSocket tls = (SSLSocket) server.clientSslContext().getSocketFactory()
                    .createSocket(socket, server.host(), server.port(), true);
            tls.startHandshake();
            socket = tls;
            streams();
        }

        void send(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        String readLine() throws IOException {
            return in.readLine();
        }

        /** Sends a POP3 command; returns its one-line answer. */
        String command(String line) throws IOException {
            send(line + "\r\n");
            return in.readLine();
        }

        /** Sends a tagged IMAP command; returns the answer up to its tagged line, lines joined with newlines. */
        String imap(String line) throws IOException {
            send(line + "\r\n");
            String tag = line.substring(0, line.indexOf(' '));
            StringBuilder answer = new StringBuilder();
            String received;
            do {
                received = in.readLine();
                answer.append(answer.length() == 0 ? "" : "\n").append(received);
            } while (received != null && !received.startsWith(tag + " "));
            return answer.toString();
        }

        long readBytes(int count) throws IOException {
            char[] buffer = new char[8192];
            long read = 0;
            while (read < count) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, count - read));
                if (n < 0) {
                    break;
                }
                read += n;
            }
            return read;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
