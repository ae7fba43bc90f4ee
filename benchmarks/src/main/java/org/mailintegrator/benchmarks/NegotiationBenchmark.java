package org.mailintegrator.benchmarks;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.strategies.Policies;
import org.mailintegrator.testkit.Fault;
import org.mailintegrator.testkit.MailServerFixture;
import org.mailintegrator.testkit.Service;

/**
 * Measures the library's negotiation against a naive sequential Jakarta Mail loop over the same chain with the
 * same timeouts (what a user would write by hand) and against the winning candidate alone (the physical floor),
 * side by side in one process, alternating A/B/C on every repetition, on loopback with testkit faults.
 *
 * <pre>{@code
 * mvn -B -q install -DskipTests
 * mvn -B -q -pl benchmarks exec:java -Dexec.mainClass=org.mailintegrator.benchmarks.NegotiationBenchmark -Dexec.args="7"
 * mvn -B -q -pl benchmarks exec:java -Dexec.mainClass=org.mailintegrator.benchmarks.NegotiationBenchmark -Dexec.args="soak"
 * }</pre>
 */
public final class NegotiationBenchmark {
    private static final String ADDRESS = "bench@example.test";
    private static final String PASSWORD = "bench-password";
    private static final Service[] ORDER = {Service.IMAPS, Service.POP3S, Service.IMAP, Service.POP3};

    /** Connect and read timeout T of every variant. */
    static final Duration TIMEOUT = Duration.ofSeconds(3);
    /** The patience window P of the patience scenario. */
    static final Duration PATIENCE = Duration.ofMillis(500);

    private NegotiationBenchmark() {
    }

    /** {@code [repetitions]} runs the scenarios (default 7); {@code soak [integrations]} runs the soak test. */
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("soak")) {
            soak(args.length > 1 ? Integer.parseInt(args[1]) : 10_000, 100, System.out);
        } else {
            scenarios(args.length > 0 ? Integer.parseInt(args[0]) : 7, System.out);
        }
    }

    /** A server state to measure in, with the service expected to win under the KB order. */
    static final class Scenario {
        final String name;
        final Consumer<MailServerFixture> setUp;
        final @Nullable Service winner;
        final boolean wrongPassword;
        final boolean patience;

        Scenario(String name, Consumer<MailServerFixture> setUp, @Nullable Service winner, boolean wrongPassword,
                boolean patience) {
            this.name = name;
            this.setUp = setUp;
            this.winner = winner;
            this.wrongPassword = wrongPassword;
            this.patience = patience;
        }
    }

    static List<Scenario> scenarios() {
        return List.of(
                new Scenario("all up", f -> { }, Service.IMAPS, false, false),
                new Scenario("top 1 refused", f -> f.stop(Service.IMAPS), Service.POP3S, false, false),
                new Scenario("top 2 refused", f -> stop(f, Service.IMAPS, Service.POP3S), Service.IMAP, false, false),
                new Scenario("top 3 refused", f -> stop(f, Service.IMAPS, Service.POP3S, Service.IMAP), Service.POP3,
                        false, false),
                new Scenario("top 1 and 2 dropped", f -> drop(f), Service.IMAP, false, false),
                new Scenario("top 1 and 2 dropped, patience " + PATIENCE.toMillis() + " ms", f -> drop(f),
                        Service.IMAP, false, true),
                new Scenario("top candidate silent", f -> f.fault(Service.IMAPS, Fault.SILENT), Service.POP3S, false,
                        false),
                new Scenario("top candidate slow (50 ms each way)",
                        f -> f.fault(Service.IMAPS, Fault.slow(Duration.ofMillis(50))), Service.IMAPS, false, false),
                new Scenario("wrong password", f -> { }, null, true, false));
    }

    /** Runs every scenario {@code repetitions} times per variant and prints a Markdown table. */
    static List<Row> scenarios(int repetitions, PrintStream out) throws Exception {
        return scenarios(repetitions, out, name -> true);
    }

    /** Runs the scenarios whose name {@code selected} accepts. */
    static List<Row> scenarios(int repetitions, PrintStream out, Predicate<String> selected) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (MailServerFixture fixture = MailServerFixture.builder().user(ADDRESS, PASSWORD).start()) {
            warmUp(fixture);
            for (Scenario scenario : scenarios()) {
                if (!selected.test(scenario.name)) {
                    continue;
                }
                fixture.restore();
                scenario.setUp.accept(fixture);
                rows.add(measure(fixture, scenario, repetitions));
            }
        }
        print(rows, repetitions, out);
        return rows;
    }

    private static Row measure(MailServerFixture fixture, Scenario scenario, int repetitions) throws Exception {
        Integrator.Builder builder = Integrator.builder().policy(fixture.route(Policies.blackBerry()))
                .sslContext(fixture.clientSslContext()).connectTimeout(TIMEOUT).readTimeout(TIMEOUT);
        if (scenario.patience) {
            builder.patience(PATIENCE);
        }
        Integrator library = builder.build();
        String password = scenario.wrongPassword ? "wrong-" + PASSWORD : PASSWORD;
        MailAccount account = MailAccount.builder(ADDRESS).password(password).host(fixture.host()).build();
        List<ProtocolCandidate> chain = fixture.route(Policies.blackBerry()).candidates(account);
        ProtocolCandidate winner = scenario.winner == null ? null : chain.get(List.of(ORDER).indexOf(scenario.winner));
        Row row = new Row(scenario.name);
        for (int i = 0; i < repetitions; i++) {
            // A: the library
            int before = logins(fixture);
            long start = System.nanoTime();
            IntegrationResult result = library.integrate(account);
            row.library.add(System.nanoTime() - start);
            row.libraryLogins = logins(fixture) - before;
            if (winner != null && !result.selected().equals(Optional.of(winner))) {
                throw new IllegalStateException(scenario.name + ": the library selected " + result.selected()
                        + ", expected " + winner + "\n" + result);
            }
            // B: the naive sequential loop
            before = logins(fixture);
            start = System.nanoTime();
            @Nullable ProtocolCandidate naiveWinner = naiveLoop(chain, password, fixture);
            row.naive.add(System.nanoTime() - start);
            row.naiveLogins = logins(fixture) - before;
            if (winner != null && !Objects.equals(winner, naiveWinner)) {
                throw new IllegalStateException(scenario.name + ": the naive loop selected " + naiveWinner);
            }
            // C: the winner alone
            if (winner != null) {
                start = System.nanoTime();
                if (!connectAndClose(winner, password, fixture)) {
                    throw new IllegalStateException(scenario.name + ": the winner alone did not authenticate");
                }
                row.alone.add(System.nanoTime() - start);
            }
        }
        return row;
    }

    /** What a user writes by hand: each candidate in turn, same timeouts, until one authenticates. */
    static @Nullable ProtocolCandidate naiveLoop(List<ProtocolCandidate> chain, String password,
            MailServerFixture fixture) {
        return NaiveLoop.walk(chain, ADDRESS, password, TIMEOUT, TIMEOUT, fixture.clientSslContext().getSocketFactory());
    }

    private static boolean connectAndClose(ProtocolCandidate candidate, String password, MailServerFixture fixture) {
        return NaiveLoop.connectAndClose(candidate, ADDRESS, password, TIMEOUT, TIMEOUT,
                fixture.clientSslContext().getSocketFactory());
    }

    private static int logins(MailServerFixture fixture) {
        return (int) fixture.received().stream().map(command -> command.line().toUpperCase(Locale.ROOT))
                .filter(line -> line.startsWith("PASS ") || line.matches("\\S+ LOGIN .*")).count();
    }

    private static void warmUp(MailServerFixture fixture) {
        Integrator integrator = Integrator.builder().policy(fixture.route(Policies.blackBerry()))
                .sslContext(fixture.clientSslContext()).build();
        List<ProtocolCandidate> chain = fixture.route(Policies.blackBerry()).candidates(fixture.account(ADDRESS));
        for (int i = 0; i < 30; i++) {
            integrator.integrate(fixture.account(ADDRESS));
            connectAndClose(chain.get(0), PASSWORD, fixture);
        }
    }

    private static void stop(MailServerFixture fixture, Service... services) {
        for (Service service : services) {
            fixture.stop(service);
        }
    }

    private static void drop(MailServerFixture fixture) {
        fixture.fault(Service.IMAPS, Fault.DROP);
        fixture.fault(Service.POP3S, Fault.DROP);
    }

    /** One scenario's measurements, in nanoseconds. */
    static final class Row {
        final String scenario;
        final List<Long> library = new ArrayList<>();
        final List<Long> naive = new ArrayList<>();
        final List<Long> alone = new ArrayList<>();
        int libraryLogins;
        int naiveLogins;

        Row(String scenario) {
            this.scenario = scenario;
        }

        double libraryMedianMillis() {
            return median(library);
        }

        double naiveMedianMillis() {
            return median(naive);
        }

        double aloneMedianMillis() {
            return alone.isEmpty() ? Double.NaN : median(alone);
        }
    }

    private static void print(List<Row> rows, int repetitions, PrintStream out) {
        out.printf("Connect and read timeout T = %d ms; stagger 250 ms; %d repetitions per variant, alternating.%n%n",
                TIMEOUT.toMillis(), repetitions);
        out.println("| scenario | library median (min–max) ms | naive loop median (min–max) ms | winner alone median"
                + " (min–max) ms | library / alone | naive / library | logins library / naive |");
        out.println("|---|---|---|---|---|---|---|");
        for (Row row : rows) {
            out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %d / %d |%n", row.scenario, cell(row.library),
                    cell(row.naive), row.alone.isEmpty() ? "–" : cell(row.alone),
                    row.alone.isEmpty() ? "–" : String.format(Locale.ROOT, "%.2f",
                            row.libraryMedianMillis() / row.aloneMedianMillis()),
                    String.format(Locale.ROOT, "%.2f", row.naiveMedianMillis() / row.libraryMedianMillis()),
                    row.libraryLogins, row.naiveLogins);
        }
    }

    private static String cell(List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return String.format(Locale.ROOT, "%.0f (%.0f–%.0f)", median(nanos), sorted.get(0) / 1e6,
                sorted.get(sorted.size() - 1) / 1e6);
    }

    static double median(List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        int n = sorted.size();
        return (n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0) / 1e6;
    }

    /** Figures of a soak run. */
    static final class Soak {
        int integrations;
        int correct;
        int peakThreads;
        int peakLibraryThreads;
        long heapAfterFirstThousand;
        long heapAtHalf;
        long heapAtEnd;
        double seconds;
    }

    /** {@code integrations} integrations through one Integrator, {@code concurrency} at a time, everything up. */
    static Soak soak(int integrations, int concurrency, PrintStream out) throws Exception {
        Soak soak = new Soak();
        soak.integrations = integrations;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        try (MailServerFixture fixture = MailServerFixture.builder().user(ADDRESS, PASSWORD).start()) {
            // The JDK keeps every TLS session of a context in a soft cache of up to 20,480 entries; a System.gc()
            // does not clear soft references, so an uncapped cache would hide the library's own heap behind it.
            SSLContext tls = fixture.clientSslContext();
            tls.getClientSessionContext().setSessionCacheSize(256);
            Integrator integrator = Integrator.builder().policy(fixture.route(Policies.blackBerry()))
                    .sslContext(tls).build();
            MailAccount account = fixture.account(ADDRESS);
            ProtocolCandidate expected = fixture.route(Policies.blackBerry()).candidates(account).get(0);
            ExecutorService callers = Executors.newFixedThreadPool(concurrency);
            AtomicInteger correct = new AtomicInteger();
            AtomicInteger peakLibraryThreads = new AtomicInteger();
            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
            sampler.scheduleAtFixedRate(() -> peakLibraryThreads.accumulateAndGet(libraryThreads(), Math::max),
                    0, 20, TimeUnit.MILLISECONDS);
            long start = System.nanoTime();
            int firstBatch = Math.min(1_000, integrations);
            run(callers, integrator, account, expected, firstBatch, correct);
            soak.heapAfterFirstThousand = heapAfterGc(memory);
            threads.resetPeakThreadCount();
            int half = (integrations - firstBatch) / 2;
            run(callers, integrator, account, expected, half, correct);
            soak.heapAtHalf = heapAfterGc(memory);
            run(callers, integrator, account, expected, integrations - firstBatch - half, correct);
            soak.seconds = (System.nanoTime() - start) / 1e9;
            soak.peakThreads = threads.getPeakThreadCount();
            soak.heapAtEnd = heapAfterGc(memory);
            soak.correct = correct.get();
            sampler.shutdownNow();
            soak.peakLibraryThreads = peakLibraryThreads.get();
            callers.shutdown();
        }
        out.printf(Locale.ROOT, "%d integrations, %d at a time, through one Integrator, in %.1f s: %d correct.%n",
                soak.integrations, concurrency, soak.seconds, soak.correct);
        out.printf(Locale.ROOT, "Peak live threads of the library (attempts, lookups and timer), sampled every 20 ms: %d"
                + "%n", soak.peakLibraryThreads);
        out.printf(Locale.ROOT, "Peak live threads in the whole JVM after the first thousand (callers, library, the "
                + "fixture's server threads): %d%n", soak.peakThreads);
        out.printf(Locale.ROOT, "Heap used after GC: %.1f MiB after 1,000 integrations, %.1f MiB after %,d, %.1f MiB"
                + " after %,d.%n", soak.heapAfterFirstThousand / 1048576.0, soak.heapAtHalf / 1048576.0,
                Math.min(1_000, integrations) + (integrations - Math.min(1_000, integrations)) / 2,
                soak.heapAtEnd / 1048576.0, soak.integrations);
        return soak;
    }

    private static void run(ExecutorService callers, Integrator integrator, MailAccount account,
            ProtocolCandidate expected, int count, AtomicInteger correct) throws Exception {
        List<Future<?>> futures = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            futures.add(callers.submit(() -> {
                if (integrator.integrate(account).selected().filter(expected::equals).isPresent()) {
                    correct.incrementAndGet();
                }
            }));
        }
        for (Future<?> future : futures) {
            future.get();
        }
    }

    private static int libraryThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("mailintegrator-")).count();
    }

    private static long heapAfterGc(MemoryMXBean memory) {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            // Jakarta Mail stores are finalizable: let the finalizer release the ones already closed
            System.gc();
            System.runFinalization();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
