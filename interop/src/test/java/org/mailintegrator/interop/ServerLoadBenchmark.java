package org.mailintegrator.interop;

import java.io.PrintStream;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import javax.net.ssl.SSLSocketFactory;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.PreferencePolicy;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;
import org.mailintegrator.strategies.Policies;
import org.mailintegrator.testkit.TestCertificates;

/**
 * Many integrations at once against Courier and Cyrus as Debian ships them ({@link CourierServer},
 * {@link CyrusServer}: their per-address and per-user protections as shipped), the library side by side with a
 * naive sequential Jakarta Mail loop, in one run. The situations that matter under load:
 * <ol>
 *   <li><b>POP only</b>: the IMAP listeners stopped, {@link Policies#popOnly()} (POP3 over TLS, then cleartext
 *   POP3). Courier's POP3 takes 4 connections per client address ({@code MAXPERIP=4} in Debian's pop3d and
 *   pop3d-ssl) and closes the others at once without a word; Cyrus refuses a second POP3 login of a user within a
 *   minute ({@code popminpoll: 1}, {@code -ERR [LOGIN-DELAY]}), which is why every integration here has a user of
 *   its own;</li>
 *   <li><b>everything up</b>: {@link Policies#blackBerry()} (IMAPS, POP3S, IMAP, POP3). Courier's IMAP takes 20
 *   connections per address ({@code MAXPERIP=20}), and closes the others as its POP3 does.</li>
 * </ol>
 * Cyrus, besides, serves at most 50 POP3 and 100 IMAP connections per service at a time ({@code maxchild} in
 * Debian's cyrus.conf) and queues the rest in master's listen queue of 32; it logs neither.
 *
 * <p>Each row runs on a fresh server with N + 1 users: user 0 is integrated once alone by the library, on the calm
 * server, and what it selects is the row's reference; then users 1 to N are integrated at once, either through one
 * {@link Integrator} ({@code integrateAsync}; defaults but for the timeouts and the test CA) or by N threads
 * running the naive loop ({@link org.mailintegrator.benchmarks.NaiveLoop}: each candidate of the same chain in turn,
 * plain {@code Session}/{@code Store.connect}, the same connect and read timeouts, one TLS socket factory trusting
 * the fixture's CA for the whole burst, as the library has one context, Jakarta Mail's defaults otherwise: its
 * socket factory fallback retries a failed TLS connect with the JDK's default factory, which does not trust the
 * test CA). All users are alike, so each should select what user 0 selected. Per row:
 * <ul>
 *   <li><b>agreement</b>: integrations that selected what the one alone selected;</li>
 *   <li><b>cleartext</b>: integrations that selected a {@link Security#NONE} candidate;</li>
 *   <li><b>selected</b>: how many selected which listener (none: not integrated; unfinished: still running at the
 *   row's bound, cancelled);</li>
 *   <li><b>connects per integration</b>: TCP connections begun towards the server's four ports during the burst,
 *   refused ones included, counted by a {@link LoopbackConnectCounter} rule (each connection's first SYN);</li>
 *   <li><b>limit lines</b>: what the server logged of its protections during the burst: Courier's
 *   {@code ALERT: Maximum connection limit reached} (a connection closed without a word) and
 *   {@code maximum active connections}; Cyrus's {@code Logins must be at least 1 minute apart} and master's
 *   {@code too many failures for service};</li>
 *   <li><b>wall</b>: from the burst's start to its last integration's end; p50 and max of the integrations'
 *   own times.</li>
 * </ul>
 * Then, for the library rows, the outcomes of every attempt made, per candidate, with one detail each.
 *
 * <p>Needs root, Courier and Cyrus ({@code .ci/install-cyrus-courier.sh}) and iptables, as the interop suite does.
 * Built through the reactor, without installing anything:
 *
 * <pre>{@code
 * mvn -B -q -o -pl interop -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -Dorg.slf4j.simpleLogger.logFile=interop/target/server-load-benchmark.log \
 *     -Dorg.slf4j.simpleLogger.defaultLogLevel=info \
 *     -cp interop/target/test-classes:$(cat interop/target/cp.txt) \
 *     org.mailintegrator.interop.ServerLoadBenchmark courier,cyrus 1,10,20,50,100 pop-only,everything-up
 * }</pre>
 *
 * <p>Arguments, all optional: servers ({@code courier,cyrus}), numbers at once ({@code 1,10,20,50,100}),
 * situations ({@code pop-only,everything-up}). The run stops by itself: every burst is bounded
 * ({@link #BURST_BOUND}), every server start and log wait has its own bound.
 */
public final class ServerLoadBenchmark {
    private static final String HOST = "127.0.0.1";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(3);
    /**
     * Beyond the library's integration timeout (2 min); the naive loop's every step has the connect or read
     * timeout, so it ends well before.
     */
    private static final Duration BURST_BOUND = Duration.ofMinutes(3);
    private static final Duration QUIET = Duration.ofMillis(500);
    private static final Duration QUIET_BOUND = Duration.ofSeconds(30);
    private static final TestCertificates CERTS = TestCertificates.forHosts(HOST, "localhost");

    private ServerLoadBenchmark() {
    }

    /** The servers under test, as their fixtures start them. */
    enum Server {
        COURIER("Courier"), CYRUS("Cyrus");

        final String title;

        Server(String title) {
            this.title = title;
        }
    }

    /** The situations under load: which listeners run, and the policy. */
    enum Situation {
        POP_ONLY("POP only (IMAP stopped, popOnly)", Policies.popOnly()),
        EVERYTHING_UP("everything up (blackBerry)", Policies.blackBerry());

        final String title;
        final PreferencePolicy policy;

        Situation(String title, PreferencePolicy policy) {
            this.title = title;
            this.policy = policy;
        }
    }

    /** {@code [servers] [numbers at once] [situations]}, each comma separated. */
    public static void main(String[] args) {
        List<Server> servers = parse(args, 0, "courier,cyrus", Server.class);
        List<Integer> levels = new ArrayList<>();
        for (String level : (args.length > 1 ? args[1] : "1,10,20,50,100").split(",")) {
            levels.add(Integer.parseInt(level.trim()));
        }
        List<Situation> situations = parse(args, 2, "pop-only,everything-up", Situation.class);
        run(servers, levels, situations, System.out, System.err);
        System.exit(0);
    }

    private static <E extends Enum<E>> List<E> parse(String[] args, int index, String fallback, Class<E> type) {
        List<E> values = new ArrayList<>();
        for (String name : (args.length > index ? args[index] : fallback).split(",")) {
            values.add(Enum.valueOf(type, name.trim().toUpperCase(Locale.ROOT).replace('-', '_')));
        }
        return values;
    }

    /** One measured row. */
    record Row(Server server, Situation situation, String variant, int concurrent, String alone,
            List<LoadBurst.Sample> samples, int agreeing, long connects, int logged, int limitLines,
            long wallMillis) {
    }

    static List<Row> run(List<Server> servers, List<Integer> levels, List<Situation> situations, PrintStream out,
            PrintStream progress) {
        long begin = System.nanoTime();
        ZonedDateTime started = ZonedDateTime.now();
        List<Row> rows = new ArrayList<>();
        for (Server server : servers) {
            for (Situation situation : situations) {
                for (int concurrent : levels) {
                    for (String variant : List.of("library", "naive loop")) {
                        Row row = measure(server, situation, variant, concurrent);
                        rows.add(row);
                        progress.printf(Locale.ROOT, "%s | %s | %s | %d: %d/%d agree, %.1f s (%.0f s so far)%n",
                                server.title, situation.title, variant, concurrent, row.agreeing(), concurrent,
                                row.wallMillis() / 1000.0, (System.nanoTime() - begin) / 1e9);
                    }
                }
            }
        }
        out.printf(Locale.ROOT, "%s, %d cores, Java %s; connect timeout %d ms, read timeout %d ms; whole run %.0f s%n",
                started.format(DateTimeFormatter.ISO_LOCAL_DATE), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), CONNECT_TIMEOUT.toMillis(), READ_TIMEOUT.toMillis(),
                (System.nanoTime() - begin) / 1e9);
        out.println();
        out.println("| server | situation | variant | at once | agreement | cleartext | selected | connects per "
                + "integration | limit lines | wall s | p50 ms | max ms |");
        out.println("|---|---|---|---:|---:|---:|---|---:|---:|---:|---:|---:|");
        for (Row row : rows) {
            int n = row.concurrent();
            long cleartext = row.samples().stream()
                    .filter(s -> s.selected().map(c -> c.security() == Security.NONE).orElse(false)).count();
            out.printf(Locale.ROOT, "| %s | %s | %s | %d | %d/%d | %d/%d | %s | %.2f | %d | %.1f | %d | %d |%n",
                    row.server().title, row.situation().title, row.variant(), n, row.agreeing(), n, cleartext, n,
                    selections(row.samples()), (double) row.connects() / n, row.limitLines(),
                    row.wallMillis() / 1000.0, LoadBurst.percentile(row.samples(), 50),
                    LoadBurst.percentile(row.samples(), 100));
        }
        out.println();
        out.println("One alone selected: " + rows.stream()
                .map(row -> row.server().title + " " + row.situation().title + " " + row.alone())
                .distinct().collect(Collectors.joining("; ")));
        List<String> disagreeing = rows.stream().filter(row -> row.server() == Server.COURIER)
                .filter(row -> row.logged() != row.connects())
                .map(row -> row.situation().title + ", " + row.variant() + ", " + row.concurrent() + " at once: "
                        + "counted " + row.connects() + ", logged " + row.logged())
                .toList();
        out.println();
        out.println("Courier's own log (`DEBUG: Connection` and `ALERT: Maximum connection limit reached` lines; "
                + "a failed TLS handshake has neither) against the counted connects: " + (disagreeing.isEmpty()
                        ? "the same in every row." : "different in " + String.join("; ", disagreeing) + "."));
        out.println();
        out.println("Library attempts under load (every attempt of the burst, by candidate and outcome):");
        out.println();
        for (Row row : rows) {
            if (row.variant().equals("library")) {
                out.printf(Locale.ROOT, "- %s, %s, %d at once: %s%n", row.server().title, row.situation().title,
                        row.concurrent(), attempts(row.samples()));
            }
        }
        return rows;
    }

    private static Row measure(Server server, Situation situation, String variant, int concurrent) {
        try (Fixture fixture = Fixture.start(server, situation, concurrent + 1);
                LoopbackConnectCounter counter = LoopbackConnectCounter.install(HOST, fixture.ports())) {
            Integrator integrator = Integrator.builder()
                    .policy(RoutedPolicy.to(fixture.routable(), situation.policy))
                    .sslContext(CERTS.clientSslContext())
                    .connectTimeout(CONNECT_TIMEOUT)
                    .readTimeout(READ_TIMEOUT)
                    .build();
            Optional<ProtocolCandidate> alone = integrator.integrate(fixture.account(0)).selected();
            fixture.awaitQuietLog();
            long connectsBefore = counter.count();
            int loggedBefore = fixture.loggedConnections();
            int limitsBefore = fixture.limitLines();
            List<MailAccount> accounts = new ArrayList<>();
            List<LoadBurst.Login> logins = new ArrayList<>();
            for (int user = 1; user <= concurrent; user++) {
                accounts.add(fixture.account(user));
                logins.add(new LoadBurst.Login(fixture.login(user), Fixture.password(user)));
            }
            long start = System.nanoTime();
            List<LoadBurst.Sample> samples;
            if (variant.equals("library")) {
                samples = LoadBurst.library(integrator, accounts, BURST_BOUND);
            } else {
                List<ProtocolCandidate> chain = integrator.policy().candidates(fixture.account(1));
                SSLSocketFactory tls = CERTS.clientSslContext().getSocketFactory();
                samples = LoadBurst.naive(chain, logins, CONNECT_TIMEOUT, READ_TIMEOUT, () -> tls, BURST_BOUND);
            }
            long wall = (System.nanoTime() - start) / 1_000_000;
            fixture.awaitQuietLog();
            int agreeing = (int) samples.stream().filter(s -> s.finished() && s.selected().equals(alone)).count();
            return new Row(server, situation, variant, concurrent, alone.map(ServerLoadBenchmark::label)
                    .orElse("none"), samples, agreeing, counter.count() - connectsBefore,
                    fixture.loggedConnections() - loggedBefore, fixture.limitLines() - limitsBefore, wall);
        }
    }

    /** {@code POP3S 96, POP3 4}: how many selected which listener, most first. */
    private static String selections(List<LoadBurst.Sample> samples) {
        Map<String, Long> counts = samples.stream().collect(Collectors.groupingBy(
                s -> !s.finished() ? "unfinished" : s.selected().map(ServerLoadBenchmark::label).orElse("none"),
                TreeMap::new, Collectors.counting()));
        return counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }

    /** Every attempt of the library's results that was made, by candidate and outcome, with one detail each. */
    private static String attempts(List<LoadBurst.Sample> samples) {
        Map<String, Long> counts = new TreeMap<>();
        Map<String, String> details = new TreeMap<>();
        for (LoadBurst.Sample sample : samples) {
            if (sample.result() == null) {
                counts.merge("unfinished", 1L, Long::sum);
                continue;
            }
            for (Attempt attempt : sample.result().attempts()) {
                if (attempt.outcome() == Outcome.NOT_TRIED) {
                    continue;
                }
                String key = label(attempt.candidate()) + " " + attempt.outcome();
                counts.merge(key, 1L, Long::sum);
                if (attempt.outcome() != Outcome.AUTHENTICATED) {
                    details.putIfAbsent(key, attempt.detail());
                }
            }
        }
        return counts.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()
                        + (details.containsKey(e.getKey()) ? " (\"" + details.get(e.getKey()) + "\")" : ""))
                .collect(Collectors.joining("; "));
    }

    /** IMAPS, POP3S, IMAP, POP3 (STARTTLS candidates: IMAP+STARTTLS, POP3+STLS). */
    static String label(ProtocolCandidate candidate) {
        String protocol = candidate.protocol() == MailProtocol.IMAP ? "IMAP" : "POP3";
        return switch (candidate.security()) {
            case IMPLICIT_TLS -> protocol + "S";
            case STARTTLS -> protocol + (candidate.protocol() == MailProtocol.IMAP ? "+STARTTLS" : "+STLS");
            case NONE -> protocol;
        };
    }

    /** A Courier or Cyrus instance with users 0 to n - 1, seen the same way. */
    private static final class Fixture implements AutoCloseable {
        private final Server server;
        private final CourierServer courier;
        private final CyrusServer cyrus;

        private Fixture(Server server, CourierServer courier, CyrusServer cyrus) {
            this.server = server;
            this.courier = courier;
            this.cyrus = cyrus;
        }

        static Fixture start(Server server, Situation situation, int users) {
            MailListener[] stopped = situation == Situation.POP_ONLY
                    ? new MailListener[] {MailListener.IMAP, MailListener.IMAPS} : new MailListener[0];
            if (server == Server.COURIER) {
                CourierServer.Builder builder = CourierServer.builder().tls(CERTS).stop(stopped);
                for (int user = 0; user < users; user++) {
                    builder.user(email(user), password(user));
                }
                return new Fixture(server, builder.start(), null);
            }
            CyrusServer.Builder builder = CyrusServer.builder().tls(CERTS).stop(stopped);
            for (int user = 0; user < users; user++) {
                builder.user(cyrusUser(user), password(user));
            }
            return new Fixture(server, null, builder.start());
        }

        RoutableServer routable() {
            return courier != null ? courier : cyrus;
        }

        int[] ports() {
            MailListener[] listeners = MailListener.values();
            int[] ports = new int[listeners.length];
            for (int i = 0; i < listeners.length; i++) {
                ports[i] = courier != null ? courier.port(listeners[i]) : cyrus.port(listeners[i]);
            }
            return ports;
        }

        /** Courier logs in with the full address; Cyrus (virtdomains: off) with the bare name. */
        String login(int user) {
            return server == Server.COURIER ? email(user) : cyrusUser(user);
        }

        MailAccount account(int user) {
            return MailAccount.builder(email(user)).username(login(user)).password(password(user)).host(HOST)
                    .build();
        }

        static String password(int user) {
            return String.format(Locale.ROOT, "load-%03d-secret", user);
        }

        private static String email(int user) {
            return cyrusUser(user) + "@example.test";
        }

        private static String cyrusUser(int user) {
            return String.format(Locale.ROOT, "user%03d", user);
        }

        /**
         * Courier's log lines of connections: {@code DEBUG: Connection} (its login program started, after the TLS
         * handshake on POP3S and IMAPS) and {@code ALERT: Maximum connection limit reached} (closed at once). A TLS
         * handshake that fails shows only as couriertls's {@code ip=[...], Unknown certificate} (or another error),
         * a line it also writes at the end of every TLS session, so those are not counted here. Cyrus logs no line
         * for every connection: 0.
         */
        int loggedConnections() {
            if (courier == null) {
                return 0;
            }
            int count = 0;
            for (MailListener listener : MailListener.values()) {
                count += (int) courier.logLines(listener).stream()
                        .filter(line -> line.startsWith("DEBUG: Connection, ")
                                || line.startsWith("ALERT: Maximum connection limit reached"))
                        .count();
            }
            return count;
        }

        int limitLines() {
            if (courier != null) {
                Predicate<String> limit = line -> line.startsWith("ALERT: Maximum connection limit reached")
                        || line.contains("maximum active connections");
                int count = 0;
                for (MailListener listener : MailListener.values()) {
                    count += (int) courier.logLines(listener).stream().filter(limit).count();
                }
                return count;
            }
            return (int) cyrus.logLines().stream().filter(line -> line.contains("Logins must be at least")
                    || line.contains("too many failures for service")).count();
        }

        void awaitQuietLog() {
            if (courier != null) {
                courier.awaitQuietLog(QUIET, QUIET_BOUND);
            } else {
                cyrus.awaitQuietLog(QUIET, QUIET_BOUND);
            }
        }

        @Override
        public void close() {
            if (courier != null) {
                courier.close();
            } else {
                cyrus.close();
            }
        }
    }
}
