package org.mailintegrator.benchmarks;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.strategies.Policies;
import org.mailintegrator.testkit.Fault;
import org.mailintegrator.testkit.MailServerFixture;
import org.mailintegrator.testkit.ReceivedCommand;
import org.mailintegrator.testkit.Service;

/**
 * Re-integration of a remembered account ({@code Integrator.integrate(account, previous)}) when nothing changed,
 * side by side with a fresh integration ({@code integrate(account)}) and with the winning candidate alone (the
 * floor), in one process, alternating the three on every repetition: time and logins per integration, on
 * loopback GreenMail with testkit faults.
 *
 * <pre>{@code
 * mvn -B -q install -DskipTests
 * mvn -B -q -pl benchmarks exec:java -Dexec.mainClass=org.mailintegrator.benchmarks.RememberBenchmark -Dexec.args="15"
 * }</pre>
 */
public final class RememberBenchmark {
    private static final String ADDRESS = "bench@example.test";
    private static final String PASSWORD = "bench-password";
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private RememberBenchmark() {
    }

    private record Scenario(String name, Consumer<MailServerFixture> setUp) {
    }

    private record Sample(long nanos, long logins) {
    }

    public static void main(String[] args) throws Exception {
        run(args.length > 0 ? Integer.parseInt(args[0]) : 15, System.out);
    }

    static void run(int repetitions, PrintStream out) {
        List<Scenario> scenarios = List.of(
                new Scenario("everything up (IMAPS wins)", fixture -> { }),
                new Scenario("IMAP stopped (POP3S wins)", fixture -> {
                    fixture.stop(Service.IMAPS);
                    fixture.stop(Service.IMAP);
                }),
                new Scenario("IMAPS dropped by a firewall (POP3S wins)", fixture -> fixture.fault(Service.IMAPS,
                        Fault.DROP)));
        out.printf(Locale.ROOT, "%d repetitions each, median; timeouts %d ms; 2 cores, loopback%n", repetitions,
                TIMEOUT.toMillis());
        out.printf(Locale.ROOT, "%-42s %-22s %10s %8s%n", "scenario", "variant", "median ms", "logins");
        for (Scenario scenario : scenarios) {
            try (MailServerFixture fixture = MailServerFixture.builder().user(ADDRESS, PASSWORD).start()) {
                scenario.setUp().accept(fixture);
                Integrator integrator = integrator(fixture, Policies.blackBerry());
                MailAccount account = fixture.account(ADDRESS);
                IntegrationResult remembered = integrator.integrate(account);
                ProtocolCandidate winner = remembered.selected().orElseThrow();
                Integrator alone = integrator(fixture, a -> List.of(winner));
                List<Sample> fresh = new ArrayList<>();
                List<Sample> again = new ArrayList<>();
                List<Sample> floor = new ArrayList<>();
                for (int i = 0; i < repetitions; i++) {
                    fresh.add(measure(fixture, () -> integrator.integrate(account), winner));
                    again.add(measure(fixture, () -> integrator.integrate(account, remembered), winner));
                    floor.add(measure(fixture, () -> alone.integrate(account), winner));
                }
                print(out, scenario.name(), "fresh integrate", fresh);
                print(out, "", "remembered (previous)", again);
                print(out, "", "winner alone", floor);
            }
        }
    }

    private static Integrator integrator(MailServerFixture fixture, org.mailintegrator.core.PreferencePolicy policy) {
        return Integrator.builder().policy(fixture.route(policy)).sslContext(fixture.clientSslContext())
                .connectTimeout(TIMEOUT).readTimeout(TIMEOUT).build();
    }

    private static Sample measure(MailServerFixture fixture, java.util.function.Supplier<IntegrationResult> run,
            ProtocolCandidate winner) {
        long loginsBefore = logins(fixture);
        long start = System.nanoTime();
        IntegrationResult result = run.get();
        long nanos = System.nanoTime() - start;
        if (!result.selected().orElseThrow().equals(winner)) {
            throw new IllegalStateException("a different answer: " + result);
        }
        return new Sample(nanos, logins(fixture) - loginsBefore);
    }

    /** The logins the servers received: IMAP LOGIN or AUTHENTICATE, POP3 PASS or AUTH. */
    private static long logins(MailServerFixture fixture) {
        return fixture.received().stream().map(ReceivedCommand::line).map(line -> line.toUpperCase(Locale.ROOT))
                .filter(line -> line.matches("(\\S+ LOGIN|PASS|\\S+ AUTHENTICATE|AUTH) .*")).count();
    }

    private static void print(PrintStream out, String scenario, String variant, List<Sample> samples) {
        List<Long> nanos = new ArrayList<>(samples.stream().map(Sample::nanos).toList());
        Collections.sort(nanos);
        double logins = samples.stream().mapToLong(Sample::logins).average().orElse(0);
        out.printf(Locale.ROOT, "%-42s %-22s %10.1f %8.2f%n", scenario, variant, nanos.get(nanos.size() / 2) / 1e6,
                logins);
    }
}
