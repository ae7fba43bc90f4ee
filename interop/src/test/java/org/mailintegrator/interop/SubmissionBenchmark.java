package org.mailintegrator.interop;

import static org.mailintegrator.core.MailProtocol.SMTP;

import java.io.PrintStream;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import org.mailintegrator.benchmarks.NaiveLoop;
import org.mailintegrator.core.IntegrationPair;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;
import org.mailintegrator.interop.PostfixServer.Listener;
import org.mailintegrator.strategies.Policies;
import org.mailintegrator.testkit.TestCertificates;

/**
 * The outgoing rows of the integration table, timed against Postfix 3.7 with SASL through Dovecot as Debian ships
 * them ({@link PostfixWithDovecot}), the library side by side with a naive Jakarta Mail loop, in one run:
 * <ol>
 *   <li><b>465 dropped</b>: a firewall drops SYNs to 465 ({@link LoopbackDropRule}), 587 is up. The library:
 *   {@link Policies#submission()}; the naive loop: {@code Transport.connect} over 465, then over 587
 *   ({@link NaiveLoop});</li>
 *   <li><b>both directions, everything up</b> and <b>both directions, 465 dropped</b>: the library's
 *   {@link IntegrationPair#integrate} ({@link Policies#blackBerry()} against Dovecot, {@link Policies#submission()}
 *   against Postfix) against the naive IMAP/POP3 loop, then the naive SMTP loop, one after the other;</li>
 *   <li><b>no AUTH offered</b> (Postfix's SASL off) and <b>STARTTLS stripped, 465 stopped</b>: where the naive loop
 *   "succeeds" without signing in.</li>
 * </ol>
 * Where the table has a target, the library is also timed with the reference: 587 alone (465 dropped: within
 * 1.1 × (T + 587 alone)), each direction alone (both directions: within 1.1 × the slower alone). Per variant: the
 * median (and minimum to maximum) time of {@code repetitions} runs, the variants in turn after one untimed run of
 * each, every run with full TLS handshakes, as an account's first integration has them ({@link TlsSessions});
 * what the outgoing side selected; and whether Postfix saw a signed-in session there ({@code auth=1} in its
 * {@code disconnect} line of the newest session on the selected listener), which is what "verified" must mean.
 * Same connect and read timeouts for both. The naive loop's SMTP is what a hand-written sender sets:
 * {@code mail.smtp.auth}, {@code mail.smtp.starttls.enable} on 587, Jakarta Mail's defaults otherwise.
 *
 * <p>Needs root, Postfix ({@code .ci/install-postfix.sh}), Dovecot and iptables, as the interop suite does. Built
 * through the reactor, without installing anything:
 *
 * <pre>{@code
 * mvn -B -q -o -pl interop -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -Dorg.slf4j.simpleLogger.logFile=interop/target/submission-benchmark.log \
 *     -Dorg.slf4j.simpleLogger.defaultLogLevel=info \
 *     -cp interop/target/test-classes:$(cat interop/target/cp.txt) \
 *     org.mailintegrator.interop.SubmissionBenchmark 7
 * }</pre>
 *
 * <p>Argument, optional: the number of timed runs per variant and scenario (default 7).
 */
public final class SubmissionBenchmark {
    private static final String HOST = "127.0.0.1";
    private static final String USER = "alice@example.test";
    private static final String PASSWORD = "correct-horse-battery";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration LOG_WAIT = Duration.ofSeconds(10);
    private static final Duration QUIET = Duration.ofMillis(300);
    private static final TestCertificates CERTS = TestCertificates.forHosts(HOST, "localhost");

    private SubmissionBenchmark() {
    }

    /** What runs, and how the servers are set up. */
    enum Scenario {
        DROPPED_465("465 dropped by a firewall, 587 up", false, true, Alone.WINNER, builder -> { }),
        BOTH_UP("both directions, everything up", true, false, Alone.EACH_DIRECTION, builder -> { }),
        BOTH_DROPPED_465("both directions, 465 dropped", true, true, Alone.EACH_DIRECTION, builder -> { }),
        NO_AUTH("server offers no AUTH", false, false, Alone.NONE, PostfixServer.Builder::withoutSasl),
        STARTTLS_STRIPPED("587 with STARTTLS stripped, 465 stopped", false, false, Alone.NONE,
                builder -> builder.stripStartTls().stop(Listener.SUBMISSIONS));

        final String title;
        final boolean bothDirections;
        final boolean drop465;
        final Alone alone;
        final Consumer<PostfixServer.Builder> postfixSetup;

        Scenario(String title, boolean bothDirections, boolean drop465, Alone alone,
                Consumer<PostfixServer.Builder> postfixSetup) {
            this.title = title;
            this.bothDirections = bothDirections;
            this.drop465 = drop465;
            this.alone = alone;
            this.postfixSetup = postfixSetup;
        }
    }

    /** The reference a scenario's target compares the library with. */
    enum Alone {
        /** No target. */
        NONE(""),
        /** The library with the winner, 587, as its only candidate: the target is 1.1 × (T + that). */
        WINNER("library, 587 alone"),
        /** Each direction alone with the library, one after the other: the target is 1.1 × the slower. */
        EACH_DIRECTION("library, each direction alone: the slower");

        final String variant;

        Alone(String variant) {
            this.variant = variant;
        }
    }

    /** One run: how long it took, what each direction selected, whether Postfix saw the selected session sign in. */
    record Run(long millis, Optional<ProtocolCandidate> incoming, Optional<ProtocolCandidate> outgoing,
            boolean verified) {
    }

    /** One measured row. */
    record Row(Scenario scenario, String variant, List<Run> runs) {
        long median() {
            List<Long> sorted = runs.stream().map(Run::millis).sorted().toList();
            return sorted.get(sorted.size() / 2);
        }

        long min() {
            return runs.stream().mapToLong(Run::millis).min().orElseThrow();
        }

        long max() {
            return runs.stream().mapToLong(Run::millis).max().orElseThrow();
        }
    }

    /** {@code [repetitions]}. */
    public static void main(String[] args) {
        int repetitions = args.length > 0 ? Integer.parseInt(args[0].trim()) : 7;
        run(repetitions, System.out, System.err);
        System.exit(0);
    }

    static List<Row> run(int repetitions, PrintStream out, PrintStream progress) {
        long begin = System.nanoTime();
        ZonedDateTime started = ZonedDateTime.now();
        List<Row> rows = new ArrayList<>();
        for (Scenario scenario : Scenario.values()) {
            rows.addAll(measure(scenario, repetitions));
            progress.printf(Locale.ROOT, "%s done (%.0f s so far)%n", scenario.title,
                    (System.nanoTime() - begin) / 1e9);
        }
        out.printf(Locale.ROOT, "%s, %d cores, Java %s; connect timeout T = %d ms, read timeout %d ms; %d timed runs "
                + "per variant; whole run %.0f s%n", started.format(DateTimeFormatter.ISO_LOCAL_DATE),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                CONNECT_TIMEOUT.toMillis(), READ_TIMEOUT.toMillis(), repetitions, (System.nanoTime() - begin) / 1e9);
        out.println();
        out.println("| scenario | variant | median ms (min–max) | incoming selected | outgoing selected | "
                + "login verified by Postfix |");
        out.println("|---|---|---|---|---|---|");
        for (Row row : rows) {
            out.printf(Locale.ROOT, "| %s | %s | %d (%d–%d) | %s | %s | %s |%n", row.scenario().title, row.variant(),
                    row.median(), row.min(), row.max(),
                    row.scenario().bothDirections ? distinct(row, Run::incoming) : "–",
                    distinct(row, Run::outgoing),
                    row.runs().stream().filter(Run::verified).count() + "/" + row.runs().size());
        }
        out.println();
        out.println("| target | measured | |");
        out.println("|---|---|---|");
        for (Scenario scenario : Scenario.values()) {
            if (scenario.alone == Alone.NONE) {
                continue;
            }
            long library = row(rows, scenario, "library").median();
            long alone = row(rows, scenario, scenario.alone.variant).median();
            long bound = (scenario.alone == Alone.WINNER ? CONNECT_TIMEOUT.toMillis() + alone : alone) * 11 / 10;
            String reference = scenario.alone == Alone.WINNER
                    ? String.format(Locale.ROOT, "(%d + %d) × 1.1", CONNECT_TIMEOUT.toMillis(), alone)
                    : String.format(Locale.ROOT, "%d × 1.1", alone);
            out.printf(Locale.ROOT, "| %s: library ≤ 1.1 × %s | %d ms ≤ %s = %d ms (naive loop: %d ms) | %s |%n",
                    scenario.title, scenario.alone == Alone.WINNER ? "(T + 587 alone)" : "the slower direction alone",
                    library, reference, bound, row(rows, scenario, "naive loop").median(),
                    library <= bound ? "met" : "not met");
        }
        return rows;
    }

    private static List<Row> measure(Scenario scenario, int repetitions) {
        try (PostfixWithDovecot servers = PostfixWithDovecot.start(CERTS, USER, PASSWORD, scenario.postfixSetup,
                dovecot -> { });
                LoopbackDropRule drop = scenario.drop465
                        ? LoopbackDropRule.install(HOST, servers.postfix().port(Listener.SUBMISSIONS)) : null) {
            PostfixServer postfix = servers.postfix();
            SSLContext readingTls = CERTS.clientSslContext();
            SSLContext sendingTls = CERTS.clientSslContext();
            SSLContext winnerTls = CERTS.clientSslContext();
            SSLContext naiveTls = CERTS.clientSslContext();
            Runnable firstIntegration = () -> TlsSessions.forget(readingTls, sendingTls, winnerTls, naiveTls);
            Integrator reading = Integrator.builder().policy(RoutedPolicy.to(servers.dovecot(), Policies.blackBerry()))
                    .sslContext(readingTls).connectTimeout(CONNECT_TIMEOUT).readTimeout(READ_TIMEOUT).build();
            Integrator sending = Integrator.builder().policy(RoutedPolicy.to(postfix, Policies.submission()))
                    .sslContext(sendingTls).connectTimeout(CONNECT_TIMEOUT).readTimeout(READ_TIMEOUT).build();
            MailAccount account = MailAccount.builder(USER).password(PASSWORD).host(HOST).host(SMTP, HOST).build();
            List<ProtocolCandidate> readingChain = reading.policy().candidates(account);
            List<ProtocolCandidate> sendingChain = sending.policy().candidates(account);
            SSLSocketFactory tls = naiveTls.getSocketFactory();

            Supplier<Run> library = () -> {
                long start = System.nanoTime();
                if (scenario.bothDirections) {
                    IntegrationPair both = IntegrationPair.integrate(reading, sending, account);
                    long millis = since(start);
                    return new Run(millis, both.incoming().selected(), both.outgoing().selected(), false);
                }
                Optional<ProtocolCandidate> outgoing = sending.integrate(account).selected();
                return new Run(since(start), Optional.empty(), outgoing, false);
            };
            Supplier<Run> naive = () -> {
                long start = System.nanoTime();
                ProtocolCandidate incoming = scenario.bothDirections
                        ? NaiveLoop.walk(readingChain, USER, PASSWORD, CONNECT_TIMEOUT, READ_TIMEOUT, tls) : null;
                ProtocolCandidate outgoing = NaiveLoop.walk(sendingChain, USER, PASSWORD, CONNECT_TIMEOUT,
                        READ_TIMEOUT, tls);
                long millis = since(start);
                return new Run(millis, Optional.ofNullable(incoming), Optional.ofNullable(outgoing), false);
            };
            Map<String, Supplier<Run>> variants = new LinkedHashMap<>();
            variants.put("library", library);
            variants.put("naive loop", naive);
            if (scenario.alone == Alone.WINNER) {
                Integrator winner = Integrator.builder().policy(RoutedPolicy.to(postfix, Policies.ordered()
                        .then(SMTP, Security.STARTTLS, 587).build())).sslContext(winnerTls)
                        .connectTimeout(CONNECT_TIMEOUT).readTimeout(READ_TIMEOUT).build();
                variants.put(scenario.alone.variant, () -> {
                    long start = System.nanoTime();
                    Optional<ProtocolCandidate> outgoing = winner.integrate(account).selected();
                    return new Run(since(start), Optional.empty(), outgoing, false);
                });
            } else if (scenario.alone == Alone.EACH_DIRECTION) {
                variants.put(scenario.alone.variant, () -> {
                    long start = System.nanoTime();
                    Optional<ProtocolCandidate> incoming = reading.integrate(account).selected();
                    long readingMillis = since(start);
                    start = System.nanoTime();
                    Optional<ProtocolCandidate> outgoing = sending.integrate(account).selected();
                    return new Run(Math.max(readingMillis, since(start)), incoming, outgoing, false);
                });
            }
            Map<String, List<Run>> runs = new LinkedHashMap<>();
            variants.forEach((variant, measured) -> {
                verified(postfix, firstIntegration, measured);
                runs.put(variant, new ArrayList<>());
            });
            for (int repetition = 0; repetition < repetitions; repetition++) {
                variants.forEach((variant, measured) -> runs.get(variant).add(verified(postfix,
                        firstIntegration, measured)));
            }
            List<Row> rows = new ArrayList<>();
            runs.forEach((variant, measured) -> rows.add(new Row(scenario, variant, measured)));
            return rows;
        }
    }

    /**
     * Runs {@code variant} after {@code firstIntegration}, and tells whether Postfix saw the selected listener's
     * session sign in: the log is let settle first, so that every session it lists then is an earlier run's, and the
     * run's own is the next one.
     */
    private static Run verified(PostfixServer postfix, Runnable firstIntegration, Supplier<Run> variant) {
        postfix.awaitQuietLog(QUIET, LOG_WAIT);
        firstIntegration.run();
        int before465 = postfix.sessions(Listener.SUBMISSIONS).size();
        int before587 = postfix.sessions(Listener.SUBMISSION).size();
        Run run = variant.get();
        if (run.outgoing().isEmpty()) {
            return run;
        }
        boolean on465 = run.outgoing().get().port() == postfix.port(Listener.SUBMISSIONS);
        Listener listener = on465 ? Listener.SUBMISSIONS : Listener.SUBMISSION;
        int before = on465 ? before465 : before587;
        List<String> sessions = postfix.awaitSessions(listener, before + 1, LOG_WAIT);
        boolean signedIn = sessions.subList(before, sessions.size()).stream()
                .anyMatch(session -> session.contains("auth=1 "));
        return new Run(run.millis(), run.incoming(), run.outgoing(), signedIn);
    }

    private static Row row(List<Row> rows, Scenario scenario, String variant) {
        return rows.stream().filter(row -> row.scenario() == scenario && row.variant().equals(variant)).findFirst()
                .orElseThrow();
    }

    private static long since(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** {@code SMTPS 465 ×7}: what the runs selected, with the standard port each listener stands for. */
    private static String distinct(Row row, Function<Run, Optional<ProtocolCandidate>> side) {
        return row.runs().stream().map(run -> side.apply(run).map(SubmissionBenchmark::label).orElse("none"))
                .collect(Collectors.groupingBy(label -> label, LinkedHashMap::new, Collectors.counting()))
                .entrySet().stream().map(e -> e.getKey() + " ×" + e.getValue()).collect(Collectors.joining(", "));
    }

    private static String label(ProtocolCandidate candidate) {
        return candidate.protocol() == SMTP ? "SMTP " + candidate.security() : ServerLoadBenchmark.label(candidate);
    }
}
