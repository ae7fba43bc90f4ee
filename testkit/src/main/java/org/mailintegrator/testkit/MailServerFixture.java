package org.mailintegrator.testkit;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.EnumMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.PreferencePolicy;

/**
 * A mail server for tests: IMAP, IMAPS, POP3 and POP3S on free loopback ports, backed by GreenMail mailboxes,
 * with TLS certificates from a throw-away CA, STARTTLS/STLS on the cleartext services (offered, not offered, or
 * refused), a record of every line the services received, and each service able to be stopped or made to
 * misbehave during a test as an administrator or a firewall would ({@link Fault}). No JUnit needed: it is an {@link AutoCloseable}; see
 * {@link MailServerExtension} for the JUnit 5 layer.
 *
 * <pre>{@code
 * try (MailServerFixture server = MailServerFixture.builder()
 *         .user("alice@example.com", "secret")
 *         .stopped(Service.IMAP, Service.IMAPS)          // the KB's "stop the IMAP service"
 *         .start()) {
 *     Integrator integrator = Integrator.builder()
 *             .policy(server.route(Policies.blackBerry()))  // 993, 995, 143, 110 -> this server's ports
 *             .sslContext(server.clientSslContext())
 *             .build();
 *     IntegrationResult result = integrator.integrate(server.account("alice@example.com"));
 * }
 * }</pre>
 *
 * <p>GreenMail checks the credentials; a POP3 {@code AUTH PLAIN} or {@code AUTH XOAUTH2} it would reject is answered
 * by the fixture ({@code -ERR [AUTH] Authentication failed.}), because GreenMail logs each such rejection as an
 * error with a stack trace. GreenMail logs under {@code com.icegreen.greenmail}, every protocol line at DEBUG.
 *
 * <p>Every service has its own port, chosen at start and kept for the fixture's life, whatever faults are applied.
 * Closing the fixture stops every service and releases every thread and socket. This class is thread-safe.
 */
public final class MailServerFixture implements AutoCloseable {
    private static final AtomicInteger FIXTURES = new AtomicInteger();
    private static final int SESSION_CACHE_SIZE = 256;

    private final String host;
    private final TestCertificates certificates;
    private final Map<String, String> users;
    private final GreenMail greenMail;
    private final ExecutorService workers;
    private final Set<Thread> workerThreads = ConcurrentHashMap.newKeySet();
    /** How GreenMail's connection threads are named, e.g. {@code pop3:127.0.0.1:40321<-/127.0.0.1:51234}. */
    private final List<String> backendThreadPrefixes = new ArrayList<>();
    private final Map<Service, FrontDoor> doors = new EnumMap<>(Service.class);
    private final Map<Service, Fault> initialFaults;
    private final StartTls initialStartTls;
    private final CommandLog log = new CommandLog();

    private MailServerFixture(Builder builder) {
        this.host = builder.host;
        this.certificates = builder.certificates != null ? builder.certificates
                : TestCertificates.forHosts(builder.host, "localhost");
        this.users = Map.copyOf(builder.users);
        this.initialFaults = new EnumMap<>(builder.faults);
        this.initialStartTls = builder.startTls;
        InetAddress address = resolve(builder.host);
        ServerSetup imap = new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP);
        ServerSetup pop3 = new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_POP3);
        ServerSetup smtp = new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
        this.greenMail = new GreenMail(new ServerSetup[] {imap, pop3, smtp});
        int id = FIXTURES.incrementAndGet();
        this.workers = Executors.newCachedThreadPool(daemonThreads("testkit-" + id + "-connection-",
                workerThreads));
        boolean started = false;
        try {
            greenMail.start();
            backendThreadPrefixes.add(greenMail.getImap().getName() + "<-");
            backendThreadPrefixes.add(greenMail.getPop3().getName() + "<-");
            backendThreadPrefixes.add(greenMail.getSmtp().getName() + "<-");
            users.forEach((login, password) -> greenMail.setUser(login, login, password));
            builder.messages.forEach(message -> message.deliverTo(greenMail));
            InetSocketAddress imapBackend = new InetSocketAddress("127.0.0.1", greenMail.getImap().getPort());
            InetSocketAddress pop3Backend = new InetSocketAddress("127.0.0.1", greenMail.getPop3().getPort());
            InetSocketAddress smtpBackend = new InetSocketAddress("127.0.0.1", greenMail.getSmtp().getPort());
            SSLContext serverTls = certificates.serverSslContext();
            // a test server sees thousands of short connections: keep its TLS session cache small
            serverTls.getServerSessionContext().setSessionCacheSize(SESSION_CACHE_SIZE);
            for (Service service : Service.values()) {
                InetSocketAddress backend = switch (service.protocol()) {
                    case IMAP -> imapBackend;
                    case POP3 -> pop3Backend;
                    case SMTP -> smtpBackend;
                };
                FrontDoor door = new FrontDoor(service, address, backend, serverTls, workers, log, initialStartTls,
                        users);
                doors.put(service, door);
                door.apply(initialFaults.get(service));
            }
            started = true;
        } finally {
            if (!started) {
                close();
            }
        }
    }

    /** Starts a builder: all six services up (IMAP, IMAPS, POP3, POP3S, SMTP, SMTPS), no users, on 127.0.0.1, with a new CA. */
    public static Builder builder() {
        return new Builder();
    }

    /** The address every service listens on, e.g. {@code 127.0.0.1}. */
    public String host() {
        return host;
    }

    /** The port of {@code service}; stable for the fixture's life. */
    public int port(Service service) {
        return door(service).port();
    }

    /** The fault {@code service} currently has; empty when it serves normally. */
    public Optional<Fault> fault(Service service) {
        return Optional.ofNullable(door(service).fault());
    }

    /** Makes {@code service} misbehave from now on; connections already open are cut. */
    public void fault(Service service, Fault fault) {
        door(service).apply(Objects.requireNonNull(fault, "fault"));
    }

    /** Lets {@code service} serve normally again, on the same port. */
    public void heal(Service service) {
        door(service).apply(null);
    }

    /** Stops {@code service}, as an administrator would: its port refuses connections. */
    public void stop(Service service) {
        fault(service, Fault.REFUSE);
    }

    /** Starts {@code service} again after {@link #stop(Service)}; same as {@link #heal(Service)}. */
    public void start(Service service) {
        heal(service);
    }

    /**
     * Forgets what the services received so far ({@link #received()}, {@link #logins()}) and changes nothing else: a
     * service the test stopped stays stopped, a fault stays, STARTTLS stays as set, open connections stay open. For
     * a test that checks only what happens from here on. {@link #restore()} also puts every service back as built.
     */
    public void reset() {
        log.clear();
    }

    /**
     * Returns every service to how it was built, and forgets what the services received, as {@link #reset()} does:
     * a service the test stopped or made misbehave serves again (or is stopped again, if it was built stopped),
     * and STARTTLS is back to the builder's setting. Open connections are cut where a service's fault changes.
     * {@link MailServerExtension} calls it after each test when one fixture serves a whole test class.
     */
    public void restore() {
        for (Service service : Service.values()) {
            Fault initial = initialFaults.get(service);
            if (!Objects.equals(door(service).fault(), initial)) {
                door(service).apply(initial);
            }
            door(service).startTls(initialStartTls);
        }
        log.clear();
    }

    /**
     * Sets what the cleartext {@code service} ({@link Service#IMAP} or {@link Service#POP3}) does about
     * STARTTLS/STLS, for connections from now on.
     *
     * @throws IllegalArgumentException for a TLS service, which has no STARTTLS
     */
    public void startTls(Service service, StartTls mode) {
        Objects.requireNonNull(mode, "mode");
        if (service.isTls()) {
            throw new IllegalArgumentException(service + " is TLS from the first byte: STARTTLS does not apply");
        }
        door(service).startTls(mode);
    }

    /** What the cleartext {@code service} currently does about STARTTLS/STLS; null for a TLS service. */
    public @Nullable StartTls startTls(Service service) {
        return service.isTls() ? null : door(service).startTls();
    }

    /**
     * Every line the services received from clients since the start (or the last {@link #reset()} or
     * {@link #restore()}), in order, credentials included; at most 10,000 lines of at most 1,000 characters are
     * kept.
     */
    public List<ReceivedCommand> received() {
        return log.snapshot();
    }

    /**
     * How many logins the services received since the start (or the last {@link #reset()} or {@link #restore()}),
     * over all connections, accepted or not: IMAP {@code LOGIN} and {@code AUTHENTICATE}, POP3 {@code PASS},
     * {@code APOP} and {@code AUTH} (a SASL exchange counts once). As {@link HostileMailServer#logins()} counts them
     * for one service; {@link #logins(Service)} gives each service's share. Counted as the commands arrive, so a
     * login is counted even when a fault cuts the connection before the answer; unlike {@link #received()}, the
     * count has no bound.
     */
    public int logins() {
        return log.logins();
    }

    /** How many logins {@code service} received; see {@link #logins()}. */
    public int logins(Service service) {
        return log.logins(Objects.requireNonNull(service, "service"));
    }

    /** The lines {@code service} received; see {@link #received()}. */
    public List<ReceivedCommand> received(Service service) {
        Objects.requireNonNull(service, "service");
        return log.snapshot().stream().filter(command -> command.service() == service).toList();
    }

    /**
     * Whether {@code secret} reached any service outside TLS: as is, or inside a base64 token (the SASL PLAIN
     * and LOGIN forms). The server-side proof that a password never crossed the network in cleartext.
     */
    public boolean receivedInCleartext(String secret) {
        Objects.requireNonNull(secret, "secret");
        return log.containsInCleartext(secret);
    }

    /** Delivers a text message to the mailbox of {@code emailAddress}, e.g. to test what a client reads. */
    public void deliver(String emailAddress, String subject, String body) {
        new TestMessage(emailAddress, subject, body).deliverTo(greenMail);
    }

    /** The certificates the TLS services present. */
    public TestCertificates certificates() {
        return certificates;
    }

    /** A client TLS context that trusts this fixture's certificates (host names are still checked). */
    public SSLContext clientSslContext() {
        return certificates.clientSslContext();
    }

    /**
     * An account for a user of this fixture, with that user's password and the fixture's host.
     *
     * @throws IllegalArgumentException if no such user was added
     */
    public MailAccount account(String emailAddress) {
        return TestUsers.account(users, emailAddress, host, "fixture");
    }

    /**
     * {@code policy} with every candidate sent to this fixture: the host becomes {@link #host()}, a standard port
     * (993, 995, 143, 110) becomes the port of the service standing in for it, and any other port the port of the
     * service that speaks the candidate's protocol and security (see {@link Routing}).
     */
    public PreferencePolicy route(PreferencePolicy policy) {
        return Routing.to(this).apply(policy);
    }


    /** Stops every service and GreenMail, and waits for the fixture's threads to end. Idempotent. */
    @Override
    public void close() {
        doors.values().forEach(FrontDoor::close);
        workers.shutdownNow();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        try {
            workers.awaitTermination(10, TimeUnit.SECONDS);
            // a terminated pool's last threads may still be on their way out: wait until they are gone
            for (Thread thread : workerThreads) {
                thread.join(millisUntil(end));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        greenMail.stop();
        try {
            // GreenMail closes its connections on stop without waiting for their threads
            for (Thread thread : liveThreads()) {
                if (backendThreadPrefixes.stream().anyMatch(thread.getName()::startsWith)) {
                    thread.join(millisUntil(end));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        Map<Service, Object> state = new LinkedHashMap<>();
        doors.forEach((service, door) -> state.put(service, door.port() + (door.fault() == null ? "" : " " + door.fault())));
        return "MailServerFixture{host=" + host + ", services=" + state + ", users=" + users.keySet() + "}";
    }

    private FrontDoor door(Service service) {
        Objects.requireNonNull(service, "service");
        return Objects.requireNonNull(doors.get(service), "every service has a door");
    }

    private static InetAddress resolve(String host) {
        try {
            InetAddress address = InetAddress.getByName(host);
            if (!address.isLoopbackAddress()) {
                throw new IllegalArgumentException("a fixture listens on loopback only, not on " + host);
            }
            return address;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot resolve " + host, e);
        }
    }

    private static long millisUntil(long end) {
        return Math.max(TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()), 1);
    }

    private static List<Thread> liveThreads() {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] threads = new Thread[root.activeCount() + 16];
        int count = root.enumerate(threads, true);
        return Arrays.asList(threads).subList(0, count);
    }

    private static ThreadFactory daemonThreads(String prefix, Set<Thread> made) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            made.removeIf(old -> !old.isAlive());
            made.add(thread);
            return thread;
        };
    }

    /**
     * Configures and starts a {@link MailServerFixture}. Not thread-safe; each {@link #start()} makes a new,
     * independent fixture.
     */
    public static final class Builder {
        private String host = "127.0.0.1";
        private @Nullable TestCertificates certificates;
        private final Map<String, String> users = new LinkedHashMap<>();
        private final Map<Service, Fault> faults = new EnumMap<>(Service.class);
        private final List<TestMessage> messages = new ArrayList<>();
        private StartTls startTls = StartTls.OFFERED;

        private Builder() {
        }

        /**
         * What the cleartext services do about STARTTLS/STLS; default {@link StartTls#OFFERED}, as on a modern
         * server.
         */
        public Builder startTls(StartTls mode) {
            this.startTls = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** A text message waiting in the mailbox of {@code emailAddress} (a user of this fixture) at start. */
        public Builder message(String emailAddress, String subject, String body) {
            messages.add(new TestMessage(emailAddress, subject, body));
            return this;
        }

        /** The loopback address to listen on (127.0.0.0/8 or ::1); default {@code 127.0.0.1}. */
        public Builder host(String loopbackAddress) {
            this.host = Objects.requireNonNull(loopbackAddress, "loopbackAddress");
            return this;
        }

        /** Adds a mailbox whose login is the full address. */
        public Builder user(String emailAddress, String password) {
            Objects.requireNonNull(emailAddress, "emailAddress");
            Objects.requireNonNull(password, "password");
            users.put(emailAddress, password);
            return this;
        }

        /**
         * The certificates the TLS services present; default: a new CA with a certificate for the host and
         * {@code localhost}. Pass {@code certs.withServerNames(...)} or {@code certs.expired()} to test
         * certificate failures.
         */
        public Builder certificates(TestCertificates certificates) {
            this.certificates = Objects.requireNonNull(certificates, "certificates");
            return this;
        }

        /** Starts with these services stopped (connections refused). */
        public Builder stopped(Service... services) {
            for (Service service : services) {
                fault(service, Fault.REFUSE);
            }
            return this;
        }

        /** Starts with {@code service} misbehaving. */
        public Builder fault(Service service, Fault fault) {
            faults.put(Objects.requireNonNull(service, "service"), Objects.requireNonNull(fault, "fault"));
            return this;
        }

        /** Starts the fixture; every service is listening (or faulty as configured) when this returns. */
        public MailServerFixture start() {
            return new MailServerFixture(this);
        }
    }
}
