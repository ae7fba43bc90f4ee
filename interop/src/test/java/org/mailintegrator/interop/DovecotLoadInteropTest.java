package org.mailintegrator.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailintegrator.interop.DovecotServer.Listener.IMAP;
import static org.mailintegrator.interop.DovecotServer.Listener.IMAPS;
import static org.mailintegrator.interop.DovecotServer.Listener.POP3;
import static org.mailintegrator.interop.DovecotServer.Listener.POP3S;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;
import org.mailintegrator.interop.DovecotServer.Listener;
import org.mailintegrator.strategies.Policies;
import org.mailintegrator.testkit.TestCertificates;

/**
 * Many integrations of one account at once against a stock Dovecot (its process and connection limits, auth
 * failure delay and penalty as shipped) select exactly what one integration alone selects, every time, and
 * open one connection each when the first candidate is up.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DovecotLoadInteropTest {
    private static final String HOST = "127.0.0.1";
    private static final String USER = "alice@example.test";
    private static final String PASSWORD = "alice-secret";
    private static final TestCertificates CERTS = TestCertificates.forHosts(HOST, "localhost");
    private static final Duration LOG_WAIT = Duration.ofSeconds(30);

    @ParameterizedTest(name = "{0} at once")
    @ValueSource(ints = {50, 100})
    void everyIntegrationSelectsWhatOneAloneSelectsAndOpensOneConnection(int concurrent) throws Exception {
        try (DovecotServer dovecot = DovecotServer.builder().user(USER, PASSWORD).tls(CERTS).start()) {
            Integrator integrator = integrator(dovecot);
            Optional<ProtocolCandidate> alone = integrator.integrate(alice()).selected();
            assertThat(alone).map(ProtocolCandidate::protocol).contains(MailProtocol.IMAP);
            Map<Listener, Integer> before = connections(dovecot);

            List<IntegrationResult> results = integrateAtOnce(integrator, concurrent);

            assertThat(results).allSatisfy(result -> assertThat(result.selected()).as(result.toString())
                    .isEqualTo(alone));
            awaitConnections(dovecot, IMAPS, before.get(IMAPS) + concurrent);
            Map<Listener, Integer> opened = openedSince(dovecot, before);
            assertThat(opened.get(IMAPS)).as("connections to IMAP over TLS: %s", opened)
                    .isBetween(concurrent, (int) Math.floor(concurrent * 1.05));
            assertThat(opened.get(POP3S) + opened.get(IMAP) + opened.get(POP3))
                    .as("connections to the other listeners: %s", opened).isZero();
        }
    }

    @ParameterizedTest(name = "{0} at once")
    @ValueSource(ints = {50, 100})
    void withImapOverTlsDroppedEveryIntegrationSelectsPopOverTlsAndNoPasswordGoesOutInCleartext(int concurrent)
            throws Exception {
        try (DovecotServer dovecot = DovecotServer.builder().user(USER, PASSWORD).tls(CERTS).start();
                LoopbackDropRule drop = LoopbackDropRule.install(HOST, dovecot.port(IMAPS))) {
            Integrator integrator = integrator(dovecot);
            Optional<ProtocolCandidate> alone = integrator.integrate(alice()).selected();
            assertThat(alone).contains(ProtocolCandidate.of(MailProtocol.POP3, Security.IMPLICIT_TLS, HOST,
                    dovecot.port(POP3S)));
            Map<Listener, Integer> before = connections(dovecot);

            List<IntegrationResult> results = integrateAtOnce(integrator, concurrent);

            assertThat(results).allSatisfy(result -> assertThat(result.selected()).as(result.toString())
                    .isEqualTo(alone));
            awaitConnections(dovecot, POP3S, before.get(POP3S) + concurrent);
            Map<Listener, Integer> opened = openedSince(dovecot, before);
            assertThat(opened.get(POP3S)).as("connections: %s", opened)
                    .isBetween(concurrent, (int) Math.floor(concurrent * 1.05));
            // under this load a connect to POP over TLS can take longer than the stagger, and the rules then let
            // IMAP on 143 start early; it may connect, but it never gets its turn to send the password
            for (Listener cleartext : List.of(IMAP, POP3)) {
                String port = "lport=" + dovecot.port(cleartext) + ",";
                assertThat(dovecot.logLines()).as("logins on %s", cleartext)
                        .noneMatch(line -> line.contains(port) && line.contains("user=<" + USER + ">"));
            }
        }
    }

    private static List<IntegrationResult> integrateAtOnce(Integrator integrator, int concurrent) {
        List<CompletableFuture<IntegrationResult>> running = new ArrayList<>();
        for (int i = 0; i < concurrent; i++) {
            running.add(integrator.integrateAsync(alice()));
        }
        List<IntegrationResult> results = new ArrayList<>();
        running.forEach(integration -> results.add(integration.join()));
        return results;
    }

    private static Map<Listener, Integer> connections(DovecotServer dovecot) {
        Map<Listener, Integer> counts = new EnumMap<>(Listener.class);
        for (Listener listener : Listener.values()) {
            counts.put(listener, dovecot.loggedClientPorts(listener).size());
        }
        return counts;
    }

    private static Map<Listener, Integer> openedSince(DovecotServer dovecot, Map<Listener, Integer> before) {
        Map<Listener, Integer> opened = connections(dovecot);
        opened.replaceAll((listener, count) -> count - before.get(listener));
        return opened;
    }

    /** Waits, line by line of Dovecot's log, until it has logged {@code count} connections to {@code listener}. */
    private static void awaitConnections(DovecotServer dovecot, Listener listener, int count) {
        while (dovecot.loggedClientPorts(listener).size() < count) {
            int lines = dovecot.logLines().size();
            dovecot.awaitLogLines("another line while waiting for " + count + " connections to " + listener,
                    line -> true, lines + 1, LOG_WAIT);
        }
    }

    private static Integrator integrator(DovecotServer dovecot) {
        return Integrator.builder()
                .policy(RoutedPolicy.to(dovecot, Policies.blackBerry()))
                .sslContext(CERTS.clientSslContext())
                .connectTimeout(Duration.ofSeconds(2))
                .readTimeout(Duration.ofSeconds(3))
                .build();
    }

    private static MailAccount alice() {
        return MailAccount.builder(USER).password(PASSWORD).host(HOST).build();
    }
}
