package org.mailintegrator.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.Phase;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.strategies.Policies;
import org.mailintegrator.testkit.Fault;
import org.mailintegrator.testkit.MailServerFixture;
import org.mailintegrator.testkit.Routing;
import org.mailintegrator.testkit.Service;
import org.mailintegrator.testkit.TestCertificates;
import picocli.CommandLine;

/**
 * {@code mailintegrator batch} measured as a migration service would run it: a CSV of accounts across a few
 * providers with faults, integrated with bounded concurrency, twice in one process:
 * without and with {@code --remember-unreachable}. The providers are testkit fixtures on their own loopback
 * addresses, with the command's policy (BlackBerry's) routed to them: {@code firewalled.test} (IMAP dropped),
 * {@code refusing.test} (IMAP stopped), {@code healthy.test}, {@code slow.test} (IMAP over TLS with added latency).
 * Everything is read back from the command's own output (JSON lines): throughput, connections begun per account
 * (attempts that left {@code NOT_STARTED}), time spent on the dead endpoints, and whether every account selected the
 * same candidate in both runs. A program, not a test (the build compiles it):
 *
 * <pre>{@code
 * mvn -B -q -pl cli -am test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp cli/target/test-classes:cli/target/classes:$(cat cli/target/cp.txt) \
 *     org.mailintegrator.cli.BatchBenchmark 10000 50
 * }</pre>
 */
public final class BatchBenchmark {
    private static final String PASSWORD_VARIABLE = "BENCH_PASSWORD";
    private static final String PASSWORD = "bench-password";
    private static final String[][] PROVIDERS = {
        {"firewalled.test", "127.0.0.31"}, {"refusing.test", "127.0.0.32"}, {"healthy.test", "127.0.0.33"},
        {"slow.test", "127.0.0.34"}};

    private BatchBenchmark() {
    }

    /** {@code [accounts] [concurrency]}: 10,000 accounts, 50 at once by default. */
    public static void main(String[] args) throws Exception {
        // one INFO line per account would measure the terminal
        System.setProperty("org.slf4j.simpleLogger.log.org.mailintegrator", "warn");
        int accounts = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        TestCertificates certificates = TestCertificates.forHosts("127.0.0.31", "127.0.0.32", "127.0.0.33",
                "127.0.0.34");
        List<MailServerFixture> fixtures = new ArrayList<>();
        Path directory = Files.createTempDirectory("batch-benchmark");
        try {
            Routing routing = null;
            for (int p = 0; p < PROVIDERS.length; p++) {
                MailServerFixture.Builder builder = MailServerFixture.builder().host(PROVIDERS[p][1])
                        .certificates(certificates);
                switch (p) {
                    case 0 -> builder.fault(Service.IMAPS, Fault.DROP).fault(Service.IMAP, Fault.DROP);
                    case 1 -> builder.stopped(Service.IMAPS, Service.IMAP);
                    case 3 -> builder.fault(Service.IMAPS, Fault.slow(java.time.Duration.ofMillis(5)));
                    default -> { }
                }
                for (int i = p; i < accounts; i += PROVIDERS.length) {
                    builder.user(address(i), PASSWORD);
                }
                MailServerFixture fixture = builder.start();
                fixtures.add(fixture);
                routing = routing == null ? Routing.host(PROVIDERS[p][0], fixture)
                        : routing.andHost(PROVIDERS[p][0], fixture);
            }
            Path input = directory.resolve("accounts.csv");
            List<String> lines = new ArrayList<>(List.of("email,password_env"));
            for (int i = 0; i < accounts; i++) {
                lines.add(address(i) + "," + PASSWORD_VARIABLE);
            }
            Files.write(input, lines, StandardCharsets.UTF_8);
            Routing route = routing;
            Consumer<Integrator.Builder> network = builder -> builder.policy(route.apply(Policies.blackBerry()))
                    .sslContext(certificates.clientSslContext());
            System.out.printf(Locale.ROOT, "%,d accounts across %d providers through batch, %d at once, connect "
                    + "timeout 1 s, read timeout 10 s; %d cores%n", accounts, PROVIDERS.length, concurrency,
                    Runtime.getRuntime().availableProcessors());
            Map<String, Optional<ProtocolCandidate>> strict = run("without --remember-unreachable", directory,
                    input, concurrency, network, false);
            Map<String, Optional<ProtocolCandidate>> remembering = run("with --remember-unreachable 10m", directory,
                    input, concurrency, network, true);
            long mismatches = strict.keySet().stream()
                    .filter(email -> !strict.get(email).equals(remembering.get(email))).count();
            System.out.printf(Locale.ROOT, "accounts whose selected candidate differs between the runs: %d of %d%n",
                    mismatches, strict.size());
        } finally {
            fixtures.forEach(MailServerFixture::close);
        }
    }

    private static String address(int i) {
        return "user" + i + "@" + PROVIDERS[i % PROVIDERS.length][0];
    }

    private static Map<String, Optional<ProtocolCandidate>> run(String name, Path directory, Path input,
            int concurrency, Consumer<Integrator.Builder> network, boolean remember) throws IOException {
        Path output = directory.resolve((remember ? "remembering" : "strict") + ".jsonl");
        List<String> args = new ArrayList<>(List.of("batch", input.toString(), "--out", output.toString(),
                "--concurrency", Integer.toString(concurrency), "--connect-timeout", "1s", "--read-timeout", "10s"));
        if (remember) {
            args.addAll(List.of("--remember-unreachable", "10m"));
        }
        CommandLine cli = MailIntegratorCli.commandLine(new MailIntegratorCli(Map.of(PASSWORD_VARIABLE, PASSWORD)));
        BatchCommand batch = cli.getSubcommands().get("batch").getCommand();
        batch.network = network;
        cli.setErr(new PrintWriter(Writer.nullWriter()));
        long start = System.nanoTime();
        int status = cli.execute(args.toArray(String[]::new));
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Optional<ProtocolCandidate>> selected = new HashMap<>();
        long begun = 0;
        long deadMillis = 0;
        long deadContacted = 0;
        long deadSkipped = 0;
        for (String line : Files.readAllLines(output, StandardCharsets.UTF_8)) {
            Map<String, Object> row = JSON.std.mapFrom(line);
            if (!row.containsKey("result") || "transient".equals(row.get("status"))) {
                throw new IllegalStateException("an error or a transient failure: " + line);
            }
            IntegrationResult result = IntegrationResult.fromJson(JSON.std.asString(row.get("result")));
            selected.put((String) row.get("email"), result.selected());
            for (Attempt attempt : result.attempts()) {
                if (attempt.phase() != Phase.NOT_STARTED) {
                    begun++;
                }
                boolean dead = attempt.outcome() == Outcome.REFUSED || attempt.outcome() == Outcome.TIMED_OUT;
                if (dead && attempt.phase() == Phase.CONNECT) {
                    deadContacted++;
                    deadMillis += attempt.elapsed().toMillis();
                } else if (dead) {
                    deadSkipped++;
                }
            }
        }
        System.out.printf(Locale.ROOT, "%-34s exit %d  %6.1f s  %6.1f accounts/s  %.2f connections begun per "
                + "account  dead endpoints: %,d contacted (%,d ms in all, %.1f ms per account), %,d not contacted%n",
                name, status, seconds, selected.size() / seconds, (double) begun / selected.size(), deadContacted,
                deadMillis, (double) deadMillis / selected.size(), deadSkipped);
        return selected;
    }
}
