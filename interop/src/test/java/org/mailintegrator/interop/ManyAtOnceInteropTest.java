package org.mailintegrator.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailintegrator.interop.MailListener.IMAPS;
import static org.mailintegrator.interop.MailListener.POP3S;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.strategies.Policies;
import org.mailintegrator.testkit.TestCertificates;

/**
 * KB14351's situations at 20 integrations at once, against Cyrus and Courier as Debian ships them: each of the 20
 * selects what one integration alone selects on the calm server, and no cleartext listener sees a login where the
 * one alone used TLS. Courier's POP3 takes 4 connections per address and closes the rest without a word; Cyrus
 * refuses a user's second POP3 login within a minute, so every integration has a user of its own.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ManyAtOnceInteropTest {
    private static final String HOST = "127.0.0.1";
    private static final String PASSWORD = "many-secret";
    private static final int AT_ONCE = 20;
    private static final TestCertificates CERTS = TestCertificates.forHosts(HOST, "localhost");

    /** What is up on the server, with the listeners a login is expected on. */
    enum Situation {
        EVERYTHING_UP(EnumSet.noneOf(MailListener.class), true),
        IMAP_STOPPED(EnumSet.of(MailListener.IMAP, IMAPS), true),
        NO_TLS(EnumSet.of(IMAPS, POP3S), false);

        final Set<MailListener> stopped;
        final boolean tls;

        Situation(Set<MailListener> stopped, boolean tls) {
            this.stopped = stopped;
            this.tls = tls;
        }
    }

    @ParameterizedTest
    @EnumSource(Situation.class)
    void courierAtTwentyAtOnceSelectsWhatOneAloneSelects(Situation situation) throws Exception {
        CourierServer.Builder builder = CourierServer.builder();
        for (int i = 0; i <= AT_ONCE; i++) {
            builder.user(courierUser(i), PASSWORD);
        }
        if (situation.tls) {
            builder.tls(CERTS);
        }
        try (CourierServer courier = builder.stop(situation.stopped.toArray(MailListener[]::new)).start()) {
            Integrator integrator = integrator(courier);
            List<IntegrationResult> results = alone(integrator, i -> MailAccount.builder(courierUser(i))
                    .password(PASSWORD).host(HOST).build());

            assertEveryOneSelectedWhatOneAloneSelected(results);
            if (situation.tls) {
                courier.awaitQuietLog(Duration.ofMillis(300), Duration.ofSeconds(10));
                for (MailListener cleartext : List.of(MailListener.IMAP, MailListener.POP3)) {
                    assertThat(courier.logLines(cleartext)).as("logins on cleartext %s", cleartext)
                            .noneMatch(line -> line.startsWith("INFO: LOGIN, "));
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Situation.class)
    void cyrusAtTwentyAtOnceSelectsWhatOneAloneSelects(Situation situation) throws Exception {
        CyrusServer.Builder builder = CyrusServer.builder();
        for (int i = 0; i <= AT_ONCE; i++) {
            builder.user(cyrusUser(i), PASSWORD);
        }
        if (situation.tls) {
            builder.tls(CERTS);
        }
        try (CyrusServer cyrus = builder.stop(situation.stopped.toArray(MailListener[]::new)).start()) {
            Integrator integrator = integrator(cyrus);
            List<IntegrationResult> results = alone(integrator, i -> MailAccount.builder(cyrusUser(i) + "@example.test")
                    .username(cyrusUser(i)).password(PASSWORD).host(HOST).build());

            assertEveryOneSelectedWhatOneAloneSelected(results);
            if (situation.tls) {
                cyrus.awaitQuietLog(Duration.ofMillis(300), Duration.ofSeconds(10));
                for (MailListener cleartext : List.of(MailListener.IMAP, MailListener.POP3)) {
                    assertThat(cyrus.logLines()).as("logins on cleartext %s", cleartext)
                            .filteredOn(CyrusServer.from(cleartext))
                            .noneMatch(line -> line.contains(" login: ") && line.contains("User logged in"));
                }
            }
        }
    }

    /** The first account integrated alone, then the other {@link #AT_ONCE} at once; the one alone comes first. */
    private static List<IntegrationResult> alone(Integrator integrator, IntFunction<MailAccount> account) {
        List<IntegrationResult> results = new ArrayList<>();
        results.add(integrator.integrate(account.apply(0)));
        List<CompletableFuture<IntegrationResult>> running = new ArrayList<>();
        for (int i = 1; i <= AT_ONCE; i++) {
            running.add(integrator.integrateAsync(account.apply(i)));
        }
        running.stream().map(CompletableFuture::join).forEach(results::add);
        return results;
    }

    private static void assertEveryOneSelectedWhatOneAloneSelected(List<IntegrationResult> results) {
        Optional<ProtocolCandidate> alone = results.get(0).selected();
        assertThat(alone).as(results.get(0).toString()).isPresent();
        Function<IntegrationResult, Optional<String>> selected = result -> result.selected()
                .map(candidate -> candidate.protocol() + "/" + candidate.security() + ":" + candidate.port());
        assertThat(results.subList(1, results.size())).as("what each of %d at once selected", AT_ONCE)
                .allSatisfy(result -> assertThat(selected.apply(result)).as(result.toString())
                        .isEqualTo(selected.apply(results.get(0))));
    }

    private static Integrator integrator(RoutableServer server) {
        return Integrator.builder()
                .policy(RoutedPolicy.to(server, Policies.blackBerry()))
                .sslContext(CERTS.clientSslContext())
                .connectTimeout(Duration.ofSeconds(1))
                .readTimeout(Duration.ofSeconds(3))
                .build();
    }

    private static String courierUser(int i) {
        return "user" + i + "@example.test";
    }

    private static String cyrusUser(int i) {
        return "user" + i;
    }
}
