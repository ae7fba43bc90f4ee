package org.mailintegrator.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
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
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.Outcome;
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
    void resetKeepsWhatTheTestStoppedAndForgetsWhatWasReceived() throws IOException {
        try (MailServerFixture fixture = MailServerFixture.builder().user("a@example.test", "pw").start()) {
            int imap = fixture.port(Service.IMAP);
            assertThat(greeting(fixture.host(), fixture.port(Service.POP3))).startsWith("+OK");
            integrate(fixture, Service.POP3S, "a@example.test", "wrong");
            fixture.stop(Service.IMAP);
            fixture.fault(Service.IMAPS, Fault.SILENT);
            fixture.startTls(Service.POP3, StartTls.NOT_OFFERED);

            fixture.reset();

            assertThat(fixture.fault(Service.IMAP)).contains(Fault.REFUSE);
            assertThatThrownBy(() -> connect(fixture.host(), imap)).isInstanceOf(ConnectException.class);
            assertThat(fixture.fault(Service.IMAPS)).contains(Fault.SILENT);
            assertThat(fixture.startTls(Service.POP3)).isEqualTo(StartTls.NOT_OFFERED);
            assertThat(fixture.received()).isEmpty();
        }
    }

    @Test
    void restoreReturnsEveryServiceToHowItWasBuiltAndForgetsWhatWasReceived() throws IOException {
        try (MailServerFixture fixture = MailServerFixture.builder().user("a@example.test", "pw")
                .stopped(Service.POP3).start()) {
            integrate(fixture, Service.IMAPS, "a@example.test", "wrong");
            fixture.heal(Service.POP3);
            fixture.stop(Service.IMAP);
            fixture.fault(Service.IMAPS, Fault.SILENT);
            fixture.startTls(Service.IMAP, StartTls.REFUSED);

            fixture.restore();

            assertThat(fixture.fault(Service.POP3)).contains(Fault.REFUSE);
            assertThat(fixture.fault(Service.IMAP)).isEmpty();
            assertThat(greeting(fixture.host(), fixture.port(Service.IMAP))).startsWith("* OK");
            assertThat(fixture.fault(Service.IMAPS)).isEmpty();
            assertThat(fixture.startTls(Service.IMAP)).isEqualTo(StartTls.OFFERED);
            assertThat(fixture.received()).isEmpty();
            assertThat(fixture.logins()).isZero();
        }
    }

    @Test
    void loginsCountsEveryLoginEachServiceReceivedUntilReset() {
        try (MailServerFixture fixture = MailServerFixture.builder().user("a@example.test", "pw").start()) {
            assertThat(fixture.logins()).isZero();

            integrate(fixture, Service.IMAPS, "a@example.test", "wrong");   // LOGIN, refused
            integrate(fixture, Service.IMAPS, "a@example.test", "pw");      // LOGIN, accepted
            integrate(fixture, Service.POP3S, "a@example.test", "wrong");   // USER, then PASS: one login
            integrate(fixture, Service.POP3, "a@example.test", "pw");       // STLS first, then USER/PASS
            integrateWithToken(fixture, Service.IMAP, "a@example.test", "not-the-token");   // AUTHENTICATE
            integrateWithToken(fixture, Service.POP3S, "a@example.test", "pw");             // AUTH

            assertThat(fixture.logins(Service.IMAPS)).isEqualTo(2);
            assertThat(fixture.logins(Service.POP3S)).isEqualTo(2);
            assertThat(fixture.logins(Service.POP3)).isEqualTo(1);
            assertThat(fixture.logins(Service.IMAP)).isEqualTo(1);
            assertThat(fixture.logins()).isEqualTo(6);

            fixture.reset();

            assertThat(fixture.logins()).isZero();
            assertThat(fixture.logins(Service.IMAPS)).isZero();
        }
    }

    /**
     * GreenMail logs an ERROR with a stack trace for every POP3 {@code AUTH} it rejects; a rejected login is what many
     * tests ask for, so the fixture answers those itself and GreenMail only ever sees credentials it accepts.
     */
    @Test
    void aRejectedPop3SignInLogsNoErrorAndIsStillRejected() {
        try (MailServerFixture fixture = MailServerFixture.builder().user("a@example.test", "the-token").start();
                StandardErrorCapture log = StandardErrorCapture.start(event -> false)) {
            IntegrationResult wrongToken = integrateWithToken(fixture, Service.POP3S, "a@example.test", "expired");
            IntegrationResult unknownUser = integrateWithToken(fixture, Service.POP3, "b@example.test", "the-token");
            IntegrationResult rightToken = integrateWithToken(fixture, Service.POP3S, "a@example.test", "the-token");

            assertThat(wrongToken.attempts().get(0).outcome()).isEqualTo(Outcome.TOKEN_REJECTED);
            assertThat(unknownUser.attempts().get(0).outcome()).isEqualTo(Outcome.TOKEN_REJECTED);
            assertThat(rightToken.attempts().get(0).outcome()).isEqualTo(Outcome.AUTHENTICATED);
            assertThat(log.text()).as("what was logged").doesNotContain("com.icegreen").doesNotContain("Exception");
        }
    }

    /** The SASL response on a line of its own, after the server's {@code +}, as a client may send it. */
    @Test
    void aPop3SignInAnsweredAfterTheContinuationIsCheckedTheSameWay() throws IOException {
        String wrong = base64("\u0000a@example.test\u0000wrong");
        String right = base64("\u0000a@example.test\u0000pw");
        try (MailServerFixture fixture = MailServerFixture.builder().user("a@example.test", "pw").start();
                StandardErrorCapture log = StandardErrorCapture.start(event -> false);
                Socket socket = new Socket(fixture.host(), fixture.port(Service.POP3))) {
            socket.setSoTimeout(5_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(
                    socket.getInputStream(), StandardCharsets.US_ASCII));
            Writer out = new OutputStreamWriter(socket.getOutputStream(),
                    StandardCharsets.US_ASCII);
            assertThat(in.readLine()).startsWith("+OK");

            assertThat(exchange(in, out, "AUTH PLAIN")).isEqualTo("+ ");
            assertThat(exchange(in, out, wrong)).isEqualTo("-ERR [AUTH] Authentication failed.");
            assertThat(exchange(in, out, "AUTH PLAIN")).isEqualTo("+ ");
            assertThat(exchange(in, out, "*")).startsWith("-ERR");
            assertThat(exchange(in, out, "AUTH PLAIN")).isEqualTo("+ ");
            assertThat(exchange(in, out, right)).startsWith("+OK");
            assertThat(exchange(in, out, "QUIT")).startsWith("+OK");

            assertThat(fixture.logins(Service.POP3)).isEqualTo(3);
            assertThat(log.text()).as("what was logged").doesNotContain("com.icegreen");
        }
    }

    private static String exchange(BufferedReader in, Writer out, String line) throws IOException {
        out.write(line + "\r\n");
        out.flush();
        return in.readLine();
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
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

    private static IntegrationResult integrate(MailServerFixture fixture, Service service, String address,
            String password) {
        return integrator(fixture, service).integrate(MailAccount.builder(address).password(password)
                .host(fixture.host()).build());
    }

    private static IntegrationResult integrateWithToken(MailServerFixture fixture, Service service, String address,
            String token) {
        return integrator(fixture, service).integrate(MailAccount.builder(address).accessToken(token)
                .host(fixture.host()).build());
    }

    /** One candidate, on {@code service}: STARTTLS on a cleartext service, so that no password goes in the clear. */
    private static Integrator integrator(MailServerFixture fixture, Service service) {
        ProtocolCandidate candidate = ProtocolCandidate.of(service.protocol(),
                service.security() == Security.NONE ? Security.STARTTLS : service.security(), fixture.host(),
                fixture.port(service));
        return Integrator.builder().policy(account -> List.of(candidate)).sslContext(fixture.clientSslContext())
                .connectTimeout(Duration.ofSeconds(2)).readTimeout(Duration.ofSeconds(2)).build();
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
            return new String(buffer, 0, Math.max(read, 0), StandardCharsets.US_ASCII);
        }
    }
}
