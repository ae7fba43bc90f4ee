package org.mailintegrator.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.mailintegrator.testkit.TestCertificates;

/**
 * A private Dovecot instance for interop tests: started from a temporary directory as a child process
 * ({@code dovecot -F -c <dir>/dovecot.conf}), with its own base and state directories, log file, passwd-file users
 * and maildirs, listening on free ports of loopback addresses only. The system-wide Dovecot service is neither
 * used nor touched.
 *
 * <pre>{@code
 * try (DovecotServer dovecot = DovecotServer.builder()
 *         .user("alice@example.test", "secret")
 *         .tls(TestCertificates.forHosts("127.0.0.1", "localhost"))
 *         .stop(DovecotServer.Listener.IMAP, DovecotServer.Listener.IMAPS)   // "the IMAP service is stopped"
 *         .start()) {
 *     int pop3s = dovecot.port(DovecotServer.Listener.POP3S);
 * }
 * }</pre>
 *
 * <p>Each of the four listeners ({@link Listener}) has a port reserved at build time even when it is stopped, so
 * that a client aimed at a stopped listener meets a port where nothing listens: the connection is refused.
 * {@link #start()} returns only once every running listener has served a connection and Dovecot logged it.
 *
 * <p>The instance keeps Dovecot's protective behaviour as it ships: every failed login is answered after
 * {@code auth_failure_delay} (2 s), and the client's address is then penalised (its next authentications wait 2,
 * 4, 8, up to 15 s); the process and connection limits are the stock ones ({@code default_process_limit} 100,
 * {@code mail_max_userip_connections} 10). Tests that fail logins on purpose see those delays, as users do.
 *
 * <p>With {@link Builder#oauth2Introspection}, users also sign in with OAuth 2.0 access tokens (SASL {@code XOAUTH2},
 * {@code OAUTHBEARER}), which Dovecot's {@code oauth2} passdb validates at a token introspection endpoint such as
 * {@link IntrospectionEndpoint}.
 *
 * <p>Dovecot runs its login and authentication processes as the system users {@code dovenull} and
 * {@code dovecot}, and mail access as {@code nobody}, so this class needs root (as CI has). Instances are
 * thread-safe for reading the log; {@link #close()} stops the process and deletes the directory.
 */
public final class DovecotServer extends PrivateServer<DovecotServer.Listener> {
    /** The Dovecot binary: {@code /usr/sbin/dovecot} as Debian installs it, else {@code dovecot} on the PATH. */
    public static final String DOVECOT = Files.isExecutable(Path.of("/usr/sbin/dovecot")) ? "/usr/sbin/dovecot"
            : "dovecot";

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(20);
    private static final String MAIL_USER = "nobody";
    private static final String MAIL_GROUP = "nogroup";

    /** The four services a client may reach, each with the IANA port it stands for. */
    public enum Listener {
        /** IMAP, cleartext with STARTTLS when TLS is configured; stands for port 143. */
        IMAP("imap", "imap-login", false, 143),
        /** IMAP over implicit TLS; stands for port 993. */
        IMAPS("imaps", "imap-login", true, 993),
        /** POP3, cleartext with STLS when TLS is configured; stands for port 110. */
        POP3("pop3", "pop3-login", false, 110),
        /** POP3 over implicit TLS; stands for port 995. */
        POP3S("pop3s", "pop3-login", true, 995);

        private final String listenerName;
        private final String loginService;
        private final boolean implicitTls;
        private final int standardPort;

        Listener(String listenerName, String loginService, boolean implicitTls, int standardPort) {
            this.listenerName = listenerName;
            this.loginService = loginService;
            this.implicitTls = implicitTls;
            this.standardPort = standardPort;
        }

        /** The port this listener stands in for: 143, 993, 110 or 995. */
        public int standardPort() {
            return standardPort;
        }

        /** Whether the listener speaks TLS from the first byte. */
        public boolean implicitTls() {
            return implicitTls;
        }

        boolean isImap() {
            return this == IMAP || this == IMAPS;
        }

        /** The listener that stands for {@code standardPort}. */
        public static Listener forStandardPort(int standardPort) {
            for (Listener listener : values()) {
                if (listener.standardPort == standardPort) {
                    return listener;
                }
            }
            throw new IllegalArgumentException("no Dovecot listener stands for port " + standardPort
                    + " (expected 143, 993, 110 or 995)");
        }
    }

    private final Path logFile;
    private final ServerLog log;

    private DovecotServer(Path directory, Path logFile, Process process, Map<Listener, String> addresses,
            Map<Listener, Integer> ports, Set<Listener> running) {
        super("Dovecot", directory, process, addresses, ports, running);
        this.logFile = logFile;
        this.log = new ServerLog("Dovecot", directory, List.of(logFile));
    }

    /** Starts describing a server: all four listeners on 127.0.0.1, no TLS, no users. */
    public static Builder builder() {
        return new Builder();
    }

    /** The port that stands for a standard port (143, 993, 110, 995); see {@link Listener#forStandardPort}. */
    @Override
    public int portFor(int standardPort) {
        return port(Listener.forStandardPort(standardPort));
    }

    /** The Dovecot log file ({@code log_path}). */
    public Path logFile() {
        return logFile;
    }

    /** The Dovecot log so far, one entry per line. */
    public List<String> logLines() {
        return log.lines();
    }

    /**
     * Waits until at least {@code count} log lines match {@code line}, and returns the matching lines. Dovecot
     * writes its log through a separate process, so a line can appear shortly after the client saw the
     * connection end; this waits on file-system change events, bounded by {@code timeout}.
     *
     * @throws AssertionError with the whole log if the lines do not appear in time
     */
    public List<String> awaitLogLines(String description, Predicate<String> line, int count, Duration timeout) {
        return log.await(description, line, count, timeout);
    }

    /**
     * Waits until the log has had no change event for {@code quiet} (Dovecot logs through a separate process, a
     * little after the connections end), bounded by {@code timeout}; for counting what a burst of clients did.
     *
     * @throws AssertionError if the log keeps changing until the timeout
     */
    public void awaitQuietLog(Duration quiet, Duration timeout) {
        log.awaitQuiet(quiet, timeout);
    }

    /**
     * Describes a {@link DovecotServer}. Not thread-safe.
     */
    public static final class Builder {
        private final Map<String, String> users = new LinkedHashMap<>();
        private final ListenerPlan<Listener> plan = new ListenerPlan<>(Listener.class);
        private TestCertificates certificates;
        private boolean disablePlaintextAuth;
        private boolean requireTls;
        private boolean standardPorts;
        private List<String> authMechanisms = List.of();
        private URI introspectionUrl;
        private String tokenAudience;
        private String tokenScope;
        private Path postfixAuthSocket;

        private Builder() {
        }

        /** Adds a mailbox user (the login name, e.g. a full address) with a plain-text password. */
        public Builder user(String name, String password) {
            for (String value : List.of(name, password)) {
                if (value.isEmpty() || value.chars().anyMatch(c -> c == ':' || Character.isISOControl(c)
                        || Character.isWhitespace(c))) {
                    throw new IllegalArgumentException("passwd-file values must be non-empty, without ':', space "
                            + "or control characters");
                }
            }
            users.put(name, password);
            return this;
        }

        /**
         * Turns TLS on ({@code ssl = yes}) with the server certificate chain and key of {@code certificates}. Without
         * this, Dovecot runs with {@code ssl = no} and the implicit-TLS listeners must be stopped.
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

        /** Binds the IMAP listeners to another loopback address. */
        public Builder imapAddress(String address) {
            return address(address, Listener.IMAP, Listener.IMAPS);
        }

        /** Binds the POP3 listeners to another loopback address, e.g. 127.0.0.2 for "pop.example.com". */
        public Builder popAddress(String address) {
            return address(address, Listener.POP3, Listener.POP3S);
        }

        /**
         * Binds the listeners to the standard ports 143, 993, 110 and 995 instead of free ones, for clients that must
         * be used unchanged (discovery names the standard ports). Use it with a loopback address of the test's own
         * ({@link #listenAddress(String)}), so that nothing else on the machine holds those ports there.
         */
        public Builder standardPorts() {
            this.standardPorts = true;
            return this;
        }

        /**
         * Binds all four listeners to another loopback address. A client connecting to, say, 127.0.0.2 gets
         * 127.0.0.1 as its source address (Linux's loopback route), so Dovecot no longer sees "the client's
         * address is mine" and stops treating its cleartext connections as secure.
         */
        public Builder listenAddress(String address) {
            return address(address, Listener.values());
        }

        /**
         * {@code disable_plaintext_auth = yes}: cleartext authentication is refused on connections that are not
         * secure (IMAP advertises {@code LOGINDISABLED} and answers {@code LOGIN} with {@code NO [PRIVACYREQUIRED]};
         * POP3 answers {@code USER} with {@code -ERR [AUTH]}). Dovecot counts as secure a TLS connection, a client in
         * {@code login_trusted_networks}, and a client whose IP address equals the server's: connect to a listener
         * on another loopback address ({@link #listenAddress(String)}) to see the refusal.
         */
        public Builder disablePlaintextAuth() {
            this.disablePlaintextAuth = true;
            return this;
        }

        /**
         * {@code ssl = required} instead of {@code ssl = yes}: no authentication at all before TLS on connections
         * that are not secure. Dovecot 2.3 exempts the same clients as {@link #disablePlaintextAuth()}, a client on
         * the server's own IP address included. Needs {@link #tls(TestCertificates)}.
         */
        public Builder requireTls() {
            this.requireTls = true;
            return this;
        }

        /**
         * {@code auth_mechanisms}: the SASL mechanisms Dovecot offers (its default is {@code plain}). Note that the
         * IMAP {@code LOGIN} command and POP3 {@code USER}/{@code PASS} work only while {@code plain} is among them.
         */
        public Builder authMechanisms(String... mechanisms) {
            for (String mechanism : mechanisms) {
                if (!mechanism.matches("[a-z0-9-]+")) {
                    throw new IllegalArgumentException("not a Dovecot mechanism name: " + mechanism);
                }
            }
            this.authMechanisms = List.of(mechanisms);
            return this;
        }

        /**
         * Signs users in with OAuth 2.0 access tokens as well: SASL {@code XOAUTH2} and {@code OAUTHBEARER} go to
         * Dovecot's {@code oauth2} passdb, which asks the token introspection endpoint (RFC 7662) at
         * {@code introspectionUrl} about each token ({@code POST} of {@code token=...}; credentials in the URL's
         * user info are sent as HTTP Basic, as RFC 7662 wants the resource server to authenticate). The token is
         * accepted when the answer says {@code "active":true}, names the user signing in as {@code email}, has
         * {@code scope} among its {@code scope} values and {@code audience} as its {@code aud}. The requests carry
         * Dovecot's {@code X-Dovecot-Auth-Service}, {@code -Local} and {@code -Remote} headers: which service and
         * listener the client signed in through. A token is never checked as a password; password users ({@link
         * #user}) keep signing in with the password mechanisms, and a token user without a password gets a
         * mailbox from a static userdb.
         *
         * <p>Dovecot 2.3 compares an introspected token's audience with nothing: {@code client_id} is only sent;
         * {@code scope} looks at {@code aud} only when the answer has no {@code scope}; and {@code active_attribute}
         * checks a single attribute, which must stay {@code active} (with {@code active_attribute = aud}, 2.3.19 lets
         * the answer {@code {"active":false}} through for want of an {@code aud}, then fails it for want of a user
         * name as a temporary failure, {@code [UNAVAILABLE]}, instead of a rejection). The audience is therefore
         * enforced by a {@code pass_attrs} condition that allows the login from no network
         * ({@code allow_nets=local}) unless {@code aud} equals {@code audience}; Dovecot logs {@code allow_nets check
         * failed} for such a token, and the client sees an ordinary authentication failure.
         *
         * <p>Without {@link #authMechanisms(String...)}, Dovecot offers {@code plain xoauth2 oauthbearer}.
         */
        public Builder oauth2Introspection(URI introspectionUrl, String audience, String scope) {
            Objects.requireNonNull(introspectionUrl, "introspectionUrl");
            if (!"http".equals(introspectionUrl.getScheme()) && !"https".equals(introspectionUrl.getScheme())) {
                throw new IllegalArgumentException("not an HTTP URL: " + introspectionUrl.getScheme());
            }
            try {
                if (!InetAddress.getByName(introspectionUrl.getHost()).isLoopbackAddress()) {
                    throw new IllegalArgumentException("the introspection endpoint must be on loopback");
                }
            } catch (IOException e) {
                throw new IllegalArgumentException("not a host: " + introspectionUrl.getHost(), e);
            }
            if (introspectionUrl.toString().chars().anyMatch(c -> Character.isWhitespace(c) || c < 0x20)) {
                throw new IllegalArgumentException("the introspection URL must not contain white space");
            }
            for (String value : List.of(audience, scope)) {
                // both end up in Dovecot's settings, one inside a %{if;...} expression
                if (!value.matches("[A-Za-z0-9._:/-]+")) {
                    throw new IllegalArgumentException("audience and scope are single words of letters, digits and "
                            + "._:/- only: " + value);
                }
            }
            this.introspectionUrl = introspectionUrl;
            this.tokenAudience = audience;
            this.tokenScope = scope;
            return this;
        }

        /**
         * Lets Postfix's SMTP server authenticate its clients through this Dovecot ({@code smtpd_sasl_type =
         * dovecot}): an auth client socket at {@code socket}, for the user {@code postfix} only, as Dovecot's stock
         * {@code conf.d/10-master.conf} suggests ("Postfix smtp-auth"). Every other setting, the failure delay
         * included, stays as it is; Postfix's logins are logged as {@code service=smtp}. See
         * {@link PostfixServer#saslSocket()}.
         */
        public Builder postfixAuthSocket(Path socket) {
            if (!socket.isAbsolute() || socket.toString().chars().anyMatch(c -> Character.isWhitespace(c)
                    || Character.isISOControl(c) || c == '{' || c == '}')) {
                throw new IllegalArgumentException("an absolute path without white space or braces: " + socket);
            }
            this.postfixAuthSocket = socket;
            return this;
        }

        private Builder address(String address, Listener... listeners) {
            plan.bind(address, listeners);
            return this;
        }

        /**
         * Writes the configuration, starts Dovecot and waits until every running listener has served a
         * connection.
         *
         * @throws IllegalStateException if Dovecot does not start, with its output and log
         */
        public DovecotServer start() {
            plan.requireStoppedWithoutTls(certificates != null, Listener::implicitTls);
            if (requireTls && certificates == null) {
                throw new IllegalStateException("requireTls() needs TLS: call tls(...)");
            }
            if (!"root".equals(System.getProperty("user.name"))) {
                throw new IllegalStateException("the Dovecot interop tests run Dovecot as root (as CI does): its "
                        + "login, auth and mail processes switch to the users dovenull, dovecot and nobody");
            }
            Map<Listener, Integer> ports = new EnumMap<>(Listener.class);
            for (Listener listener : Listener.values()) {
                ports.put(listener, standardPorts ? listener.standardPort() : PrivateServers.freePort(plan.address(listener)));
            }
            Set<Listener> running = plan.running();
            Path directory;
            try {
                directory = Files.createTempDirectory("dovecot-");
                // the login (dovenull) and auth (dovecot) processes must reach their sockets and the users file
                Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a directory for Dovecot", e);
            }
            Path logFile = directory.resolve("dovecot.log");
            Process process = null;
            try {
                Path config = writeFiles(directory, logFile, ports, running);
                ProcessBuilder command = new ProcessBuilder(DOVECOT, "-F", "-c", config.toString())
                        .redirectErrorStream(true)
                        .redirectOutput(directory.resolve("dovecot.out").toFile());
                process = command.start();
                DovecotServer server = new DovecotServer(directory, logFile,
                        process, plan.addresses(), Map.copyOf(ports), Set.copyOf(running));
                try {
                    server.awaitReady();
                } catch (RuntimeException | Error e) {
                    String diagnostics = diagnostics(directory, logFile);
                    server.close();
                    throw new IllegalStateException("Dovecot did not start: " + e.getMessage() + "\n" + diagnostics,
                            e);
                }
                return server;
            } catch (IOException e) {
                String diagnostics = diagnostics(directory, logFile);
                if (process != null) {
                    process.destroyForcibly();
                }
                PrivateServers.deleteRecursively(directory);
                throw new IllegalStateException("cannot start " + DOVECOT + ": " + e.getMessage() + "\n"
                        + diagnostics, e);
            }
        }

        private Path writeFiles(Path directory, Path logFile, Map<Listener, Integer> ports, Set<Listener> running)
                throws IOException {
            Path mail = Files.createDirectories(directory.resolve("mail"));
            PosixFileAttributeView mailOwner = Files.getFileAttributeView(mail, PosixFileAttributeView.class);
            UserPrincipalLookupService lookup = directory.getFileSystem().getUserPrincipalLookupService();
            mailOwner.setOwner(lookup.lookupPrincipalByName(MAIL_USER));
            mailOwner.setGroup(lookup.lookupPrincipalByGroupName(MAIL_GROUP));
            Files.createDirectories(directory.resolve("run"));
            Files.createDirectories(directory.resolve("state"));

            StringBuilder passwd = new StringBuilder();
            for (Map.Entry<String, String> user : users.entrySet()) {
                passwd.append(user.getKey()).append(":{PLAIN}").append(user.getValue()).append(':')
                        .append(MAIL_USER).append(':').append(MAIL_GROUP).append("::")
                        .append(mail.resolve(user.getKey())).append('\n');
            }
            Path usersFile = write(directory.resolve("users"), passwd.toString());

            List<String> protocols = new ArrayList<>();
            if (running.contains(Listener.IMAP) || running.contains(Listener.IMAPS)) {
                protocols.add("imap");
            }
            if (running.contains(Listener.POP3) || running.contains(Listener.POP3S)) {
                protocols.add("pop3");
            }
            List<String> mechanisms = authMechanisms.isEmpty() && introspectionUrl != null
                    ? List.of("plain", "xoauth2", "oauthbearer") : authMechanisms;
            StringBuilder conf = new StringBuilder()
                    .append("# A private Dovecot instance for the Mail Integrator interop tests.\n")
                    .append("base_dir = ").append(directory.resolve("run")).append('\n')
                    .append("state_dir = ").append(directory.resolve("state")).append('\n')
                    .append("log_path = ").append(logFile).append('\n')
                    .append("protocols = ").append(protocols.isEmpty() ? "none" : String.join(" ", protocols))
                    .append('\n')
                    .append("listen = ").append(plan.addresses().values().stream().distinct()
                            .collect(Collectors.joining(", "))).append('\n')
                    .append("default_login_user = dovenull\n")
                    .append("default_internal_user = dovecot\n")
                    .append("auth_verbose = yes\n")
                    .append("auth_debug = yes\n")
                    .append("disable_plaintext_auth = ").append(disablePlaintextAuth ? "yes" : "no").append('\n')
                    // both ports in the login log, so that a test can tell its connections apart
                    .append("login_log_format_elements = user=<%u> method=%m rip=%{rip} rport=%{rport} "
                            + "lip=%{lip} lport=%{lport} mpid=%e %c session=<%{session}>\n")
                    .append("mail_location = maildir:~/Maildir\n")
                    .append(mechanisms.isEmpty() ? "" : "auth_mechanisms = " + String.join(" ", mechanisms) + "\n");
            if (introspectionUrl != null) {
                Path oauth2 = write(directory.resolve("dovecot-oauth2.conf.ext"), oauth2Settings());
                // first, for the OAuth mechanisms only; a token it refuses ends the lookup: no other passdb ever
                // checks a token as if it were a password
                conf.append("passdb {\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n  args = ")
                        .append(oauth2).append('\n')
                        .append("  result_failure = return-fail\n  result_internalfail = return-fail\n}\n");
            }
            conf.append("passdb {\n  driver = passwd-file\n  args = scheme=PLAIN ").append(usersFile)
                    .append("\n}\n")
                    .append("userdb {\n  driver = passwd-file\n  args = ").append(usersFile).append("\n}\n");
            if (introspectionUrl != null) {
                // a token user has no entry in the users file: a mailbox of their own, all the same
                conf.append("userdb {\n  driver = static\n  args = uid=").append(MAIL_USER).append(" gid=")
                        .append(MAIL_GROUP).append(" home=").append(mail).append("/%u\n}\n");
            }
            if (postfixAuthSocket != null) {
                conf.append("service auth {\n  unix_listener ").append(postfixAuthSocket).append(" {\n")
                        .append("    mode = 0660\n    user = postfix\n    group = postfix\n  }\n}\n");
            }
            if (certificates != null) {
                Path cert = write(directory.resolve("server-chain.pem"), certificates.serverCertificateChainPem());
                Path key = write(directory.resolve("server-key.pem"), certificates.serverPrivateKeyPem());
                conf.append(requireTls ? "ssl = required\n" : "ssl = yes\n")
                        .append("ssl_cert = <").append(cert).append('\n')
                        .append("ssl_key = <").append(key).append('\n')
                        .append("ssl_min_protocol = TLSv1.2\n");
            } else {
                conf.append("ssl = no\n");
            }
            for (String service : List.of("imap-login", "pop3-login")) {
                conf.append("service ").append(service).append(" {\n");
                for (Listener listener : Listener.values()) {
                    if (!listener.loginService.equals(service)) {
                        continue;
                    }
                    // every default listener is redefined: a stopped one gets port 0, so it never binds 143/993
                    conf.append("  inet_listener ").append(listener.listenerName).append(" {\n")
                            .append("    address = ").append(plan.address(listener)).append('\n')
                            .append("    port = ").append(running.contains(listener) ? ports.get(listener) : 0)
                            .append('\n');
                    if (listener.implicitTls && certificates != null) {
                        conf.append("    ssl = yes\n");
                    }
                    conf.append("  }\n");
                }
                conf.append("}\n");
            }
            return write(directory.resolve("dovecot.conf"), conf.toString());
        }

        /** The settings of the {@code oauth2} passdb (Dovecot's {@code dovecot-oauth2.conf.ext}). */
        private String oauth2Settings() {
            return "# OAuth 2.0 access tokens, validated by token introspection (RFC 7662)\n"
                    + "introspection_url = " + introspectionUrl + "\n"
                    + "introspection_mode = post\n"
                    // the token must have been issued to the user signing in (compared after username_format %Lu)
                    + "username_attribute = email\n"
                    // RFC 7662: an expired, revoked or unknown token is answered {"active":false}
                    + "active_attribute = active\n"
                    + "active_value = true\n"
                    // one of the token's scope values; Dovecot looks at aud instead only if scope is missing
                    + "scope = " + tokenScope + "\n"
                    // Dovecot 2.3 has no audience check for introspected tokens: a token issued to another client
                    // is allowed from no network (allow_nets=local matches only a login without a remote address)
                    + "pass_attrs = allow_nets=%{if;%{oauth2:aud};eq;" + tokenAudience + ";0.0.0.0/0,::/0;local}\n"
                    // X-Dovecot-Auth-Service, -Local, -Remote: through which service and listener the login came
                    + "send_auth_headers = yes\n"
                    + "timeout_msecs = 10000\n";
        }

        private static Path write(Path file, String content) throws IOException {
            return PrivateServers.write(file, content, "rw-r--r--");
        }

        private static String diagnostics(Path directory, Path logFile) {
            return PrivateServers.diagnostics(directory.resolve("dovecot.out"), logFile,
                    directory.resolve("dovecot.conf"));
        }
    }

    /**
     * Connects to every running listener, closes, and waits until Dovecot logged that very connection: each
     * listener is bound, a login process served it, and the log is flowing.
     */
    private void awaitReady() {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        for (Listener listener : Listener.values()) {
            if (isRunning(listener)) {
                probe(listener, deadline);
            }
        }
    }

    /**
     * Opens a TCP connection to {@code listener}, closes it, and waits until Dovecot logged it (matched by the
     * client's port), so that the connection is over on both sides when this returns.
     *
     * @return the client's port of the probe connection, as Dovecot logs it ({@code rport=})
     * @throws IllegalStateException if the listener does not accept a connection in time
     * @throws AssertionError if Dovecot does not log the connection in time
     */
    public int probe(Listener listener) {
        return probe(listener, System.nanoTime() + STARTUP_TIMEOUT.toNanos());
    }

    private int probe(Listener listener, long deadline) {
        int clientPort = connectOnce(listener, deadline);
        awaitLogLines("the probe connection to " + listener,
                line -> line.contains("rport=" + clientPort + ",") && line.contains("lport=" + port(listener) + ","),
                1, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        return clientPort;
    }

    /**
     * The client ports of every connection to {@code listener} that Dovecot's login process has logged so far (a
     * connection is logged when it ends, and by its login, if any), in the order first logged. The probes of
     * {@link #probe(Listener)} and of start-up are among them.
     */
    public List<Integer> loggedClientPorts(Listener listener) {
        Pattern connection = Pattern.compile("rport=(\\d+), lip=[^,]+, lport=" + port(listener) + ",");
        Set<Integer> clientPorts = new LinkedHashSet<>();
        for (String line : logLines()) {
            Matcher matcher = connection.matcher(line);
            if (matcher.find()) {
                clientPorts.add(Integer.parseInt(matcher.group(1)));
            }
        }
        return List.copyOf(clientPorts);
    }

    private int connectOnce(Listener listener, long deadline) {
        InetSocketAddress target = new InetSocketAddress(address(listener), port(listener));
        long pauseMillis = 5;
        while (true) {
            if (!process().isAlive()) {
                throw new IllegalStateException("dovecot exited with status " + process().exitValue());
            }
            try (Socket socket = new Socket()) {
                socket.connect(target, 1_000);
                return socket.getLocalPort();
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(listener + " on " + target + " did not accept a connection within "
                            + STARTUP_TIMEOUT.toSeconds() + " s: " + notYet);
                }
            }
            try {
                // a bounded back-off between connection attempts, cut short if the process exits
                process().waitFor(pauseMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Dovecot", e);
            }
            pauseMillis = Math.min(pauseMillis * 2, 100);
        }
    }
}
