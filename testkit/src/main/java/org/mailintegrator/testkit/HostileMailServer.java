package org.mailintegrator.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;

/**
 * A scripted IMAP, POP3 or SMTP submission server on a free loopback port that misbehaves in one chosen way (one of the
 * {@link HostileBehaviour}s, or a {@link ServerBehaviour} of the test's own), to prove that a client survives it: that it ends with the right outcome, in bounded
 * time, and that its password went nowhere it should not. The server records every line it received and whether it
 * came over TLS, so that a test asserts what the server got, not only what the client says.
 *
 * <p>It speaks enough of each protocol for the real client (Angus Mail, through the {@code Integrator}) to reach the
 * attack: greeting, {@code CAPABILITY}/{@code CAPA}, a real TLS upgrade on {@code STARTTLS}/{@code STLS} with a
 * {@link TestCertificates} server certificate, {@code LOGIN} or {@code USER}/{@code PASS} checked against the users
 * given, and {@code LOGOUT}/{@code QUIT}. It listens in cleartext ({@link Service#IMAP}, {@link Service#POP3}) or
 * with implicit TLS ({@link Service#IMAPS}, {@link Service#POP3S}).
 *
 * <pre>{@code
 * try (HostileMailServer server = HostileMailServer.builder(Service.IMAP, HostileBehaviour.STARTTLS_STRIPPED)
 *         .user("alice@example.com", "secret")
 *         .start()) {
 *     Integrator integrator = Integrator.builder()
 *             .policy(account -> List.of(server.candidate(Security.STARTTLS)))
 *             .sslContext(server.clientSslContext())
 *             .readTimeout(Duration.ofSeconds(1))
 *             .build();
 *
 *     IntegrationResult result = integrator.integrate(server.account("alice@example.com"));
 *
 *     assertThat(result.attempts().get(0).outcome()).isEqualTo(Outcome.TLS_FAILED);
 *     assertThat(server.received()).noneMatch(command -> command.line().contains("secret"));
 * }
 * }</pre>
 *
 * <p>Each connection is served by a thread of its own; {@link #close()} closes the listener and every connection and
 * waits for those threads to end. No JUnit needed. This class is thread-safe.
 */
public final class HostileMailServer implements AutoCloseable {
    private static final AtomicInteger SERVERS = new AtomicInteger();
    private static final long JOIN_MILLIS = 5_000;

    private final Service service;
    private final ServerBehaviour behaviour;
    private final Map<String, String> users;
    private final TestCertificates certificates;
    private final SSLContext serverTls;
    private final String referral;
    private final long bombSize;
    private final long literalSize;
    private final int maxConnections;
    private final CommandLog log = new CommandLog();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger closedAtLimit = new AtomicInteger();
    private final AtomicInteger logins = new AtomicInteger();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final ServerSocket listener;
    private final Thread acceptor;
    private final String name;
    private volatile boolean closed;

    private HostileMailServer(Builder builder) {
        this.service = builder.service;
        this.behaviour = builder.behaviour;
        this.users = Map.copyOf(builder.users);
        this.certificates = builder.certificates != null ? builder.certificates
                : TestCertificates.forHosts("127.0.0.1", "localhost");
        this.serverTls = certificates.serverSslContext();
        this.referral = builder.referral;
        this.bombSize = builder.bombSize;
        this.literalSize = builder.literalSize;
        this.maxConnections = builder.maxConnections;
        this.name = "hostile-" + SERVERS.incrementAndGet() + "-" + service.name() + "-" + behaviour;
        try {
            listener = new ServerSocket();
            listener.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1", e);
        }
        acceptor = new Thread(this::acceptLoop, name + "-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Starts a builder for a server of {@code service} (cleartext or implicit TLS, IMAP, POP3 or SMTP) that misbehaves as
     * the built-in {@code behaviour} says. Same as {@link #builder(Service, ServerBehaviour)}.
     *
     * @throws IllegalArgumentException if the behaviour does not exist in the service's protocol
     */
    public static Builder builder(Service service, HostileBehaviour behaviour) {
        return builder(service, (ServerBehaviour) behaviour);
    }

    /**
     * Starts a builder for a server of {@code service} (cleartext or implicit TLS, IMAP, POP3 or SMTP) that misbehaves as
     * {@code behaviour} says: a {@link HostileBehaviour}, a {@link ProviderBehaviour}, or a behaviour of the caller's
     * own.
     *
     * @throws IllegalArgumentException if the behaviour does not exist in the service's protocol
     *     ({@link ServerBehaviour#appliesTo(MailProtocol)})
     */
    public static Builder builder(Service service, ServerBehaviour behaviour) {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(behaviour, "behaviour");
        if (!behaviour.appliesTo(service.protocol())) {
            throw new IllegalArgumentException(behaviour + " does not exist in " + service.protocol());
        }
        return new Builder(service, behaviour);
    }

    /** The service the server speaks: which protocol, in cleartext or with implicit TLS. */
    public Service service() {
        return service;
    }

    /**
     * The built-in behaviour of this server.
     *
     * @throws IllegalStateException if the server was built with a {@link ServerBehaviour} of the caller's own;
     *     {@link #serverBehaviour()} returns either kind
     */
    public HostileBehaviour behaviour() {
        if (behaviour instanceof HostileBehaviour) {
            return (HostileBehaviour) behaviour;
        }
        throw new IllegalStateException(this + " runs a custom behaviour, not a HostileBehaviour; use serverBehaviour()");
    }

    /** The behaviour of this server, built-in or not. */
    public ServerBehaviour serverBehaviour() {
        return behaviour;
    }

    /** Always {@code 127.0.0.1}. */
    public String host() {
        return "127.0.0.1";
    }

    /** The port the server listens on, chosen free when it started. */
    public int port() {
        return listener.getLocalPort();
    }

    /** A candidate for this server with the given security (which need not match the service: that is a test too). */
    public ProtocolCandidate candidate(Security security) {
        return ProtocolCandidate.of(service.protocol(), security, host(), port());
    }

    /** The certificates the server presents on TLS. */
    public TestCertificates certificates() {
        return certificates;
    }

    /** A client TLS context that trusts this server's certificate (host names are still checked). */
    public SSLContext clientSslContext() {
        return certificates.clientSslContext();
    }

    /**
     * An account for a user of this server, with that user's password and this server's host.
     *
     * @throws IllegalArgumentException if no such user was added
     */
    public MailAccount account(String emailAddress) {
        return TestUsers.account(users, emailAddress, host(), "server");
    }

    /**
     * Every line received so far, in order, over all connections, with whether it came over TLS. Lines are kept as
     * sent, credentials included, at most 1,000 characters each and 10,000 lines in all.
     */
    public List<ReceivedCommand> received() {
        return log.snapshot();
    }

    /** Whether {@code secret} arrived without TLS, as is or inside a base64 token (SASL PLAIN and LOGIN). */
    public boolean receivedInCleartext(String secret) {
        Objects.requireNonNull(secret, "secret");
        return log.containsInCleartext(secret);
    }

    /**
     * How many logins (IMAP {@code LOGIN}, POP3 {@code PASS} after a {@code USER}) the server has answered or handed
     * to its behaviour's {@link ServerBehaviour#login login} hook, over all its connections; each is numbered
     * ({@link ServerBehaviour.Login#number()}). A login line cut off by {@link HostileBehaviour#RESET_MID_LOGIN} is
     * not counted.
     */
    public int logins() {
        return logins.get();
    }

    /** Counts a login and returns its number, from 1. */
    int countLogin() {
        return logins.incrementAndGet();
    }

    /**
     * How many TCP connections the server has accepted and served, not counting those it closed at once because
     * {@linkplain Builder#maxConnections(int) too many were open}.
     */
    public int connections() {
        return connections.get();
    }

    /**
     * How many connections the server closed as soon as it accepted them, without a word, because
     * {@linkplain Builder#maxConnections(int) as many as it allows} were open.
     */
    public int connectionsClosedAtLimit() {
        return closedAtLimit.get();
    }

    /** Stops listening, closes every connection and waits for the server's threads to end. Idempotent. */
    @Override
    public void close() {
        closed = true;
        closeQuietly(listener);
        sockets.forEach(HostileMailServer::closeQuietly);
        join(acceptor);
        threads.forEach(HostileMailServer::join);
    }

    @Override
    public String toString() {
        return "HostileMailServer{" + service.name() + " " + behaviour + " on " + host() + ":" + port() + "}";
    }

    Map<String, String> users() {
        return users;
    }

    SSLContext serverTls() {
        return serverTls;
    }

    String referral() {
        return referral;
    }

    long bombSize() {
        return bombSize;
    }

    long literalSize() {
        return literalSize;
    }

    void record(String line, boolean overTls) {
        String kept = line.length() > CommandLog.MAX_LINE ? line.substring(0, CommandLog.MAX_LINE) : line;
        log.add(service, kept, overTls);
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException listenerClosed) {
                return;
            }
            if (maxConnections > 0 && sockets.size() >= maxConnections) {
                // couriertcpd's MAXPERIP: no greeting, no error, no TLS alert; the connection just ends
                closedAtLimit.incrementAndGet();
                closeQuietly(client);
                continue;
            }
            connections.incrementAndGet();
            sockets.add(client);
            Thread worker = new Thread(() -> serve(client), name + "-connection-" + connections.get());
            worker.setDaemon(true);
            threads.add(worker);
            if (closed) {
                closeQuietly(client);
            }
            worker.start();
        }
    }

    private void serve(Socket client) {
        try {
            HostileSession session = switch (service.protocol()) {
                case IMAP -> new HostileImapSession(this, client);
                case POP3 -> new HostilePop3Session(this, client);
                case SMTP -> new HostileSmtpSession(this, client);
            };
            session.run();
        } catch (IOException | RuntimeException connectionEnded) {
            // the client went away, the behaviour ended the connection, or the server is closing
        } finally {
            closeQuietly(client);
            sockets.remove(client);
            threads.remove(Thread.currentThread());
        }
    }

    private static void join(Thread thread) {
        try {
            thread.join(JOIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing is best effort
        }
    }

    /** Builds a {@link HostileMailServer}. Not thread-safe. */
    public static final class Builder {
        private final Service service;
        private final ServerBehaviour behaviour;
        private final Map<String, String> users = new LinkedHashMap<>();
        private @Nullable TestCertificates certificates;
        private String referral = "imap://evil.example/";
        private long bombSize = 8L << 20;
        private long literalSize = 4_294_967_296L;
        private int maxConnections;

        private Builder(Service service, ServerBehaviour behaviour) {
            this.service = service;
            this.behaviour = behaviour;
        }

        /** A user whose {@code LOGIN} or {@code USER}/{@code PASS} the server accepts (when its behaviour lets it). */
        public Builder user(String emailAddress, String password) {
            users.put(Objects.requireNonNull(emailAddress, "emailAddress"), Objects.requireNonNull(password, "password"));
            return this;
        }

        /** The certificates to present; default: new ones for {@code 127.0.0.1} and {@code localhost}. */
        public Builder certificates(TestCertificates certificates) {
            this.certificates = Objects.requireNonNull(certificates, "certificates");
            return this;
        }

        /** Where {@link HostileBehaviour#LOGIN_REFERRAL} sends the client; default {@code imap://evil.example/}. */
        public Builder referral(String url) {
            this.referral = Objects.requireNonNull(url, "url");
            return this;
        }

        /**
         * How many bytes {@link HostileBehaviour#HUGE_CAPABILITY} sends in its one line, and
         * {@link HostileBehaviour#CAPABILITY_FLOOD} in all; default 8 MiB.
         */
        public Builder bombSize(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("bombSize must be positive, was " + bytes);
            }
            this.bombSize = bytes;
            return this;
        }

        /** The literal size {@link HostileBehaviour#HUGE_LITERAL} announces; default 4294967296 (4 GiB). */
        public Builder literalSize(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("literalSize must be positive, was " + bytes);
            }
            this.literalSize = bytes;
            return this;
        }

        /**
         * The most connections the server serves at once: while {@code max} are open, it closes every further one as
         * soon as it accepts it, without a word (before any greeting, and on an implicit TLS service before the
         * handshake), as Courier's {@code couriertcpd} does beyond {@code MAXPERIP} connections from one address.
         * Default: no limit.
         *
         * @throws IllegalArgumentException if {@code max} is less than 1
         */
        public Builder maxConnections(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxConnections must be at least 1, was " + max);
            }
            this.maxConnections = max;
            return this;
        }

        /** Starts listening on a free port of {@code 127.0.0.1}. */
        public HostileMailServer start() {
            return new HostileMailServer(this);
        }
    }
}
