package org.mailintegrator.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.mailintegrator.testkit.TestCertificates;

/**
 * A private Courier IMAP 5.0 / Courier POP3 instance for interop tests, as Debian 12 ships them (courier-imap and
 * courier-pop unpacked by {@code .ci/install-cyrus-courier.sh} into {@link PrivateServers#PREFIX}; courier-base,
 * courier-authlib, courier-authdaemon and courier-authlib-userdb installed): {@code authdaemond} and one
 * {@code couriertcpd} per listener, started the way Debian's {@code /usr/lib/courier/imapd}, {@code imapd-ssl},
 * {@code pop3d} and {@code pop3d-ssl} scripts start them, from copies of Debian's configuration files, on free
 * ports of a loopback address, with a userdb of the test's users and maildirs in a temporary directory.
 *
 * <pre>{@code
 * try (CourierServer courier = CourierServer.builder()
 *         .user("alice@example.test", "secret")
 *         .tls(TestCertificates.forHosts("127.0.0.1", "localhost"))
 *         .stop(MailListener.IMAP, MailListener.IMAPS)   // "the IMAP service is stopped"
 *         .start()) {
 *     int pop3s = courier.port(MailListener.POP3S);
 * }
 * }</pre>
 *
 * <p><b>A mount namespace of its own.</b> Courier's programs have their paths compiled in: the configuration
 * directory {@code /etc/courier} (authdaemonrc, userdb.dat, the certificates), the authentication socket
 * {@code /run/courier/authdaemon/socket}, and the pid files the scripts name ({@code makeimapaccess} signals the
 * couriertcpd of {@code /run/courier/imapd.pid}). The instance therefore runs in a mount namespace of its own
 * ({@code unshare --mount}) in which its directory's {@code etc} is bind-mounted on {@code /etc/courier} and its
 * {@code run} on {@code /run/courier}; the machine's files are neither read at run time nor changed, and
 * instances do not see each other.
 *
 * <p><b>Stock settings kept.</b> The private {@code /etc/courier} is the machine's (authdaemonrc, dhparams.pem and
 * the directories courier-base and courier-authdaemon install) with Debian's imapd, imapd-ssl, pop3d and pop3d-ssl
 * from the packages over it; everything a private instance does not have to change stays as shipped, protective
 * behaviour included: {@code MAXPERIP=4} for POP3 (Debian's imapd says {@code MAXPERIP=20} for IMAP), beyond which
 * couriertcpd closes a new connection at once without a word and logs {@code ALERT: Maximum connection limit
 * reached for ::ffff:127.0.0.1}; {@code MAXDAEMONS=40}; {@code IMAP_ULIMITD}; {@code TCPDOPTS}; the access file;
 * STARTTLS and STLS offered, TLS not required.
 *
 * <p><b>Settings changed</b>, each recorded in a comment in the copied files: {@code ADDRESS}/{@code PORT} and
 * {@code SSLADDRESS}/{@code SSLPORT} (a loopback address and free ports in place of all addresses and 143, 110,
 * 993, 995); {@code TLS_CACHEFILE} (in the instance's directory instead of the machine's /var/lib/courier);
 * {@code IMAPDSTART}, {@code IMAPDSSLSTART}, {@code POP3DSTART}, {@code POP3DSSLSTART} {@code =NO} for a stopped
 * listener (how Debian's init scripts are told); without {@link Builder#tls}, {@code IMAPDSTARTTLS=NO} and
 * {@code POP3_STARTTLS=NO} (no certificate to offer); {@code authmodulelist="authuserdb"} in authdaemonrc (the
 * test's users in a userdb, built with Debian's {@code makeuserdb}, passwords hashed with {@code userdbpw -md5},
 * in place of Debian's {@code authpam} and the machine's accounts). The certificate is the test's, written where
 * Debian's postinst puts its self-signed one ({@code /etc/courier/imapd.pem}, {@code pop3d.pem}). Instead of
 * {@code courierlogger -start}, which detaches and sends the programs' standard error to syslog, each program's
 * standard error goes to a log file of its own: {@link #logLines(MailListener)}.
 *
 * <p>{@link Builder#start()} returns once every running listener is bound (seen in {@code /proc/net/tcp}, without
 * connecting) and authdaemond's socket exists. Needs root. {@link #close()} stops every process of the instance and
 * deletes its directory.
 */
public final class CourierServer extends PrivateServer<MailListener> {
    static final Path STOCK_ETC = PrivateServers.PREFIX.resolve("etc/courier");
    private static final Path MACHINE_ETC = Path.of("/etc/courier");
    private static final Path LIBEXEC = PrivateServers.PREFIX.resolve("usr/lib/courier/courier");
    private static final Path IMAPD = PrivateServers.PREFIX.resolve("usr/bin/imapd");
    private static final String MAIL_USER = "nobody";
    private static final String MAIL_GROUP = "nogroup";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(20);


    private CourierServer(Path directory, Process process, Map<MailListener, String> addresses,
            Map<MailListener, Integer> ports, Set<MailListener> running) {
        super("Courier", directory, process, addresses, ports, running);
    }

    /** Starts describing a server: all four listeners on 127.0.0.1, no TLS, no users. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public int portFor(int standardPort) {
        return port(MailListener.forStandardPort(standardPort));
    }

    /**
     * What {@code listener}'s couriertcpd and the login and mail programs under it wrote to standard error so far:
     * {@code DEBUG: Connection, ip=[::ffff:127.0.0.1], port=[55178]}, {@code INFO: LOGIN, user=alice@example.test,
     * ip=[...], port=[...], protocol=IMAP}, {@code INFO: LOGIN FAILED, ...}, {@code ALERT: Maximum connection limit
     * reached for ::ffff:127.0.0.1}.
     */
    public List<String> logLines(MailListener listener) {
        return ServerLog.lines(logFile(listener));
    }

    /** What authdaemond wrote so far. */
    public List<String> authLogLines() {
        return ServerLog.lines(directory().resolve("authdaemon.log"));
    }

    /**
     * Waits until at least {@code count} lines of {@code listener}'s log match {@code line} and returns them.
     *
     * @throws AssertionError with that log if they do not appear within {@code timeout}
     */
    public List<String> awaitLogLines(MailListener listener, String description, Predicate<String> line, int count,
            Duration timeout) {
        return new ServerLog("Courier " + listener, directory(), List.of(logFile(listener)))
                .await(description, line, count, timeout);
    }

    /** Waits until no log has changed for {@code quiet} (bounded by {@code timeout}). */
    public void awaitQuietLog(Duration quiet, Duration timeout) {
        new ServerLog("Courier", directory(), List.of()).awaitQuiet(quiet, timeout);
    }

    /** The copied and changed configuration file {@code name} ({@code imapd}, {@code pop3d-ssl}, ...). */
    public String configFile(String name) {
        try {
            return Files.readString(directory().resolve("etc").resolve(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
    }

    private Path logFile(MailListener listener) {
        return directory().resolve(logName(listener));
    }

    private static String logName(MailListener listener) {
        return listener.name().toLowerCase(java.util.Locale.ROOT) + ".log";
    }

    /** Describes a {@link CourierServer}. Not thread-safe. */
    public static final class Builder {
        private final Map<String, String[]> users = new LinkedHashMap<>();
        private final ListenerPlan<MailListener> plan = new ListenerPlan<>(MailListener.class);
        private TestCertificates certificates;

        private Builder() {
        }

        /** Adds a mailbox user (the login name, e.g. a full address) with a password. */
        public Builder user(String name, String password) {
            return user(name, password, new String[0]);
        }

        /**
         * Adds a user with per-account options, Courier's {@code options} field of the userdb (comma-separated
         * {@code name=value}), e.g. {@code disablepop3=1}, {@code disableimap=1}.
         */
        public Builder user(String name, String password, String... options) {
            if (name.isEmpty() || !name.matches("[A-Za-z0-9._@+-]+")) {
                throw new IllegalArgumentException("a user name here is letters, digits and ._@+- only: " + name);
            }
            if (password.isEmpty() || password.chars().anyMatch(c -> c == '\n' || c == '\r' || c == 0)) {
                throw new IllegalArgumentException("the password must be one non-empty line");
            }
            for (String option : options) {
                if (!option.matches("[a-z0-9_]+=[A-Za-z0-9_]+")) {
                    throw new IllegalArgumentException("not a userdb option: " + option);
                }
            }
            users.put(name, new String[] {password, String.join(",", options)});
            return this;
        }

        /**
         * TLS with the server certificate chain and key of {@code certificates}: IMAPS and POP3S, STARTTLS and STLS
         * (Debian's defaults). Without it, the implicit-TLS listeners must be stopped, and STARTTLS and STLS are not
         * offered.
         */
        public Builder tls(TestCertificates certificates) {
            this.certificates = Objects.requireNonNull(certificates, "certificates");
            return this;
        }

        /** Stops listeners: their ports refuse connections ("the service is stopped"). */
        public Builder stop(MailListener... listeners) {
            plan.stop(listeners);
            return this;
        }

        /** Binds the POP3 listeners to another loopback address, e.g. 127.0.0.2 for "pop.example.com". */
        public Builder popAddress(String address) {
            plan.bind(address, MailListener.POP3, MailListener.POP3S);
            return this;
        }

        /**
         * Writes the files, starts authdaemond and the running listeners, and waits until they are ready.
         *
         * @throws IllegalStateException if Courier is not installed or does not start, with its output
         */
        public CourierServer start() {
            PrivateServers.requireInstalled("Courier IMAP and POP3", LIBEXEC.resolve("imaplogin"), IMAPD,
                    LIBEXEC.resolve("courierpop3login"), LIBEXEC.resolve("courierpop3d"),
                    STOCK_ETC.resolve("imapd"), STOCK_ETC.resolve("pop3d"), MACHINE_ETC.resolve("authdaemonrc"),
                    Path.of("/usr/sbin/couriertcpd"), Path.of("/usr/sbin/makeuserdb"), Path.of("/usr/sbin/userdbpw"),
                    Path.of("/usr/lib/courier/courier-authlib/authdaemond"));
            plan.requireStoppedWithoutTls(certificates != null, MailListener::implicitTls);
            Map<MailListener, Integer> ports = plan.freePorts();
            Set<MailListener> running = plan.running();
            Path directory;
            try {
                directory = Files.createTempDirectory("courier-");
                Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a directory for Courier", e);
            }
            Path output = directory.resolve("start.out");
            Process process = null;
            try {
                Path script = writeFiles(directory, ports);
                // a session and process group of its own, as a daemon has (Debian starts it detached): a
                // signal to its process group must not reach the test's JVM. (Without it, a suite run was
                // once ended by a SIGTERM to the JVM's group while a Courier instance stopped.)
                process = new ProcessBuilder("setsid", "unshare", "--mount", "--propagation", "private",
                        "/bin/sh", script.toString())
                        .directory(directory.toFile())
                        .redirectErrorStream(true).redirectOutput(output.toFile()).start();
                CourierServer server = new CourierServer(directory, process, plan.addresses(),
                        Map.copyOf(ports), Set.copyOf(running));
                try {
                    Map<String, InetSocketAddress> endpoints = new LinkedHashMap<>();
                    for (MailListener listener : running) {
                        endpoints.put(listener.toString(), new InetSocketAddress(plan.address(listener),
                                ports.get(listener)));
                    }
                    PrivateServers.awaitListening(process, endpoints, STARTUP_TIMEOUT);
                    awaitAuthdaemon(process, directory.resolve("run/authdaemon/socket"));
                } catch (RuntimeException e) {
                    String diagnostics = diagnostics(directory);
                    server.close();
                    throw new IllegalStateException("Courier did not start: " + e.getMessage() + "\n" + diagnostics,
                            e);
                }
                return server;
            } catch (IOException | RuntimeException e) {
                String diagnostics = diagnostics(directory);
                if (process != null) {
                    PrivateServers.stop(process, SHUTDOWN_TIMEOUT);
                }
                PrivateServers.deleteRecursively(directory);
                if (e instanceof IllegalStateException started) {
                    throw started;
                }
                throw new IllegalStateException("cannot start Courier: " + e.getMessage() + "\n" + diagnostics, e);
            }
        }

        private static String diagnostics(Path directory) {
            List<Path> files = new ArrayList<>(List.of(directory.resolve("start.out"),
                    directory.resolve("authdaemon.log")));
            for (MailListener listener : MailListener.values()) {
                files.add(directory.resolve(logName(listener)));
            }
            return PrivateServers.diagnostics(files.toArray(Path[]::new));
        }

        private static void awaitAuthdaemon(Process process, Path socket) {
            long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
            while (!Files.exists(socket)) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("authdaemond did not create " + socket);
                }
                try {
                    process.waitFor(20, java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for authdaemond", e);
                }
            }
        }

        private Path writeFiles(Path directory, Map<MailListener, Integer> ports) throws IOException {
            Path etc = directory.resolve("etc");
            // what courier-base and courier-authdaemon installed in /etc/courier, then the packages' own files
            copyTree(MACHINE_ETC, etc);
            copyTree(STOCK_ETC, etc);
            PrivateServers.owned(etc, "root", "courier");
            Files.setPosixFilePermissions(etc, PosixFilePermissions.fromString("rwxr-xr-x"));
            // the private /run/courier, as Debian's tmpfiles make it, with authdaemond's directory
            PrivateServers.directory(directory.resolve("run"), "rwxrwxr-x", "root", "courier");
            PrivateServers.directory(directory.resolve("run/authdaemon"), "rwxr-x---", "courier", "courier");

            String own = "a loopback address and a free port of the private instance";
            edit(etc.resolve("imapd"), Map.of(
                    "ADDRESS", setting(plan.address(MailListener.IMAP), own),
                    "PORT", setting(ports.get(MailListener.IMAP), own + ", in place of 143"),
                    "IMAPDSTART", started(MailListener.IMAP)));
            Map<String, String[]> imapdSsl = new LinkedHashMap<>(Map.of(
                    "SSLADDRESS", setting(plan.address(MailListener.IMAPS), own),
                    "SSLPORT", setting(ports.get(MailListener.IMAPS), own + ", in place of 993"),
                    "TLS_CACHEFILE", setting(directory.resolve("run/imapd-ssl.cache"),
                            "the instance's own TLS session cache, not the machine's"),
                    "IMAPDSSLSTART", started(MailListener.IMAPS)));
            Map<String, String[]> pop3dSsl = new LinkedHashMap<>(Map.of(
                    "SSLADDRESS", setting(plan.address(MailListener.POP3S), own),
                    "SSLPORT", setting(ports.get(MailListener.POP3S), own + ", in place of 995"),
                    "TLS_CACHEFILE", setting(directory.resolve("run/pop3d-ssl.cache"),
                            "the instance's own TLS session cache, not the machine's"),
                    "POP3DSSLSTART", started(MailListener.POP3S)));
            if (certificates == null) {
                imapdSsl.put("IMAPDSTARTTLS", setting("NO", "the test runs this server without a certificate"));
                pop3dSsl.put("POP3_STARTTLS", setting("NO", "the test runs this server without a certificate"));
            }
            edit(etc.resolve("imapd-ssl"), imapdSsl);
            edit(etc.resolve("pop3d"), Map.of(
                    "ADDRESS", setting(plan.address(MailListener.POP3), own),
                    "PORT", setting(ports.get(MailListener.POP3), own + ", in place of 110"),
                    "POP3DSTART", started(MailListener.POP3)));
            edit(etc.resolve("pop3d-ssl"), pop3dSsl);
            edit(etc.resolve("authdaemonrc"), Map.of("authmodulelist", setting("\"authuserdb\"",
                    "the test's users are in a userdb of the instance's own (Debian: authpam, the machine's "
                            + "accounts)")));

            if (certificates != null) {
                // where Debian's postinst (mkimapdcert, mkpop3dcert) puts its certificate: key and chain in one file
                String pem = keyWithPublicKey(certificates) + certificates.serverCertificateChainPem();
                for (String name : List.of("imapd.pem", "pop3d.pem")) {
                    PrivateServers.owned(PrivateServers.write(etc.resolve(name), pem, "rw-r-----"), "root",
                            "courier");
                }
            }

            int uid = PrivateServers.numericId("/etc/passwd", MAIL_USER);
            int gid = PrivateServers.numericId("/etc/group", MAIL_GROUP);
            StringBuilder userdb = new StringBuilder();
            for (Map.Entry<String, String[]> user : users.entrySet()) {
                Path home = PrivateServers.directory(directory.resolve("home").resolve(user.getKey()), "rwx------",
                        MAIL_USER, MAIL_GROUP);
                PrivateServers.run(List.of("/usr/bin/maildirmake", home.resolve("Maildir").toString()), "",
                        directory);
                try (Stream<Path> maildir = Files.walk(home)) {
                    for (Path path : maildir.collect(Collectors.toList())) {
                        PrivateServers.owned(path, MAIL_USER, MAIL_GROUP);
                    }
                }
                String password = user.getValue()[0];
                String hash = PrivateServers.run(List.of("/usr/sbin/userdbpw", "-md5"),
                        password + "\n" + password + "\n", directory).strip();
                userdb.append(user.getKey()).append('\t').append("uid=").append(uid).append("|gid=").append(gid)
                        .append("|home=").append(home).append("|systempw=").append(hash);
                if (!user.getValue()[1].isEmpty()) {
                    userdb.append("|options=").append(user.getValue()[1]);
                }
                userdb.append('\n');
            }
            Path userdbFile = PrivateServers.write(etc.resolve("userdb"), userdb.toString(), "rw-------");
            PrivateServers.run(List.of("/usr/sbin/makeuserdb", "-f", userdbFile.toString()), "", directory);

            StringBuilder script = new StringBuilder()
                    .append("# Runs a private Courier in a mount namespace of its own (unshare --mount --propagation "
                            + "private): Courier's\n")
                    .append("# compiled-in /etc/courier and /run/courier (authdaemon socket, pid files) are this "
                            + "instance's.\n")
                    .append("set -e\n")
                    .append("mkdir -p /run/courier\n")
                    .append("mount --bind ").append(etc).append(" /etc/courier\n")
                    .append("mount --bind ").append(directory.resolve("run")).append(" /run/courier\n")
                    .append("cd ").append(directory).append('\n')
                    .append("# as Debian's /usr/lib/courier/imapd does before it starts\n")
                    .append("test -f /etc/courier/imapaccess.dat || /usr/sbin/makeimapaccess\n")
                    .append("# as /usr/sbin/authdaemond start does, without courierlogger (standard error to a "
                            + "file)\n")
                    .append("(set -a; . /etc/courier/authdaemonrc; exec /usr/lib/courier/courier-authlib/authdaemond)"
                            + " 2>> authdaemon.log &\n")
                    .append("pids=$!\n");
            String imapLogin = LIBEXEC.resolve("imaplogin") + " " + IMAPD;
            String popLogin = LIBEXEC.resolve("courierpop3login") + " " + LIBEXEC.resolve("courierpop3d");
            String imapEnv = "prefix=/usr; exec_prefix=/usr; sbindir=/usr/sbin; bindir=/usr/bin; "
                    + ". /etc/courier/imapd; . /etc/courier/imapd-ssl; ";
            String popEnv = "prefix=/usr; exec_prefix=/usr; sbindir=/usr/sbin; bindir=/usr/bin; "
                    + "libexecdir=/usr/lib/courier; . /etc/courier/pop3d; . /etc/courier/pop3d-ssl; ";
            String imapLimits = "umask $IMAP_UMASK; if test ! -z \"$IMAP_ULIMITD\"; then ulimit -v $IMAP_ULIMITD; fi; ";
            launch(script, MailListener.IMAP, "/usr/lib/courier/imapd start", imapEnv
                    + "IMAP_STARTTLS=$IMAPDSTARTTLS; " + startFlag("IMAPDSTART") + imapLimits
                    + "exec /usr/sbin/couriertcpd -address=$ADDRESS -maxprocs=$MAXDAEMONS -maxperip=$MAXPERIP "
                    + "-access=$IMAPACCESSFILE.dat $TCPDOPTS $PORT " + imapLogin + " ${MAILDIRPATH}");
            launch(script, MailListener.IMAPS, "/usr/lib/courier/imapd-ssl start", imapEnv
                    + "IMAP_TLS=1; " + startFlag("IMAPDSSLSTART") + imapLimits
                    + "exec /usr/sbin/couriertcpd -address=$SSLADDRESS -maxprocs=$MAXDAEMONS -maxperip=$MAXPERIP "
                    + "-access=$IMAPACCESSFILE.dat $TCPDOPTS $SSLPORT $COURIERTLS -server -tcpd -user=courier "
                    + imapLogin + " ${MAILDIRPATH}");
            launch(script, MailListener.POP3, "/usr/lib/courier/pop3d start", popEnv + startFlag("POP3DSTART")
                    + "exec /usr/sbin/couriertcpd -address=$ADDRESS -maxprocs=$MAXDAEMONS -maxperip=$MAXPERIP "
                    + "$TCPDOPTS $PORT " + popLogin + " ${MAILDIRPATH}");
            launch(script, MailListener.POP3S, "/usr/lib/courier/pop3d-ssl start", popEnv
                    + "POP3_TLS=1; POP3_STARTTLS=NO; POP3_TLS_REQUIRED=0; " + startFlag("POP3DSSLSTART")
                    + "exec /usr/sbin/couriertcpd -address=$SSLADDRESS -maxprocs=$MAXDAEMONS -maxperip=$MAXPERIP "
                    + "$TCPDOPTS $SSLPORT $COURIERTLS -server -tcpd -user=courier " + popLogin + " ${MAILDIRPATH}");
            script.append("trap 'kill $pids 2>/dev/null; wait' TERM INT HUP\n")
                    .append("wait\n");
            return PrivateServers.write(directory.resolve("start.sh"), script.toString(), "rwxr-xr-x");
        }

        private static void launch(StringBuilder script, MailListener listener, String stock, String command) {
            if (command.contains("'")) {
                throw new IllegalStateException("a quote in a launch command: " + command);
            }
            script.append("# ").append(listener).append(": as Debian's ").append(stock)
                    .append(" does, without courierlogger\n")
                    .append("/usr/bin/env -i /bin/sh -c 'set -a; ").append(command).append("' 2>> ")
                    .append(logName(listener)).append(" &\n")
                    .append("pids=\"$pids $!\"\n");
        }

        /**
         * The server's private key in PKCS#8 PEM with the public key inside its ECPrivateKey (RFC 5915's optional
         * {@code publicKey}): the JDK leaves it out, and GnuTLS 3.7, which couriertls uses, then cannot read the key
         * ("ASN1 parser: Element was not found") and offers no cipher suite at all.
         */
        private static String keyWithPublicKey(TestCertificates certificates) throws IOException {
            String pem = certificates.serverPrivateKeyPem();
            String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            PrivateKeyInfo info = PrivateKeyInfo.getInstance(Base64.getDecoder().decode(base64));
            ASN1Encodable curve = info.getPrivateKeyAlgorithm().getParameters();
            if (!(curve instanceof ASN1ObjectIdentifier)) {
                return pem; // not a named-curve EC key: as it is
            }
            ECPrivateKey key = ECPrivateKey.getInstance(info.parsePrivateKey());
            SubjectPublicKeyInfo publicKey = SubjectPublicKeyInfo.getInstance(
                    certificates.serverCertificate().getPublicKey().getEncoded());
            int bits = ((java.security.interfaces.ECPublicKey) certificates.serverCertificate().getPublicKey())
                    .getParams().getOrder().bitLength();
            ECPrivateKey complete = new ECPrivateKey(bits, key.getKey(), publicKey.getPublicKeyData(),
                    (ASN1ObjectIdentifier) curve);
            byte[] encoded = new PrivateKeyInfo(info.getPrivateKeyAlgorithm(), complete).getEncoded();
            return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'})
                    .encodeToString(encoded) + "\n-----END PRIVATE KEY-----\n";
        }

        /** Debian's init scripts start a listener only when its flag says yes. */
        private static String startFlag(String flag) {
            return "case \"$" + flag + "\" in [Yy][Ee][Ss]) ;; *) exit 0 ;; esac; ";
        }

        private String[] started(MailListener listener) {
            return plan.isStopped(listener) ? setting("NO", "the test stops this listener")
                    : new String[] {null, null};
        }

        private static String[] setting(Object value, String why) {
            return new String[] {value.toString(), why};
        }

        /** Replaces {@code KEY=value} lines of a Courier configuration file, with a comment each. */
        private static void edit(Path file, Map<String, String[]> settings) throws IOException {
            Map<String, String[]> left = new LinkedHashMap<>();
            settings.forEach((key, value) -> {
                if (value[0] != null) {
                    left.put(key, value);
                }
            });
            Pattern assignment = Pattern.compile("^([A-Za-z_][A-Za-z0-9_]*)=(.*)$");
            StringBuilder out = new StringBuilder();
            Set<String> done = new java.util.HashSet<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                Matcher matcher = assignment.matcher(line);
                if (matcher.matches() && left.containsKey(matcher.group(1))) {
                    String[] value = left.get(matcher.group(1));
                    done.add(matcher.group(1));
                    out.append("# CHANGED for the interop tests (Debian: ").append(line).append("): ")
                            .append(value[1]).append('\n')
                            .append(matcher.group(1)).append('=').append(value[0]).append('\n');
                } else {
                    out.append(line).append('\n');
                }
            }
            if (!done.containsAll(left.keySet())) {
                throw new IllegalStateException(file.getFileName() + " as Debian ships it no longer sets "
                        + left.keySet().stream().filter(key -> !done.contains(key)).collect(Collectors.toList()));
            }
            Files.writeString(file, out.toString(), StandardCharsets.UTF_8);
        }

        /** Copies a directory tree with modes and owners, leaving out user databases (userdb*). */
        private static void copyTree(Path from, Path to) throws IOException {
            try (Stream<Path> walk = Files.walk(from)) {
                for (Path source : walk.collect(Collectors.toList())) {
                    Path relative = from.relativize(source);
                    if (relative.getFileName() != null && relative.getFileName().toString().startsWith("userdb")) {
                        continue;
                    }
                    Path target = to.resolve(relative.toString());
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(target);
                        Files.setPosixFilePermissions(target, Files.getPosixFilePermissions(source));
                    } else {
                        Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING,
                                StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            }
        }
    }
}
