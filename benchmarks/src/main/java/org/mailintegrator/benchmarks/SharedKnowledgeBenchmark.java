package org.mailintegrator.benchmarks;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.IntegrationListener;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.Phase;
import org.mailintegrator.core.PreferencePolicy;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.strategies.Policies;
import org.mailintegrator.testkit.Fault;
import org.mailintegrator.testkit.MailServerFixture;
import org.mailintegrator.testkit.Routing;
import org.mailintegrator.testkit.Service;
import org.mailintegrator.testkit.TestCertificates;

/**
 * What {@code Integrator.Builder.rememberUnreachable} buys a migration service: many accounts across a few
 * providers, integrated with bounded concurrency through one {@link Integrator}, twice in one process: without the
 * option (strict, the default) and with it. The providers are testkit fixtures on their own loopback addresses,
 * with BlackBerry's order routed to them:
 *
 * <ul>
 *   <li>{@code firewalled.test}: IMAP (993 and 143) dropped by a firewall, so POP over TLS is selected;</li>
 *   <li>{@code refusing.test}: IMAP stopped (connections refused), so POP over TLS is selected;</li>
 *   <li>{@code healthy.test}: everything up, IMAP over TLS selected;</li>
 *   <li>{@code slow.test}: IMAP over TLS up but slow (added latency each way), still selected.</li>
 * </ul>
 *
 * <p>It reports throughput, the TCP connects begun per account (the listener's {@link Phase#CONNECT} starts), the
 * time the attempts on the dead endpoints took, and whether every account selected the same candidate in both runs.
 * Not a test: a full run takes a few minutes on 2 cores.
 *
 * <pre>{@code
 * mvn -B -o -q -pl benchmarks -am package -DskipTests dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp benchmarks/target/classes:$(cat benchmarks/target/cp.txt) \
 *     org.mailintegrator.benchmarks.SharedKnowledgeBenchmark 10000 50
 * }</pre>
 */
public final class SharedKnowledgeBenchmark {
    private static final String PASSWORD = "bench-password";
    /** Connect timeout: what a dropped endpoint costs an integration that does not know it is dead. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    /** Read timeout: generous, so that a loaded machine does not turn a healthy server into a timed-out one. */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    /** How long the second run remembers an unreachable endpoint: longer than the whole run. */
    static final Duration MEMORY = Duration.ofMinutes(10);
    /** The latency the slow provider adds in each direction. */
    static final Duration SLOW = Duration.ofMillis(5);

    private SharedKnowledgeBenchmark() {
    }

    /** {@code [accounts] [concurrency]}, default 10,000 accounts, 50 at once. */
    public static void main(String[] args) throws Exception {
        int accounts = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        run(accounts, concurrency, System.out);
    }

    /** One simulated provider: a fixture, its state, and the service its accounts should select. */
    private static final class Provider {
        final String domain;
        final String loopback;
        final Consumer<MailServerFixture.Builder> state;
        final Service expected;
        final List<Service> dead;
        @Nullable MailServerFixture fixture;

        Provider(String domain, String loopback, Consumer<MailServerFixture.Builder> state, Service expected,
                List<Service> dead) {
            this.domain = domain;
            this.loopback = loopback;
            this.state = state;
            this.expected = expected;
            this.dead = dead;
        }

        MailServerFixture fixture() {
            return Objects.requireNonNull(fixture, "started");
        }
    }

    private static List<Provider> providers() {
        return List.of(
                new Provider("firewalled.test", "127.0.0.21",
                        b -> b.fault(Service.IMAPS, Fault.DROP).fault(Service.IMAP, Fault.DROP), Service.POP3S,
                        List.of(Service.IMAPS, Service.IMAP)),
                new Provider("refusing.test", "127.0.0.22", b -> b.stopped(Service.IMAPS, Service.IMAP),
                        Service.POP3S, List.of(Service.IMAPS, Service.IMAP)),
                new Provider("healthy.test", "127.0.0.23", b -> { }, Service.IMAPS, List.of()),
                new Provider("slow.test", "127.0.0.24", b -> b.fault(Service.IMAPS, Fault.slow(SLOW)),
                        Service.IMAPS, List.of()));
    }

    /** The figures of one run. */
    static final class Run {
        final String name;
        final Map<String, ProtocolCandidate> selected = new ConcurrentHashMap<>();
        final Map<String, List<Long>> millisByProvider = new ConcurrentHashMap<>();
        final Map<String, LongAdder> connectsByProvider = new ConcurrentHashMap<>();
        final Map<String, LongAdder> deadNanosByProvider = new ConcurrentHashMap<>();
        final LongAdder connects = new LongAdder();
        final LongAdder deadNanos = new LongAdder();
        final LongAdder deadContacted = new LongAdder();
        final LongAdder deadNotContacted = new LongAdder();
        final LongAdder unexpected = new LongAdder();
        double seconds;
        int accounts;

        Run(String name) {
            this.name = name;
        }

        double throughput() {
            return accounts / seconds;
        }
    }

    static List<Run> run(int accounts, int concurrency, PrintStream out) throws Exception {
        List<Provider> providers = providers();
        String[] names = providers.stream().map(p -> p.loopback).toArray(String[]::new);
        TestCertificates certificates = TestCertificates.forHosts(names);
        Routing routing = null;
        Map<String, List<MailAccount>> byProvider = new LinkedHashMap<>();
        List<MailAccount> all = new ArrayList<>(accounts);
        try {
            for (Provider provider : providers) {
                MailServerFixture.Builder builder = MailServerFixture.builder().host(provider.loopback)
                        .certificates(certificates);
                provider.state.accept(builder);
                byProvider.put(provider.domain, new ArrayList<>());
                for (int i = providers.indexOf(provider); i < accounts; i += providers.size()) {
                    String address = "user" + i + "@" + provider.domain;
                    builder.user(address, PASSWORD);
                }
                provider.fixture = builder.start();
                routing = routing == null ? Routing.host(provider.domain, provider.fixture)
                        : routing.andHost(provider.domain, provider.fixture);
            }
            for (int i = 0; i < accounts; i++) {
                Provider provider = providers.get(i % providers.size());
                MailAccount account = MailAccount.builder("user" + i + "@" + provider.domain).password(PASSWORD)
                        .build();
                all.add(account);
                Objects.requireNonNull(byProvider.get(provider.domain)).add(account);
            }
            PreferencePolicy policy = Objects.requireNonNull(routing).apply(Policies.blackBerry());
            Map<String, ProtocolCandidate> expected = new ConcurrentHashMap<>();
            Map<String, Provider> providerOf = new LinkedHashMap<>();
            List<ProtocolCandidate> dead = new ArrayList<>();
            for (Provider provider : providers) {
                providerOf.put(provider.domain, provider);
                List<ProtocolCandidate> chain = policy.candidates(
                        Objects.requireNonNull(byProvider.get(provider.domain)).get(0));
                expected.put(provider.domain, chain.get(order(provider.expected)));
                provider.dead.forEach(service -> dead.add(chain.get(order(service))));
            }

            out.printf(Locale.ROOT, "%,d accounts across %d providers, %d at once; connect timeout %d ms, read timeout "
                    + "%d ms; BlackBerry's order; %d cores.%n", accounts, providers.size(), concurrency,
                    CONNECT_TIMEOUT.toMillis(), READ_TIMEOUT.toMillis(), Runtime.getRuntime().availableProcessors());
            warmUp(policy, certificates, byProvider, concurrency);

            Run strict = measure("without rememberUnreachable (default)", false, policy, certificates, all,
                    concurrency, expected, dead);
            Run remembering = measure("with rememberUnreachable(" + MEMORY.toMinutes() + " min)", true, policy,
                    certificates, all, concurrency, expected, dead);
            print(List.of(strict, remembering), providerOf, byProvider, out);
            return List.of(strict, remembering);
        } finally {
            for (Provider provider : providers) {
                if (provider.fixture != null) {
                    provider.fixture.close();
                }
            }
        }
    }

    private static int order(Service service) {
        return List.of(Service.IMAPS, Service.POP3S, Service.IMAP, Service.POP3).indexOf(service);
    }

    private static void warmUp(PreferencePolicy policy, TestCertificates certificates,
            Map<String, List<MailAccount>> byProvider, int concurrency) throws Exception {
        Integrator integrator = integrator(policy, certificates, false, IntegrationListener.NONE);
        List<MailAccount> some = new ArrayList<>();
        byProvider.forEach((domain, accounts) -> {
            if (!domain.startsWith("firewalled")) {
                some.addAll(accounts.subList(0, Math.min(100, accounts.size())));
            }
        });
        ExecutorService callers = Executors.newFixedThreadPool(concurrency);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (MailAccount account : some) {
                running.add(callers.submit(() -> integrator.integrate(account)));
            }
            for (Future<?> future : running) {
                future.get();
            }
        } finally {
            callers.shutdown();
        }
    }

    private static Integrator integrator(PreferencePolicy policy, TestCertificates certificates, boolean remember,
            IntegrationListener listener) {
        // a fresh client TLS context per run, so that neither run resumes the other's TLS sessions
        SSLContext tls = certificates.clientSslContext();
        tls.getClientSessionContext().setSessionCacheSize(256);
        Integrator.Builder builder = Integrator.builder().policy(policy).sslContext(tls)
                .connectTimeout(CONNECT_TIMEOUT).readTimeout(READ_TIMEOUT).listener(listener);
        if (remember) {
            builder.rememberUnreachable(MEMORY);
        }
        return builder.build();
    }

    private static Run measure(String name, boolean remember, PreferencePolicy policy, TestCertificates certificates,
            List<MailAccount> accounts, int concurrency, Map<String, ProtocolCandidate> expected,
            List<ProtocolCandidate> dead) throws Exception {
        Run run = new Run(name);
        run.accounts = accounts.size();
        IntegrationListener counting = new IntegrationListener() {
            @Override
            public void phaseStart(Integration integration, ProtocolCandidate candidate, Phase phase) {
                if (phase == Phase.CONNECT) {
                    run.connects.increment();
                    run.connectsByProvider.computeIfAbsent(domain(integration.emailAddress()),
                            d -> new LongAdder()).increment();
                }
            }
        };
        Integrator integrator = integrator(policy, certificates, remember, counting);
        ExecutorService callers = Executors.newFixedThreadPool(concurrency);
        long start = System.nanoTime();
        try {
            List<Future<?>> running = new ArrayList<>(accounts.size());
            for (MailAccount account : accounts) {
                running.add(callers.submit(() -> {
                    long began = System.nanoTime();
                    IntegrationResult result = integrator.integrate(account);
                    long millis = (System.nanoTime() - began) / 1_000_000;
                    String domain = domain(account.emailAddress());
                    run.millisByProvider.computeIfAbsent(domain, d -> Collections.synchronizedList(new ArrayList<>()))
                            .add(millis);
                    Optional<ProtocolCandidate> selected = result.selected();
                    selected.ifPresent(candidate -> run.selected.put(account.emailAddress(), candidate));
                    if (!selected.equals(Optional.ofNullable(expected.get(domain)))) {
                        run.unexpected.increment();
                    }
                    for (Attempt attempt : result.attempts()) {
                        if (!dead.contains(attempt.candidate()) || attempt.outcome() == Outcome.NOT_TRIED) {
                            continue;
                        }
                        run.deadNanos.add(attempt.elapsed().toNanos());
                        run.deadNanosByProvider.computeIfAbsent(domain, d -> new LongAdder())
                                .add(attempt.elapsed().toNanos());
                        if (attempt.phase() == Phase.NOT_STARTED) {
                            run.deadNotContacted.increment();
                        } else {
                            run.deadContacted.increment();
                        }
                    }
                }));
            }
            for (Future<?> future : running) {
                future.get();
            }
        } finally {
            callers.shutdown();
        }
        run.seconds = (System.nanoTime() - start) / 1e9;
        return run;
    }

    private static String domain(String emailAddress) {
        return emailAddress.substring(emailAddress.indexOf('@') + 1);
    }

    private static void print(List<Run> runs, Map<String, Provider> providers,
            Map<String, List<MailAccount>> byProvider, PrintStream out) {
        Run strict = runs.get(0);
        Run remembering = runs.get(1);
        int mismatches = 0;
        for (Map.Entry<String, ProtocolCandidate> selected : strict.selected.entrySet()) {
            if (!Objects.equals(selected.getValue(), remembering.selected.get(selected.getKey()))) {
                mismatches++;
            }
        }
        mismatches += (int) remembering.selected.keySet().stream()
                .filter(address -> !strict.selected.containsKey(address)).count();

        out.println();
        out.println("| run | wall s | accounts/s | TCP connects per account | time on dead endpoints, total s "
                + "| per account ms | dead endpoints contacted / not contacted | selection not as expected |");
        out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
        for (Run run : runs) {
            out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.2f | %.1f | %.1f | %,d / %,d | %d |%n", run.name,
                    run.seconds, run.throughput(), run.connects.sum() / (double) run.accounts,
                    run.deadNanos.sum() / 1e9, run.deadNanos.sum() / 1e6 / run.accounts, run.deadContacted.sum(),
                    run.deadNotContacted.sum(), run.unexpected.sum());
        }
        out.println();
        out.println("| provider | accounts | selected | median ms without / with | p99 ms without / with "
                + "| TCP connects per account without / with | time on dead endpoints per account ms without / with |");
        out.println("|---|---:|---|---:|---:|---:|---:|");
        for (Provider provider : providers.values()) {
            String domain = provider.domain;
            int count = Objects.requireNonNull(byProvider.get(domain)).size();
            out.printf(Locale.ROOT, "| %s | %,d | %s | %d / %d | %d / %d | %.2f / %.2f | %.0f / %.0f |%n", domain,
                    count, provider.expected.name(), percentile(strict, domain, 50), percentile(remembering, domain, 50),
                    percentile(strict, domain, 99), percentile(remembering, domain, 99),
                    perAccount(strict.connectsByProvider, domain, count),
                    perAccount(remembering.connectsByProvider, domain, count),
                    perAccount(strict.deadNanosByProvider, domain, count) / 1e6,
                    perAccount(remembering.deadNanosByProvider, domain, count) / 1e6);
        }
        out.println();
        out.printf(Locale.ROOT, "Throughput with / without: %.2f. Accounts whose selected candidate differs between "
                + "the runs: %d of %,d.%n", remembering.throughput() / strict.throughput(), mismatches,
                strict.accounts);
    }

    private static double perAccount(Map<String, LongAdder> values, String domain, int accounts) {
        LongAdder value = values.get(domain);
        return value == null ? 0 : value.sum() / (double) accounts;
    }

    private static long percentile(Run run, String domain, int percentile) {
        List<Long> sorted = new ArrayList<>(run.millisByProvider.getOrDefault(domain, List.of()));
        if (sorted.isEmpty()) {
            return 0;
        }
        Collections.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
    }
}
