package org.mailintegrator.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mailintegrator.testkit.TestCertificates;

/**
 * A private Postfix 3.7 instance for the SMTP submission interop tests, as Debian 12 ships it (installed by
 * {@code .ci/install-postfix.sh}, the system-wide Postfix unconfigured and stopped): Postfix's {@code master} as a
 * child process ({@code master -c <dir>/conf -d}) with its own configuration, queue and data directories and its
 * own log file, the {@code submission} (STARTTLS, stands for 587) and {@code submissions} (implicit TLS, stands for
 * 465) services on free ports of a loopback address. SASL goes through a Dovecot auth socket: start a
 * {@link DovecotServer} with {@link DovecotServer.Builder#postfixAuthSocket(Path)} at {@link #saslSocket()}.
 *
 * <pre>{@code
 * TestCertificates certificates = TestCertificates.forHosts("127.0.0.1", "localhost");
 * try (PostfixServer postfix = PostfixServer.builder().tls(certificates).start();
 *      DovecotServer dovecot = DovecotServer.builder().user("alice@example.test", "secret").tls(certificates)
 *              .postfixAuthSocket(postfix.saslSocket()).start()) {
 *     int submissions = postfix.port(PostfixServer.Listener.SUBMISSIONS);
 * }
 * }</pre>
 *
 * <p><b>Stock settings kept.</b> {@code main.cf} is Debian's {@code main.cf.debian} followed by its
 * {@code main.cf.tls} (what the package's "Internet Site" set-up writes); {@code master.cf} is Debian's
 * {@code master.cf.dist} with its {@code submission} and {@code submissions} blocks enabled exactly as shipped
 * (commented out): STARTTLS required on submission ({@code smtpd_tls_security_level=encrypt}), AUTH only after
 * TLS ({@code smtpd_tls_auth_only=yes}), implicit TLS on submissions ({@code smtpd_tls_wrappermode=yes}), SASL
 * on, and {@code smtpd_recipient_restrictions=permit_sasl_authenticated,reject}. Every service stays chrooted as
 * shipped into the queue directory, which Debian's own {@code /usr/lib/postfix/configure-instance.sh} prepares,
 * as its service unit does. Postfix's protections are its defaults: {@code smtpd_error_sleep_time} 1 s after
 * {@code smtpd_soft_error_limit} 10 errors, {@code smtpd_hard_error_limit} 20, the anvil limits; and Dovecot's
 * auth server answers every failed authentication after its {@code auth_failure_delay} (2 s), Postfix's clients
 * included.
 *
 * <p><b>Settings changed</b>, each in the last section of the generated {@code main.cf}: the instance's
 * {@code queue_directory}, {@code data_directory} and {@code maillog_file} (with {@code maillog_file_prefixes}
 * allowing it); the test certificate as {@code smtpd_tls_cert_file}/{@code smtpd_tls_key_file} instead of the
 * snakeoil pair; {@code myhostname = localhost}, loopback and IPv4 only; {@code smtpd_sasl_type = dovecot} with
 * {@code smtpd_sasl_path = private/auth} (inside the chroot); and nothing ever leaves or is delivered:
 * {@code mydestination}, {@code relay_domains}, {@code mynetworks}, {@code relayhost} and {@code alias_maps} are
 * empty and every transport is {@code error}. In {@code master.cf} the two blocks listen on the instance's address
 * and ports instead of 587 and 465, a stopped listener's block stays commented out, and the port-25 {@code smtp}
 * service is commented out (a private instance must not hold port 25). Two faults can be asked for:
 * {@link Builder#stripStartTls()} and {@link Builder#withoutSasl()}.
 *
 * <p>{@link Builder#start()} returns once every running listener is bound (seen in {@code /proc/net/tcp}, without a
 * connection that would show up in the log). Needs root. Thread-safe; {@link #close()} stops master and every
 * process it started and deletes the directory.
 */
public final class PostfixServer extends PrivateServer<PostfixServer.Listener> {
    /** Postfix's master daemon as Debian installs it. */
    static final Path MASTER = Path.of("/usr/lib/postfix/sbin/master");
    static final Path STOCK_MAIN_CF = Path.of("/usr/share/postfix/main.cf.debian");
    static final Path STOCK_MAIN_CF_TLS = Path.of("/usr/share/postfix/main.cf.tls");
    static final Path STOCK_MASTER_CF = Path.of("/usr/share/postfix/master.cf.dist");
    private static final String POSTFIX = "/usr/sbin/postfix";
    private static final String POSTQUEUE = "/usr/sbin/postqueue";
    private static final String CONFIGURE_INSTANCE = "/usr/lib/postfix/configure-instance.sh";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(20);

    /** The two submission services, each with the IANA port it stands for. */
    public enum Listener {
        /** Message submission with STARTTLS required before AUTH (RFC 6409); stands for port 587. */
        SUBMISSION("submission", 587, false),
        /** Message submission over implicit TLS (RFC 8314); stands for port 465. */
        SUBMISSIONS("submissions", 465, true);

        private final String service;
        private final int standardPort;
        private final boolean implicitTls;

        Listener(String service, int standardPort, boolean implicitTls) {
            this.service = service;
            this.standardPort = standardPort;
            this.implicitTls = implicitTls;
        }

        /** The service's name in Debian's {@code master.cf}, and its {@code syslog_name} suffix. */
        public String service() {
            return service;
        }

        /** The port this listener stands in for: 587 or 465. */
        public int standardPort() {
            return standardPort;
        }

        /** Whether the listener speaks TLS from the first byte. */
        public boolean implicitTls() {
            return implicitTls;
        }

        /** The listener that stands for {@code standardPort}. */
        public static Listener forStandardPort(int standardPort) {
            for (Listener listener : values()) {
                if (listener.standardPort == standardPort) {
                    return listener;
                }
            }
            throw new IllegalArgumentException("no Postfix listener stands for port " + standardPort
                    + " (expected 587 or 465)");
        }
    }

    private final ServerLog log;

    private PostfixServer(Path directory, Process process, Map<Listener, String> addresses,
            Map<Listener, Integer> ports, Set<Listener> running) {
        super("Postfix", directory, process, addresses, ports, running);
        this.log = new ServerLog("Postfix", directory, List.of(directory.resolve("maillog")));
    }

    /** Starts describing a server: both listeners on 127.0.0.1. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public int portFor(int standardPort) {
        return port(Listener.forStandardPort(standardPort));
    }

    /**
     * Where Postfix's SMTP server looks for Dovecot's auth socket ({@code smtpd_sasl_path = private/auth}, inside
     * the chroot): give it to {@link DovecotServer.Builder#postfixAuthSocket(Path)}.
     */
    public Path saslSocket() {
        return directory().resolve("queue/private/auth");
    }

    /** Whether a log line came from {@code listener}'s SMTP server ({@code postfix/submissions/smtpd[pid]: ...}). */
    public static Predicate<String> from(Listener listener) {
        String ident = " postfix/" + listener.service + "/smtpd[";
        return line -> line.contains(ident);
    }

    /**
     * The commands of each finished session of {@code listener}, from its {@code disconnect from} lines in order,
     * e.g. {@code ehlo=2 starttls=1 auth=1 quit=1 commands=5} ({@code auth=0/1}: one AUTH, none accepted).
     */
    public List<String> sessions(Listener listener) {
        Pattern disconnect = Pattern.compile("disconnect from \\S+ (.*)$");
        return logLines().stream().filter(from(listener)).map(disconnect::matcher).filter(Matcher::find)
                .map(matcher -> matcher.group(1)).toList();
    }

    /**
     * Waits until {@code count} sessions of {@code listener} have ended (Postfix logs a session when it ends) and
     * returns them all, as {@link #sessions(Listener)} does.
     *
     * @throws AssertionError with the whole log if they do not end within {@code timeout}
     */
    public List<String> awaitSessions(Listener listener, int count, Duration timeout) {
        awaitLogLines(count + " finished session(s) of " + listener, from(listener)
                .and(line -> line.contains(": disconnect from ")), count, timeout);
        return sessions(listener);
    }

    /** What Postfix logged so far ({@code maillog_file}), one message per line. */
    public List<String> logLines() {
        return log.lines();
    }

    /**
     * Waits until at least {@code count} log lines match {@code line} and returns them.
     *
     * @throws AssertionError with the whole log if they do not appear within {@code timeout}
     */
    public List<String> awaitLogLines(String description, Predicate<String> line, int count, Duration timeout) {
        return log.await(description, line, count, timeout);
    }

    /**
     * Waits until the log has had no change for {@code quiet} (Postfix logs through its {@code postlogd}, a little
     * after the sessions end), bounded by {@code timeout}: for telling one client's sessions from the next one's.
     *
     * @throws AssertionError if the log keeps changing until the timeout
     */
    public void awaitQuietLog(Duration quiet, Duration timeout) {
        log.awaitQuiet(quiet, timeout);
    }

    /**
     * The instance's mail queue as {@code postqueue -p} lists it: {@code Mail queue is empty} when no message was
     * ever accepted (nothing is delivered, so an accepted message would stay there).
     */
    public String queueListing() {
        return PrivateServers.run(List.of(POSTQUEUE, "-c", directory().resolve("conf").toString(), "-p"), "",
                directory()).strip();
    }

    /** The generated {@code main.cf}. */
    public String mainCf() {
        return read(directory().resolve("conf/main.cf"));
    }

    /** The generated {@code master.cf}. */
    public String masterCf() {
        return read(directory().resolve("conf/master.cf"));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Describes a {@link PostfixServer}. Not thread-safe. */
    public static final class Builder {
        private final ListenerPlan<Listener> plan = new ListenerPlan<>(Listener.class);
        private TestCertificates certificates;
        private boolean stripStartTls;
        private boolean withoutSasl;

        private Builder() {
        }

        /**
         * The server certificate chain and key of {@code certificates} ({@code smtpd_tls_cert_file},
         * {@code smtpd_tls_key_file}). Required: both stock services need TLS.
         */
        public Builder tls(TestCertificates certificates) {
            this.certificates = Objects.requireNonNull(certificates, "certificates");
            return this;
        }

        /** Stops listeners: their ports refuse connections ("the service is stopped"). */
        public Builder stop(Listener... listeners) {
            plan.stop(listeners);
            return this;
        }

        /** Binds both listeners to another loopback address, e.g. 127.0.0.2 for "smtp.example.com". */
        public Builder listenAddress(String address) {
            plan.bind(address, Listener.values());
            return this;
        }

        /**
         * Leaves {@code STARTTLS} out of the submission service's EHLO reply, as a man in the middle stripping it
         * would ({@code smtpd_discard_ehlo_keywords=silent-discard,starttls}). The server's own protection stays:
         * TLS is still required ({@code smtpd_tls_security_level=encrypt}), so it offers no AUTH and refuses mail
         * until a STARTTLS that the client was never told about.
         */
        public Builder stripStartTls() {
            this.stripStartTls = true;
            return this;
        }

        /**
         * Turns authentication off on both services ({@code smtpd_sasl_auth_enable=no} in their blocks): a server
         * that offers no AUTH, so a client cannot verify credentials. It relays nothing all the same: the stock
         * {@code smtpd_recipient_restrictions=permit_sasl_authenticated,reject} rejects every recipient.
         */
        public Builder withoutSasl() {
            this.withoutSasl = true;
            return this;
        }

        /**
         * Writes the configuration, prepares the queue directory, starts master and waits until every running
         * listener is bound.
         *
         * @throws IllegalStateException if Postfix is not installed or does not start, with its output and log
         */
        public PostfixServer start() {
            for (Path path : List.of(MASTER, STOCK_MAIN_CF, STOCK_MAIN_CF_TLS, STOCK_MASTER_CF, Path.of(POSTFIX),
                    Path.of(POSTQUEUE), Path.of(CONFIGURE_INSTANCE))) {
                if (!Files.exists(path)) {
                    throw new IllegalStateException("Postfix is not installed: " + path + " is missing; run "
                            + "'sudo bash .ci/install-postfix.sh'");
                }
            }
            if (!"root".equals(System.getProperty("user.name"))) {
                throw new IllegalStateException("Postfix's master runs as root (as CI does)");
            }
            if (certificates == null) {
                throw new IllegalStateException("both submission services need TLS: call tls(...)");
            }
            Map<Listener, Integer> ports = plan.freePorts();
            Set<Listener> running = plan.running();
            Path directory;
            try {
                directory = Files.createTempDirectory("postfix-");
                // the chrooted services (user postfix) reach the queue directory through this one
                Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a directory for Postfix", e);
            }
            Path output = directory.resolve("master.out");
            Path maillog = directory.resolve("maillog");
            Process process = null;
            try {
                Path conf = writeFiles(directory, ports, running);
                // creates the queue's directories with Postfix's owners and modes (postfix-files)
                PrivateServers.run(List.of(POSTFIX, "-c", conf.toString(), "check"), "", directory);
                // what Debian's postfix service runs first: the chroot's etc files, CA directory and libraries
                PrivateServers.run(List.of("env", "MAIL_CONFIG=" + conf, CONFIGURE_INSTANCE, "-"), "", directory);
                process = new ProcessBuilder(MASTER.toString(), "-c", conf.toString(), "-d")
                        .redirectErrorStream(true).redirectOutput(output.toFile()).start();
                PostfixServer server = new PostfixServer(directory, process, plan.addresses(), Map.copyOf(ports),
                        Set.copyOf(running));
                Map<String, InetSocketAddress> endpoints = new LinkedHashMap<>();
                for (Listener listener : running) {
                    endpoints.put(listener.name(), new InetSocketAddress(plan.address(listener), ports.get(listener)));
                }
                try {
                    PrivateServers.awaitListening(process, endpoints, STARTUP_TIMEOUT);
                } catch (RuntimeException e) {
                    String diagnostics = PrivateServers.diagnostics(output, maillog, conf.resolve("master.cf"));
                    server.close();
                    throw new IllegalStateException("Postfix did not start: " + e.getMessage() + "\n" + diagnostics,
                            e);
                }
                return server;
            } catch (IOException | RuntimeException e) {
                String diagnostics = PrivateServers.diagnostics(output, maillog);
                if (process != null) {
                    PrivateServers.stop(process, SHUTDOWN_TIMEOUT);
                }
                PrivateServers.deleteRecursively(directory);
                throw new IllegalStateException("cannot start Postfix: " + e.getMessage() + "\n" + diagnostics, e);
            }
        }

        private Path writeFiles(Path directory, Map<Listener, Integer> ports, Set<Listener> running)
                throws IOException {
            Path conf = Files.createDirectories(directory.resolve("conf"));
            Files.createDirectories(directory.resolve("queue"));
            PrivateServers.directory(directory.resolve("data"), "rwx------", "postfix", "root");
            Path cert = PrivateServers.write(directory.resolve("server-chain.pem"),
                    certificates.serverCertificateChainPem(), "rw-r--r--");
            Path key = PrivateServers.write(directory.resolve("server-key.pem"), certificates.serverPrivateKeyPem(),
                    "rw-------");

            String tls = Files.readString(STOCK_MAIN_CF_TLS, StandardCharsets.UTF_8)
                    .replaceFirst("(?m)^smtpd_tls_cert_file=.*$", "smtpd_tls_cert_file=" + cert
                            + "\n# was: /etc/ssl/certs/ssl-cert-snakeoil.pem")
                    .replaceFirst("(?m)^smtpd_tls_key_file=.*$", "smtpd_tls_key_file=" + key
                            + "\n# was: /etc/ssl/private/ssl-cert-snakeoil.key");
            String main = Files.readString(STOCK_MAIN_CF, StandardCharsets.UTF_8) + tls + "\n"
                    + "# --- A private instance for the Mail Integrator interop tests: only what it must change ---\n"
                    + "queue_directory = " + directory.resolve("queue") + "\n"
                    + "data_directory = " + directory.resolve("data") + "\n"
                    + "maillog_file = " + directory.resolve("maillog") + "\n"
                    + "maillog_file_prefixes = " + directory + "\n"
                    + "myhostname = localhost\n"
                    + "inet_interfaces = loopback-only\n"
                    + "inet_protocols = ipv4\n"
                    + "# SASL through the interop Dovecot's auth socket, inside the chroot (the queue directory)\n"
                    + "smtpd_sasl_type = dovecot\n"
                    + "smtpd_sasl_path = private/auth\n"
                    + "# nothing is ever delivered, relayed or sent anywhere\n"
                    + "mydestination =\n"
                    + "relay_domains =\n"
                    + "mynetworks =\n"
                    + "relayhost =\n"
                    + "alias_maps =\n"
                    + "alias_database =\n"
                    + "default_transport = error:this test instance delivers nothing\n"
                    + "relay_transport = error:this test instance delivers nothing\n"
                    + "local_transport = error:this test instance delivers nothing\n"
                    + "virtual_transport = error:this test instance delivers nothing\n";
            PrivateServers.write(conf.resolve("main.cf"), main, "rw-r--r--");
            PrivateServers.write(conf.resolve("master.cf"), masterCf(ports, running), "rw-r--r--");
            return conf;
        }

        /**
         * Debian's {@code master.cf} with the submission blocks enabled on the instance's ports and the port-25
         * service commented out.
         */
        private String masterCf(Map<Listener, Integer> ports, Set<Listener> running) throws IOException {
            StringBuilder out = new StringBuilder();
            Listener block = null;
            for (String line : Files.readAllLines(STOCK_MASTER_CF, StandardCharsets.UTF_8)) {
                Listener starts = null;
                for (Listener listener : Listener.values()) {
                    if (line.matches("#" + listener.service + "\\s+inet\\s.*")) {
                        starts = listener;
                    }
                }
                if (starts != null) {
                    block = running.contains(starts) ? starts : null;
                    out.append(block == null ? line : line.replaceFirst("#" + starts.service,
                            plan.address(starts) + ":" + ports.get(starts))).append('\n');
                    if (block == Listener.SUBMISSION && stripStartTls) {
                        out.append("  -o smtpd_discard_ehlo_keywords=silent-discard,starttls\n");
                    }
                } else if (block != null && line.startsWith("#  -o ")) {
                    String option = line.substring(1);
                    out.append(withoutSasl ? option.replace("smtpd_sasl_auth_enable=yes", "smtpd_sasl_auth_enable=no")
                            : option).append('\n');
                } else if (line.matches("smtp\\s+inet\\s.*")) {
                    out.append('#').append(line).append('\n');
                    block = null;
                } else {
                    if (!line.startsWith("#     ")) {
                        block = null;
                    }
                    out.append(line).append('\n');
                }
            }
            for (Listener listener : running) {
                if (!out.toString().contains(plan.address(listener) + ":" + ports.get(listener) + " ")) {
                    throw new IllegalStateException("Debian's master.cf has no " + listener.service + " block");
                }
            }
            return out.toString();
        }
    }
}
