package org.mailintegrator.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mailintegrator.interop.PostfixServer.Listener.SUBMISSION;
import static org.mailintegrator.interop.PostfixServer.Listener.SUBMISSIONS;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailintegrator.interop.PostfixServer.Listener;
import org.mailintegrator.testkit.TestCertificates;

/**
 * Postfix's submission services as Debian ships them, with SASL through Dovecot's auth socket, seen by plain SMTP
 * clients (Jakarta Mail's {@link Transport} and a raw socket): what the engine's SMTP driver will meet. Every
 * test also checks that no message was ever queued.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PostfixInteropTest {
    private static final String HOST = "127.0.0.1";
    private static final String USER = "alice@example.test";
    private static final String PASSWORD = "correct-horse-battery";
    private static final TestCertificates CERTIFICATES = TestCertificates.forHosts(HOST, "localhost");
    private static final Duration LOG_WAIT = Duration.ofSeconds(10);

    private PostfixWithDovecot servers;
    private PostfixServer postfix;
    private DovecotServer dovecot;
    private IntrospectionEndpoint endpoint;

    private void start(Consumer<PostfixServer.Builder> setup) {
        start(setup, dovecotSetup -> { });
    }

    private void start(Consumer<PostfixServer.Builder> setup, Consumer<DovecotServer.Builder> dovecotSetup) {
        servers = PostfixWithDovecot.start(CERTIFICATES, USER, PASSWORD, setup, dovecotSetup);
        postfix = servers.postfix();
        dovecot = servers.dovecot();
    }

    @AfterEach
    void nothingWasQueuedAndStop() {
        if (endpoint != null) {
            endpoint.close();
        }
        if (servers != null) {
            servers.close();
        }
    }

    @Test
    void submissionsAcceptsAuthPlainOverImplicitTls() throws Exception {
        start(builder -> { });

        connectWithJakartaMail(SUBMISSIONS);

        // Postfix heard the credentials on submissions and accepted them; Dovecot checked them for service smtp
        assertThat(postfix.awaitSessions(SUBMISSIONS, 1, LOG_WAIT)).singleElement().asString().contains("auth=1 ");
        assertThat(postfix.sessions(SUBMISSION)).isEmpty();
        dovecot.awaitLogLines("Postfix's authentication request", line -> line.contains("client in: AUTH")
                && line.contains("\tPLAIN\tservice=smtp\t") && line.contains("\tsecured\t"), 1, LOG_WAIT);
        dovecot.awaitLogLines("the accepted login", line -> line.contains("client passdb out: OK")
                && line.endsWith("\tuser=" + USER), 1, LOG_WAIT);
        assertThat(postfix.logLines()).noneMatch(line -> line.contains(PASSWORD));
        assertThat(dovecot.logLines()).noneMatch(line -> line.contains(PASSWORD));
    }

    @Test
    void submissionAcceptsAuthAfterStartTls() throws Exception {
        start(builder -> { });

        connectWithJakartaMail(SUBMISSION);

        assertThat(postfix.awaitSessions(SUBMISSION, 1, LOG_WAIT)).singleElement().asString()
                .contains("ehlo=2 ", "starttls=1 ", "auth=1 ");
        assertThat(postfix.sessions(SUBMISSIONS)).isEmpty();
    }

    @Test
    void submissionOffersAuthOnlyAfterStartTls() throws Exception {
        start(builder -> { });

        try (Dialogue smtp = Dialogue.plain(postfix.port(SUBMISSION))) {
            List<String> before = smtp.hello();
            assertThat(before).anyMatch(line -> line.endsWith("STARTTLS"))
                    .noneMatch(line -> line.substring(4).startsWith("AUTH"));
            // the stock submission block: no authentication at all in cleartext
            assertThat(smtp.command("AUTH PLAIN " + plain(USER, PASSWORD))).singleElement().asString()
                    .startsWith("530 5.7.0 Must issue a STARTTLS command first");
            assertThat(smtp.command("STARTTLS")).singleElement().asString().startsWith("220 ");
            smtp.startTls();
            List<String> after = smtp.command("EHLO client.example.test");
            assertThat(after).anyMatch(line -> line.substring(4).startsWith("AUTH ") && line.contains("PLAIN"))
                    .noneMatch(line -> line.endsWith("STARTTLS"));
            assertThat(smtp.command("QUIT")).singleElement().asString().startsWith("221 ");
        }

        assertThat(postfix.awaitSessions(SUBMISSION, 1, LOG_WAIT)).singleElement().asString().contains("auth=0/1 ");
        // the password sent in cleartext never reached Dovecot
        assertThat(dovecot.logLines()).noneMatch(line -> line.contains("service=smtp"));
    }

    @Test
    void wrongPasswordIsAnswered535AfterTheStockDelay() throws Exception {
        start(builder -> { });

        try (Dialogue smtp = Dialogue.implicitTls(postfix.port(SUBMISSIONS))) {
            smtp.hello();
            long started = System.nanoTime();
            List<String> reply = smtp.command("AUTH PLAIN " + plain(USER, "wrong-password"));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(reply).singleElement().asString().startsWith("535 5.7.8 ");
            // Dovecot's auth_failure_delay (2 s, checked against whole seconds every 0.5 s, so 1 to 2.5 s) holds back
            // every failure, Postfix's clients included: a client must not take the silence for a timeout
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
            // the session goes on: a client can say goodbye
            assertThat(smtp.command("QUIT")).singleElement().asString().startsWith("221 ");
        }

        postfix.awaitLogLines("the failed authentication", PostfixServer.from(SUBMISSIONS)
                .and(line -> line.contains("SASL PLAIN authentication failed")), 1, LOG_WAIT);
        assertThat(postfix.awaitSessions(SUBMISSIONS, 1, LOG_WAIT)).singleElement().asString().contains("auth=0/1 ");
    }

    @Test
    void wrongPasswordFailsJakartaMailsConnect() {
        start(builder -> { });

        assertThatThrownBy(() -> transport("smtps").connect(HOST, postfix.port(SUBMISSIONS), USER, "nope"))
                .isInstanceOf(AuthenticationFailedException.class).hasMessageContaining("535 5.7.8");
    }

    @Test
    void stoppedSubmissionsServiceRefusesWhileSubmissionAnswers() throws Exception {
        start(builder -> builder.stop(SUBMISSIONS));

        assertThat(postfix.isRunning(SUBMISSIONS)).isFalse();
        assertThat(postfix.masterCf()).doesNotContain(":" + postfix.port(SUBMISSIONS) + " ");
        assertThatThrownBy(() -> Dialogue.implicitTls(postfix.port(SUBMISSIONS)).close())
                .isInstanceOf(ConnectException.class);
        try (Dialogue smtp = Dialogue.plain(postfix.port(SUBMISSION))) {
            assertThat(smtp.reply()).startsWith("220 ");
        }
    }

    @Test
    void strippedStartTlsLeavesNoWayToSignIn() throws Exception {
        start(PostfixServer.Builder::stripStartTls);

        try (Dialogue smtp = Dialogue.plain(postfix.port(SUBMISSION))) {
            assertThat(smtp.hello())
                    .noneMatch(line -> line.endsWith("STARTTLS") || line.substring(4).startsWith("AUTH"));
            // the server still requires TLS: nothing is accepted in cleartext
            assertThat(smtp.command("MAIL FROM:<" + USER + ">")).singleElement().asString()
                    .startsWith("530 5.7.0 ");
        }
        // submissions is untouched
        connectWithJakartaMail(SUBMISSIONS);
    }

    @Test
    void withoutSaslNothingOffersAuthAndJakartaMailConnectsAnyway() throws Exception {
        start(PostfixServer.Builder::withoutSasl);

        try (Dialogue smtp = Dialogue.implicitTls(postfix.port(SUBMISSIONS))) {
            assertThat(smtp.hello())
                    .noneMatch(line -> line.substring(4).startsWith("AUTH"));
            assertThat(smtp.command("AUTH PLAIN " + plain(USER, PASSWORD))).singleElement().asString()
                    .startsWith("503 5.5.1 Error: authentication not enabled");
        }
        // the trap a verifier must not fall into: connect() "succeeds" without ever signing in
        connectWithJakartaMail(SUBMISSION);

        assertThat(postfix.awaitSessions(SUBMISSION, 1, LOG_WAIT)).singleElement().asString().contains("starttls=1 ")
                .doesNotContain("auth=");
        assertThat(dovecot.logLines()).noneMatch(line -> line.contains("service=smtp"));
    }

    @Test
    void tokensGoThroughDovecotsOauth2PassdbAndARejectedOneIsAnsweredWithAChallenge() throws Exception {
        endpoint = IntrospectionEndpoint.start();
        start(builder -> { }, dovecotSetup -> dovecotSetup.oauth2Introspection(endpoint.introspectionUrl(),
                "mail-integrator-test", "mail"));
        String valid = endpoint.issue(IntrospectionEndpoint.activeClaims(USER, "mail-integrator-test", "mail"));
        String expired = endpoint.issue(IntrospectionEndpoint.inactiveClaims());

        try (Dialogue smtp = Dialogue.implicitTls(postfix.port(SUBMISSIONS))) {
            assertThat(smtp.hello())
                    .anyMatch(line -> line.substring(4).startsWith("AUTH ") && line.contains("XOAUTH2")
                            && line.contains("OAUTHBEARER"));
            assertThat(smtp.command("AUTH XOAUTH2 " + xoauth2(USER, valid))).singleElement().asString()
                    .startsWith("235 2.7.0 ");
        }
        try (Dialogue smtp = Dialogue.implicitTls(postfix.port(SUBMISSIONS))) {
            smtp.hello();
            // a rejected token: Dovecot's JSON error as a 334 challenge (as Gmail does), then 535 once answered
            List<String> challenge = smtp.command("AUTH XOAUTH2 " + xoauth2(USER, expired));
            assertThat(challenge).singleElement().asString().startsWith("334 ");
            assertThat(new String(Base64.getDecoder().decode(challenge.get(0).substring(4)), StandardCharsets.UTF_8))
                    .contains("\"status\"");
            assertThat(smtp.command("")).singleElement().asString().startsWith("535 5.7.8 ");
        }

        assertThat(postfix.awaitSessions(SUBMISSIONS, 2, LOG_WAIT))
                .satisfiesExactly(first -> assertThat(first).contains("auth=1 "),
                        second -> assertThat(second).contains("auth=0/1 "));
        assertThat(endpoint.requestsFor(valid)).hasSize(1);
        assertThat(endpoint.requestsFor(expired)).hasSize(1);
        assertThat(postfix.logLines()).noneMatch(line -> line.contains(valid) || line.contains(expired));
    }

    private static String xoauth2(String user, String token) {
        return Base64.getEncoder().encodeToString(("user=" + user + "\u0001auth=Bearer " + token + "\u0001\u0001")
                .getBytes(StandardCharsets.UTF_8));
    }

    /** Connects (and, if the server offers AUTH, signs in) with Jakarta Mail, then closes. */
    private void connectWithJakartaMail(Listener listener) throws Exception {
        Transport transport = transport(listener.implicitTls() ? "smtps" : "smtp");
        transport.connect(HOST, postfix.port(listener), USER, PASSWORD);
        assertThat(transport.isConnected()).isTrue();
        transport.close();
    }

    /** A Jakarta Mail transport that trusts the test CA, checks the server's name and requires STARTTLS. */
    private static Transport transport(String protocol) throws Exception {
        String prefix = "mail." + protocol + ".";
        Properties properties = new Properties();
        properties.put(prefix + "auth", "true");
        properties.put(prefix + "auth.mechanisms", "PLAIN");
        properties.put(prefix + "localhost", "client.example.test");
        properties.put(prefix + "ssl.socketFactory", CERTIFICATES.clientSslContext().getSocketFactory());
        properties.put(prefix + "ssl.checkserveridentity", "true");
        properties.put(prefix + "connectiontimeout", "5000");
        properties.put(prefix + "timeout", "10000");
        if ("smtp".equals(protocol)) {
            properties.put(prefix + "starttls.enable", "true");
            properties.put(prefix + "starttls.required", "true");
        }
        return Session.getInstance(properties).getTransport(protocol);
    }

    private static String plain(String user, String password) {
        return Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** One SMTP connection on loopback, command by command. */
    private static final class Dialogue implements AutoCloseable {
        private Socket socket;
        private BufferedReader in;
        private OutputStream out;

        private Dialogue(Socket socket) throws IOException {
            use(socket);
        }

        static Dialogue plain(int port) throws IOException {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress(HOST, port), 5_000);
            socket.setSoTimeout(10_000);
            return new Dialogue(socket);
        }

        static Dialogue implicitTls(int port) throws IOException {
            Socket socket = CERTIFICATES.clientSslContext().getSocketFactory().createSocket();
            socket.connect(new InetSocketAddress(HOST, port), 5_000);
            socket.setSoTimeout(10_000);
            ((SSLSocket) socket).startHandshake();
            return new Dialogue(socket);
        }

        private void use(Socket next) throws IOException {
            socket = next;
            in = new BufferedReader(new InputStreamReader(next.getInputStream(), StandardCharsets.US_ASCII));
            out = next.getOutputStream();
        }

        void startTls() throws IOException {
            SSLSocket tls = (SSLSocket) CERTIFICATES.clientSslContext().getSocketFactory()
                    .createSocket(socket, HOST, socket.getPort(), true);
            tls.startHandshake();
            use(tls);
        }

        /** Reads the greeting, which must be 220, and says EHLO: the EHLO reply. */
        List<String> hello() throws IOException {
            assertThat(reply()).startsWith("220 ");
            return command("EHLO client.example.test");
        }

        /** The first line of the next reply (the greeting). */
        String reply() throws IOException {
            return replyLines().get(0);
        }

        List<String> command(String command) throws IOException {
            out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return replyLines();
        }

        private List<String> replyLines() throws IOException {
            List<String> lines = new ArrayList<>();
            String line;
            do {
                line = in.readLine();
                if (line == null) {
                    throw new IOException("the server closed the connection after " + lines);
                }
                lines.add(line);
            } while (line.length() > 3 && line.charAt(3) == '-');
            return lines;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
