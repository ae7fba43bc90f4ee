package org.mailintegrator.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.mailintegrator.testkit.TestCertificates;

/**
 * A private Cyrus IMAP 3.6 instance for interop tests, as Debian 12 ships it (cyrus-common, cyrus-imapd,
 * cyrus-pop3d, unpacked by {@code .ci/install-cyrus-courier.sh} into {@link PrivateServers#PREFIX}): Cyrus's
 * {@code master} as a child process, from a temporary directory holding copies of Debian's {@code imapd.conf} and
 * {@code cyrus.conf}, its own databases and spool, its own SASL user database, and its own syslog socket; the
 * four listeners on free ports of a loopback address. The system's Cyrus (if any) is neither used nor touched.
 *
 * <pre>{@code
 * try (CyrusServer cyrus = CyrusServer.builder()
 *         .user("alice", "secret")
 *         .tls(TestCertificates.forHosts("127.0.0.1", "localhost"))
 *         .stop(MailListener.IMAP, MailListener.IMAPS)   // "the IMAP service is stopped"
 *         .start()) {
 *     int pop3s = cyrus.port(MailListener.POP3S);
 * }
 * }</pre>
 *
 * <p><b>Stock settings kept.</b> Everything in Debian's files that a private instance does not have to change
 * stays as shipped, protective behaviour included: {@code popminpoll: 1} (a POP3 login less than a minute after
 * the last one is refused with {@code -ERR [LOGIN-DELAY]}, and CAPA advertises {@code LOGIN-DELAY 60}),
 * {@code allowplaintext: yes} (Debian's; Cyrus's compiled-in default is {@code no}, see
 * {@link Builder#disallowPlaintext()}), Cyrus's compiled-in {@code failedloginpause: 3s} (every failed login is
 * answered 3 s late), {@code sasl_pwcheck_method: auxprop}, {@code virtdomains: off} (user names are unqualified:
 * {@code alice}, not {@code alice@example.test}, which Cyrus answers "invalid user"), the {@code -U 30} reuse limit
 * and {@code maxchild} limits of {@code cyrus.conf}, and master's listen queue of 32 (Debian's unit runs
 * {@code cyrmaster -l 32}).
 *
 * <p><b>Settings changed</b>, each recorded in a comment in the generated files:
 * <ul>
 *   <li>{@code imapd.conf}: {@code configdirectory}, {@code partition-default}, {@code partition-news},
 *   {@code newsspool}, {@code sievedir}, {@code proc_path}, {@code mboxname_lockpath}, {@code lmtpsocket},
 *   {@code idlesocket}, {@code notifysocket} point into the instance's directory (a private instance has its own
 *   state); added {@code sasl_sasldb_path} (the instance's users, created with {@code saslpasswd2 -f}) and, with
 *   {@link Builder#tls}, {@code tls_server_cert} / {@code tls_server_key} (Debian ships them commented out);
 *   {@code allowplaintext: no} only with {@link Builder#disallowPlaintext()}.</li>
 *   <li>{@code cyrus.conf}: {@code imap} and {@code pop3} listen on the instance's address and ports instead of
 *   143 and 110; the {@code imaps} and {@code pop3s} lines Debian ships commented out are enabled on their own
 *   ports; a stopped listener's line is commented out; {@code lmtpunix} and {@code notify} use sockets in the
 *   instance's directory; {@code nntp} and {@code http} are commented out (their programs are in cyrus-nntpd and
 *   cyrus-caldav, not installed) and so is {@code sieve} (not under test; its stock port 4190 would clash
 *   between instances); every command gets an absolute path under the prefix and {@code -C <imapd.conf>}
 *   (Debian's wrapper {@code /usr/sbin/cyrus} and master's compiled-in {@code /usr/lib/cyrus/bin} are not where
 *   the packages are unpacked, and master passes its own {@code -C} to no child).</li>
 *   <li>master runs with {@code -p <dir>/run/master.pid} instead of {@code /run/cyrus-master.pid}.</li>
 * </ul>
 *
 * <p><b>The log.</b> Cyrus logs only through syslog(3), to {@code /dev/log}. The instance therefore runs in a mount
 * namespace of its own ({@code unshare --mount}) in which {@code /dev} is an overlay of the machine's {@code /dev}
 * whose {@code log} leads to a {@link SyslogReceiver} socket in the instance's directory: the machine's
 * {@code /dev} and syslog are untouched, and {@link #logLines()} holds exactly this instance's messages, e.g.
 * {@code cyrus/pop3s[31473]: login: localhost [127.0.0.1] alice plaintext+TLS User logged in} (the service name of
 * {@code cyrus.conf} tells which listener saw what). Inside the namespace {@code /dev/pts} and {@code /dev/shm}
 * are not mounted; Cyrus needs neither.
 *
 * <p>{@link Builder#start()} returns once every running listener is bound (seen in {@code /proc/net/tcp}, without a
 * connection that would show up in the log). Needs root (master switches to the user {@code cyrus}, which the
 * install script creates as Debian's maintainer script does). {@link #close()} stops master and every process it
 * started and deletes the directory.
 */
public final class CyrusServer extends PrivateServer<MailListener> {
    static final Path BIN = PrivateServers.PREFIX.resolve("usr/lib/cyrus/bin");
    static final Path STOCK_IMAPD_CONF = PrivateServers.PREFIX.resolve("etc/imapd.conf");
    static final Path STOCK_CYRUS_CONF = PrivateServers.PREFIX.resolve("etc/cyrus.conf");
    private static final String SASLPASSWD2 = "/usr/sbin/saslpasswd2";
    private static final String CYRUS_USER = "cyrus";
    private static final String CYRUS_GROUP = "mail";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(20);

    private final SyslogReceiver syslog;
    private final ServerLog log;

    private CyrusServer(Path directory, Process process, SyslogReceiver syslog, Map<MailListener, String> addresses,
            Map<MailListener, Integer> ports, Set<MailListener> running) {
        super("Cyrus", directory, process, addresses, ports, running);
        this.syslog = syslog;
        this.log = new ServerLog("Cyrus", directory, List.of(directory.resolve("syslog.log")));
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
     * The name of {@code listener}'s service in {@code cyrus.conf}, which Cyrus puts in each log line of that
     * service: {@code imap}, {@code imaps}, {@code pop3}, {@code pop3s}.
     */
    public static String service(MailListener listener) {
        return listener.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Whether a log line came from {@code listener}'s service ({@code cyrus/imaps[pid]: ...}). */
    public static Predicate<String> from(MailListener listener) {
        String ident = " cyrus/" + service(listener) + "[";
        return line -> line.contains(ident);
    }

    /** What Cyrus logged so far, one message per line. */
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

    /** Waits until the log has not changed for {@code quiet} (bounded by {@code timeout}). */
    public void awaitQuietLog(Duration quiet, Duration timeout) {
        log.awaitQuiet(quiet, timeout);
    }

    /** The generated {@code imapd.conf}. */
    public String imapdConf() {
        return read(directory().resolve("imapd.conf"));
    }

    /** The generated {@code cyrus.conf}. */
    public String cyrusConf() {
        return read(directory().resolve("cyrus.conf"));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    @Override
    void stopProcess() {
        super.stopProcess();
        syslog.close();
    }

    /** Describes a {@link CyrusServer}. Not thread-safe. */
    public static final class Builder {
        private final Map<String, String> users = new LinkedHashMap<>();
        private final ListenerPlan<MailListener> plan = new ListenerPlan<>(MailListener.class);
        private TestCertificates certificates;
        private boolean disallowPlaintext;

        private Builder() {
        }

        /**
         * Adds a user with a password, in the instance's SASL database ({@code saslpasswd2 -f}). The name is
         * unqualified ({@code alice}): Debian's Cyrus runs with {@code virtdomains: off}.
         */
        public Builder user(String name, String password) {
            if (!name.matches("[a-z0-9][a-z0-9_-]*")) {
                throw new IllegalArgumentException("a Cyrus user name here is lower-case letters, digits, '_' and "
                        + "'-' (virtdomains: off, '.' is the hierarchy separator): " + name);
            }
            if (password.isEmpty() || password.chars().anyMatch(c -> c == '\n' || c == '\r' || c == 0)) {
                throw new IllegalArgumentException("the password must be one non-empty line");
            }
            users.put(name, password);
            return this;
        }

        /**
         * TLS with the server certificate chain and key of {@code certificates} ({@code tls_server_cert},
         * {@code tls_server_key}): IMAPS and POP3S, STARTTLS and STLS. Without it, the implicit-TLS listeners must
         * be stopped, and IMAP and POP3 offer no upgrade.
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
         * {@code allowplaintext: no}, Cyrus's compiled-in default, which Debian's {@code imapd.conf} overrides with
         * {@code yes}: no password in cleartext on a connection without TLS. IMAP advertises
         * {@code LOGINDISABLED} and answers {@code LOGIN} with {@code NO Login only available under a layer}; POP3's
         * CAPA lists {@code STLS} but not {@code USER}, nor {@code PLAIN}/{@code LOGIN} among its SASL mechanisms,
         * and it answers {@code USER} with {@code -ERR [AUTH] USER command only available under a layer}.
         */
        public Builder disallowPlaintext() {
            this.disallowPlaintext = true;
            return this;
        }

        /**
         * Writes the configuration, starts master and waits until every running listener is bound.
         *
         * @throws IllegalStateException if Cyrus is not installed or does not start, with its output and log
         */
        public CyrusServer start() {
            PrivateServers.requireInstalled("Cyrus IMAP", BIN.resolve("master"), BIN.resolve("imapd"),
                    BIN.resolve("pop3d"), STOCK_IMAPD_CONF, STOCK_CYRUS_CONF, Path.of(SASLPASSWD2));
            plan.requireStoppedWithoutTls(certificates != null, MailListener::implicitTls);
            Map<MailListener, Integer> ports = plan.freePorts();
            Set<MailListener> running = plan.running();
            Path directory;
            try {
                directory = Files.createTempDirectory("cyrus-");
                // master runs as cyrus and reaches its files, and the syslog socket, through this directory
                Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a directory for Cyrus", e);
            }
            Path output = directory.resolve("master.out");
            SyslogReceiver syslog = null;
            Process process = null;
            try {
                Path script = writeFiles(directory, ports, running);
                syslog = SyslogReceiver.start(directory.resolve("syslog.sock"), directory.resolve("syslog.log"));
                // a session and process group of its own, as a daemon has (Debian starts it detached): a
                // signal to its process group must not reach the test's JVM. (Without it, a suite run was
                // once ended by a SIGTERM to the JVM's group while a Courier instance stopped.)
                process = new ProcessBuilder("setsid", "unshare", "--mount", "--propagation", "private",
                        "/bin/sh", script.toString())
                        .redirectErrorStream(true).redirectOutput(output.toFile()).start();
                CyrusServer server = new CyrusServer(directory, process, syslog, plan.addresses(),
                        Map.copyOf(ports), Set.copyOf(running));
                try {
                    Map<String, InetSocketAddress> endpoints = new LinkedHashMap<>();
                    for (MailListener listener : running) {
                        endpoints.put(listener.toString(), new InetSocketAddress(plan.address(listener),
                                ports.get(listener)));
                    }
                    PrivateServers.awaitListening(process, endpoints, STARTUP_TIMEOUT);
                } catch (RuntimeException e) {
                    String diagnostics = PrivateServers.diagnostics(output, directory.resolve("syslog.log"),
                            directory.resolve("imapd.conf"), directory.resolve("cyrus.conf"));
                    server.close();
                    throw new IllegalStateException("Cyrus did not start: " + e.getMessage() + "\n" + diagnostics, e);
                }
                return server;
            } catch (IOException | RuntimeException e) {
                String diagnostics = PrivateServers.diagnostics(output, directory.resolve("syslog.log"));
                if (process != null) {
                    PrivateServers.stop(process, SHUTDOWN_TIMEOUT);
                }
                if (syslog != null) {
                    syslog.close();
                }
                PrivateServers.deleteRecursively(directory);
                if (e instanceof IllegalStateException started) {
                    throw started;
                }
                throw new IllegalStateException("cannot start Cyrus: " + e.getMessage() + "\n" + diagnostics, e);
            }
        }

        private Path writeFiles(Path directory, Map<MailListener, Integer> ports, Set<MailListener> running)
                throws IOException {
            for (String dir : List.of("lib", "run", "run/proc", "run/lock", "run/socket", "spool", "sieve")) {
                PrivateServers.directory(directory.resolve(dir), "rwxr-x---", CYRUS_USER, CYRUS_GROUP);
            }
            PrivateServers.directory(directory.resolve("dev"), "rwx------", "root", "root");
            Path imapdConf = directory.resolve("imapd.conf");
            PrivateServers.write(imapdConf, imapdConf(directory), "rw-r--r--");
            PrivateServers.write(directory.resolve("cyrus.conf"), cyrusConf(directory, imapdConf, ports, running),
                    "rw-r--r--");
            if (certificates != null) {
                PrivateServers.owned(PrivateServers.write(directory.resolve("server-chain.pem"),
                        certificates.serverCertificateChainPem(), "rw-r-----"), CYRUS_USER, CYRUS_GROUP);
                PrivateServers.owned(PrivateServers.write(directory.resolve("server-key.pem"),
                        certificates.serverPrivateKeyPem(), "rw-------"), CYRUS_USER, CYRUS_GROUP);
            }

            // Debian's cyrus-makedirs, as the maintainer script runs it, on this configuration: the control
            // directories, the hashed spool and sieve directories, owned by cyrus:mail
            String makedirs = Files.readString(BIN.resolve("makedirs"), StandardCharsets.UTF_8)
                    .replace("\nCONF=/etc/imapd.conf\n", "\nCONF=" + imapdConf + "\n")
                    .replace("\n[ -r /etc/default/cyrus-imapd ] && . /etc/default/cyrus-imapd\n", "\n");
            Path makedirsScript = PrivateServers.write(directory.resolve("makedirs.sh"), makedirs, "rwxr-xr-x");
            PrivateServers.run(List.of("/bin/sh", makedirsScript.toString(), "--cleansquat"), "", directory);

            Path sasldb = directory.resolve("sasldb2");
            for (Map.Entry<String, String> user : users.entrySet()) {
                // -p: the password from standard input, never on a command line
                PrivateServers.run(List.of(SASLPASSWD2, "-f", sasldb.toString(), "-p", "-c", user.getKey()),
                        user.getValue(), directory);
            }
            if (Files.exists(sasldb)) {
                Files.setPosixFilePermissions(sasldb, PosixFilePermissions.fromString("rw-r-----"));
                PrivateServers.owned(sasldb, CYRUS_USER, CYRUS_GROUP);
            }

            String libraries = PrivateServers.PREFIX.resolve("usr/lib/x86_64-linux-gnu").toString();
            try (var dirs = Files.list(PrivateServers.PREFIX.resolve("usr/lib"))) {
                for (Path candidate : dirs.collect(Collectors.toList())) {
                    if (Files.exists(candidate.resolve("libcyrus.so.0"))) {
                        libraries = candidate.toString();
                    }
                }
            }
            String dev = directory.resolve("dev").toString();
            String script = "# Runs Cyrus's master in a mount namespace of its own (unshare --mount --propagation "
                    + "private):\n"
                    + "# /dev is an overlay of the machine's /dev in which /dev/log leads to this instance's "
                    + "syslog socket.\n"
                    + "set -e\n"
                    + "mount -t tmpfs -o mode=700 cyrus-dev " + dev + "\n"
                    + "mkdir " + dev + "/upper " + dev + "/work\n"
                    + "mount -t overlay -o lowerdir=/dev,upperdir=" + dev + "/upper,workdir=" + dev
                    + "/work cyrus-dev /dev\n"
                    + "rm -f /dev/log\n"
                    + "ln -s " + directory.resolve("syslog.sock") + " /dev/log\n"
                    + "# the libraries of cyrus-common (libcyrus*.so.0) are unpacked, not installed\n"
                    + "export LD_LIBRARY_PATH=" + libraries + "\n"
                    + "# as Debian's cyrus-imapd.service runs it (cyrmaster -l $LISTENQUEUE -C $CONF -M "
                    + "$MASTERCONF), with a pid file of its own\n"
                    + "exec " + BIN.resolve("master") + " -l 32 -C " + imapdConf + " -M "
                    + directory.resolve("cyrus.conf") + " -p " + directory.resolve("run/master.pid") + "\n";
            return PrivateServers.write(directory.resolve("start.sh"), script, "rwxr-xr-x");
        }

        /** Debian's imapd.conf with the settings a private instance must change, each with a comment. */
        private String imapdConf(Path directory) throws IOException {
            Map<String, String[]> changed = new LinkedHashMap<>();
            String own = "a private instance keeps its state in its own directory";
            changed.put("configdirectory", new String[] {directory.resolve("lib").toString(), own});
            changed.put("proc_path", new String[] {directory.resolve("run/proc").toString(), own});
            changed.put("mboxname_lockpath", new String[] {directory.resolve("run/lock").toString(), own});
            changed.put("partition-default", new String[] {directory.resolve("spool/mail").toString(), own});
            changed.put("partition-news", new String[] {directory.resolve("spool/news").toString(), own});
            changed.put("newsspool", new String[] {directory.resolve("spool/newsspool").toString(), own});
            changed.put("sievedir", new String[] {directory.resolve("sieve").toString(), own});
            changed.put("lmtpsocket", new String[] {directory.resolve("run/socket/lmtp").toString(), own});
            changed.put("idlesocket", new String[] {directory.resolve("run/socket/idle").toString(), own});
            changed.put("notifysocket", new String[] {directory.resolve("run/socket/notify").toString(), own});
            if (disallowPlaintext) {
                changed.put("allowplaintext", new String[] {"no", "the test asks for Cyrus's compiled-in default "
                        + "(allowplaintext: no), which Debian's file overrides"});
            }
            StringBuilder conf = new StringBuilder();
            Pattern setting = Pattern.compile("^([A-Za-z0-9_-]+):\\s*(.*)$");
            for (String line : Files.readAllLines(STOCK_IMAPD_CONF, StandardCharsets.UTF_8)) {
                Matcher matcher = setting.matcher(line);
                if (matcher.matches() && changed.containsKey(matcher.group(1))) {
                    String[] value = changed.remove(matcher.group(1));
                    conf.append("# CHANGED for the interop tests (Debian: ").append(line).append("): ")
                            .append(value[1]).append('\n')
                            .append(matcher.group(1)).append(": ").append(value[0]).append('\n');
                } else {
                    conf.append(line).append('\n');
                }
            }
            if (!changed.isEmpty()) {
                throw new IllegalStateException("Debian's imapd.conf no longer sets " + changed.keySet());
            }
            conf.append("\n# ADDED for the interop tests:\n")
                    .append("# the instance's users (sasl_pwcheck_method: auxprop reads sasldb; /etc/sasldb2 is the "
                            + "machine's)\n")
                    .append("sasl_sasldb_path: ").append(directory.resolve("sasldb2")).append('\n');
            if (certificates != null) {
                conf.append("# the test certificate (Debian ships tls_server_cert/tls_server_key commented out)\n")
                        .append("tls_server_cert: ").append(directory.resolve("server-chain.pem")).append('\n')
                        .append("tls_server_key: ").append(directory.resolve("server-key.pem")).append('\n');
            }
            return conf.toString();
        }

        /** Debian's cyrus.conf with the changes a private instance needs, each with a comment. */
        private String cyrusConf(Path directory, Path imapdConf, Map<MailListener, Integer> ports,
                Set<MailListener> running) throws IOException {
            Pattern section = Pattern.compile("^\\s*(START|SERVICES|EVENTS|DAEMON)\\s*\\{.*");
            Pattern entry = Pattern.compile("^(\\s*)(#?)(\\s*)([A-Za-z0-9_]+)(\\s+)cmd=\"([^\"]*)\"(.*)$");
            String currentSection = "";
            EnumSet<MailListener> written = EnumSet.noneOf(MailListener.class);
            StringBuilder conf = new StringBuilder();
            for (String line : Files.readAllLines(STOCK_CYRUS_CONF, StandardCharsets.UTF_8)) {
                Matcher sectionStart = section.matcher(line);
                if (sectionStart.matches()) {
                    currentSection = sectionStart.group(1);
                }
                Matcher matcher = entry.matcher(line);
                if (!matcher.matches()) {
                    conf.append(line).append('\n');
                    continue;
                }
                boolean commented = !matcher.group(2).isEmpty();
                String name = matcher.group(4);
                String[] command = matcher.group(6).trim().split("\\s+");
                String rest = matcher.group(7);
                String indent = matcher.group(1) + matcher.group(3);
                String program = command[0].equals("/usr/sbin/cyrus") ? command[1] : command[0];
                MailListener listener = listenerFor(currentSection, name, program);
                if (listener != null && !written.contains(listener)) {
                    written.add(listener);
                    String stock = commented ? "Debian ships it commented out" : "Debian: " + line.trim();
                    if (!running.contains(listener)) {
                        conf.append(indent).append("# STOPPED by the test: nothing listens on its port (")
                                .append(stock).append(")\n")
                                .append(indent).append('#').append(name).append(matcher.group(5)).append("cmd=\"")
                                .append(matcher.group(6)).append('"').append(rest).append('\n');
                        continue;
                    }
                    conf.append(indent).append("# CHANGED for the interop tests (").append(stock).append("): ")
                            .append("listens on a free port of a loopback address in place of ")
                            .append(listener.standardPort()).append("; absolute path and -C\n")
                            .append(indent).append(name).append(matcher.group(5)).append("cmd=\"")
                            .append(command(program, command, imapdConf)).append('"')
                            .append(withListen(rest, plan.address(listener) + ":" + ports.get(listener)))
                            .append('\n');
                    continue;
                }
                if (commented) {
                    conf.append(line).append('\n');
                    continue;
                }
                switch (currentSection + "/" + name) {
                    case "SERVICES/lmtpunix", "SERVICES/notify" -> conf.append(indent)
                            .append("# CHANGED for the interop tests (Debian: ").append(line.trim())
                            .append("): the instance's own socket; absolute path and -C\n")
                            .append(indent).append(name).append(matcher.group(5)).append("cmd=\"")
                            .append(command(program, command, imapdConf)).append('"')
                            .append(withListen(rest, directory.resolve("run/socket/" + name.replace("unix", ""))
                                    .toString()))
                            .append('\n');
                    case "SERVICES/nntp", "SERVICES/http", "SERVICES/sieve" -> conf.append(indent)
                            .append("# REMOVED for the interop tests: ")
                            .append(name.equals("sieve") ? "ManageSieve is not under test, and its stock port "
                                    + "(localhost:sieve, 4190) would clash between instances"
                                    : "its program is in a package that is not installed (cyrus-nntpd, "
                                    + "cyrus-caldav)")
                            .append('\n').append(indent).append('#').append(line.trim()).append('\n');
                    default -> {
                        if (currentSection.equals("SERVICES")) {
                            throw new IllegalStateException("Debian's cyrus.conf has a service this fixture does not "
                                    + "know: " + line);
                        }
                        conf.append(indent).append("# CHANGED for the interop tests (Debian: ").append(line.trim())
                                .append("): absolute path and -C\n")
                                .append(indent).append(name).append(matcher.group(5)).append("cmd=\"")
                                .append(command(program, command, imapdConf)).append('"').append(rest)
                                .append('\n');
                    }
                }
            }
            if (written.size() != MailListener.values().length) {
                throw new IllegalStateException("Debian's cyrus.conf no longer has the lines of "
                        + EnumSet.complementOf(written));
            }
            return conf.toString();
        }

        private static MailListener listenerFor(String section, String name, String program) {
            if (!section.equals("SERVICES")) {
                return null;
            }
            for (MailListener listener : MailListener.values()) {
                if (service(listener).equals(name) && program.equals(listener.isImap() ? "imapd" : "pop3d")) {
                    return listener;
                }
            }
            return null;
        }

        /**
         * The command line with an absolute path under the prefix and {@code -C}: {@code /usr/sbin/cyrus expire -E 3}
         * becomes {@code <bin>/cyr_expire -C <conf> -E 3}, as Debian's wrapper resolves its command.
         */
        private static String command(String program, String[] command, Path imapdConf) {
            boolean wrapped = command[0].equals("/usr/sbin/cyrus");
            String executable = program;
            if (wrapped && !Files.exists(BIN.resolve(executable))) {
                for (String prefix : List.of("cyr_", "ctl_")) {
                    if (Files.exists(BIN.resolve(prefix + program))) {
                        executable = prefix + program;
                        break;
                    }
                }
            }
            List<String> words = new ArrayList<>();
            words.add(BIN.resolve(executable).toString());
            words.add("-C");
            words.add(imapdConf.toString());
            words.addAll(Arrays.asList(command).subList(wrapped ? 2 : 1, command.length));
            return String.join(" ", words);
        }

        private static String withListen(String rest, String listen) {
            return rest.replaceFirst("listen=\"[^\"]*\"", Matcher.quoteReplacement("listen=\"" + listen + "\""));
        }
    }
}
