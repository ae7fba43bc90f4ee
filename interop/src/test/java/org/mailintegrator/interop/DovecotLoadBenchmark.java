package org.mailintegrator.interop;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.interop.DovecotServer.Listener;
import org.mailintegrator.strategies.Policies;
import org.mailintegrator.testkit.TestCertificates;

/**
 * A concurrency sweep against a stock Dovecot (its auth failure delay, penalty, process and connection limits as
 * shipped): 1, 10, 50 and 100 integrations of one account at once, with everything up and with IMAP over TLS
 * dropped by a firewall, for the library and for a naive sequential Jakarta Mail loop (each candidate in turn, the
 * same timeouts, Jakarta Mail's defaults otherwise). Per row: agreement with the one-at-a-time answer, connections
 * Dovecot saw per integration (from its log, all four listeners), p50 and p99 integration time. Then a wrong
 * password with the library. Needs root and Dovecot, as the interop suite does.
 *
 * <pre>{@code
 * mvn -B -q install -DskipTests
 * mvn -B -q -pl interop exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=org.mailintegrator.interop.DovecotLoadBenchmark -Dexec.args="1,10,50,100"
 * }</pre>
 */
public final class DovecotLoadBenchmark {
    private static final String HOST = "127.0.0.1";
    private static final String USER = "alice@example.test";
    private static final String PASSWORD = "alice-secret";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(3);
    private static final TestCertificates CERTS = TestCertificates.forHosts(HOST, "localhost");
    /** Far beyond the library's integration timeout (2 min) and the naive loop's worst case. */
    private static final Duration BURST_BOUND = Duration.ofMinutes(5);

    private DovecotLoadBenchmark() {
    }

    /** {@code [concurrencies]}, comma separated; default {@code 1,10,50,100}. */
    public static void main(String[] args) throws Exception {
        List<Integer> levels = new ArrayList<>();
        for (String level : (args.length > 0 ? args[0] : "1,10,50,100").split(",")) {
            levels.add(Integer.parseInt(level.trim()));
        }
        run(levels, System.out);
        System.exit(0);
    }

    /** One measured row. */
    static final class Row {
        final String scenario;
        final String variant;
        final int concurrent;
        final int agreeing;
        final double connectionsPerIntegration;
        final long p50;
        final long p99;

        Row(String scenario, String variant, int concurrent, int agreeing, double connectionsPerIntegration,
                long p50, long p99) {
            this.scenario = scenario;
            this.variant = variant;
            this.concurrent = concurrent;
            this.agreeing = agreeing;
            this.connectionsPerIntegration = connectionsPerIntegration;
            this.p50 = p50;
            this.p99 = p99;
        }
    }

    static List<Row> run(List<Integer> levels, PrintStream out) throws Exception {
        List<Row> rows = new ArrayList<>();
        for (boolean dropped : List.of(false, true)) {
            String scenario = dropped ? "IMAP 993 dropped" : "everything up";
            for (int concurrent : levels) {
                for (String variant : List.of("library", "naive loop")) {
                    // a fresh Dovecot per row: no penalty or connection count carried over from the previous one
                    try (DovecotServer dovecot = DovecotServer.builder().user(USER, PASSWORD).tls(CERTS).start();
                            LoopbackDropRule drop = dropped ? LoopbackDropRule.install(HOST, dovecot.port(
                                    Listener.IMAPS)) : null) {
                        rows.add(measure(dovecot, scenario, variant, concurrent));
                    }
                }
            }
        }
        out.println("Stock Dovecot on loopback; connect timeout " + CONNECT_TIMEOUT.toMillis() + " ms, read timeout "
                + READ_TIMEOUT.toMillis() + " ms; Policies.blackBerry().");
        out.println();
        out.println("| scenario | variant | at once | same as one alone | connections per integration | p50 ms | p99 ms |");
        out.println("|---|---|---:|---:|---:|---:|---:|");
        for (Row row : rows) {
            out.printf(Locale.ROOT, "| %s | %s | %d | %.0f %% | %.2f | %d | %d |%n", row.scenario, row.variant,
                    row.concurrent, 100.0 * row.agreeing / row.concurrent, row.connectionsPerIntegration, row.p50,
                    row.p99);
        }
        try (DovecotServer dovecot = DovecotServer.builder().user(USER, PASSWORD).tls(CERTS).start()) {
            MailAccount wrong = MailAccount.builder(USER).password("not-" + PASSWORD).host(HOST).build();
            IntegrationResult result = integrator(dovecot).integrate(wrong);
            boolean allRejected = result.attempts().stream().allMatch(a -> a.outcome() == Outcome.AUTH_FAILED);
            out.println();
            out.printf(Locale.ROOT, "Wrong password, library: %s in %d ms; every candidate AUTH_FAILED: %s%n",
                    result.attempts().stream().map(a -> a.outcome().toString()).reduce((a, b) -> a + ", " + b)
                            .orElse(""), result.elapsed().toMillis(), allRejected ? "yes" : "NO");
        }
        return rows;
    }

    private static Row measure(DovecotServer dovecot, String scenario, String variant, int concurrent) {
        Integrator integrator = integrator(dovecot);
        List<ProtocolCandidate> chain = RoutedPolicy.to(dovecot, Policies.blackBerry()).candidates(alice());
        Optional<ProtocolCandidate> alone = integrator.integrate(alice()).selected();
        int before = connections(dovecot);
        List<LoadBurst.Sample> samples = variant.equals("library")
                ? LoadBurst.library(integrator, Collections.nCopies(concurrent, alice()), BURST_BOUND)
                : LoadBurst.naive(chain, Collections.nCopies(concurrent, new LoadBurst.Login(USER, PASSWORD)),
                        CONNECT_TIMEOUT, READ_TIMEOUT, () -> CERTS.clientSslContext().getSocketFactory(),
                        BURST_BOUND);
        int agreeing = (int) samples.stream().filter(s -> s.finished() && s.selected().equals(alone)).count();
        int opened = settledConnections(dovecot) - before;
        return new Row(scenario, variant, concurrent, agreeing, (double) opened / concurrent,
                LoadBurst.percentile(samples, 50), LoadBurst.percentile(samples, 99));
    }

    private static int connections(DovecotServer dovecot) {
        int count = 0;
        for (Listener listener : Listener.values()) {
            count += dovecot.loggedClientPorts(listener).size();
        }
        return count;
    }

    /** The connections Dovecot has logged once its log has had no change for a moment (it logs asynchronously). */
    private static int settledConnections(DovecotServer dovecot) {
        dovecot.awaitQuietLog(Duration.ofMillis(500), Duration.ofSeconds(60));
        return connections(dovecot);
    }

    private static Integrator integrator(DovecotServer dovecot) {
        return Integrator.builder().policy(RoutedPolicy.to(dovecot, Policies.blackBerry()))
                .sslContext(CERTS.clientSslContext()).connectTimeout(CONNECT_TIMEOUT).readTimeout(READ_TIMEOUT)
                .build();
    }

    private static MailAccount alice() {
        return MailAccount.builder(USER).password(PASSWORD).host(HOST).build();
    }
}
