package org.mailintegrator.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;

/**
 * A server that closes every connection beyond a few open at once, without a word (Courier's {@code couriertcpd}
 * with {@code MAXPERIP}), is only saying "not now": many integrations at once each select what one calm integration
 * selects, POP3 over TLS, and none sends its password in cleartext to the less preferred POP3 server because POP3
 * over TLS closed a connection while it served others.
 */
@Timeout(value = 60, threadMode = ThreadMode.SEPARATE_THREAD)
class ConnectionLimitTest {
    private static final int ACCOUNTS = 20;
    private static final int LIMIT = 4;
    private static final TestCertificates CERTS = TestCertificates.forHosts("127.0.0.1", "localhost");

    @RepeatedTest(3)
    void twentyIntegrationsAtOnceEachSelectTheTlsCandidateAndNoneLogsInInCleartext() {
        try (HostileMailServer overTls = server(Service.POP3S);
                HostileMailServer cleartext = server(Service.POP3)) {
            Integrator integrator = integrator(overTls, cleartext);
            ProtocolCandidate popOverTls = overTls.candidate(Security.IMPLICIT_TLS);

            IntegrationResult alone = integrator.integrate(overTls.account(user(1)));
            assertThat(alone.selected()).as(alone.toString()).contains(popOverTls);

            List<CompletableFuture<IntegrationResult>> running = new ArrayList<>();
            for (int i = 1; i <= ACCOUNTS; i++) {
                running.add(integrator.integrateAsync(overTls.account(user(i))));
            }
            List<IntegrationResult> results = running.stream().map(CompletableFuture::join).toList();

            String table = table(results, overTls);
            assertThat(overTls.connectionsClosedAtLimit()).as("connections the server closed at its limit\n" + table)
                    .isPositive();
            assertThat(results).as(table).allSatisfy(result -> assertThat(result.selected()).contains(popOverTls));
            assertThat(cleartext.logins()).as("logins on cleartext POP3\n" + table).isZero();
            for (int i = 1; i <= ACCOUNTS; i++) {
                assertThat(cleartext.receivedInCleartext("secret-" + i)).as(table).isFalse();
            }
        }
    }

    @Test
    void aServerAtItsLimitIsWaitedForAndTheCleartextCandidateIsNeverContacted() {
        // the server takes one connection at a time, and holds the first user's login until the test lets it go
        CountDownLatch answerFirstLogin = new CountDownLatch(1);
        ServerBehaviour slowFirstLogin = new ServerBehaviour() {
            @Override
            public Step login(Connection connection, Login login) throws IOException {
                if (login.user().equals(user(1))) {
                    await(answerFirstLogin);
                }
                return Step.DEFAULT;
            }
        };
        try (HostileMailServer overTls = server(Service.POP3S, slowFirstLogin, 1);
                HostileMailServer cleartext = server(Service.POP3)) {
            Integrator integrator = integrator(overTls, cleartext);
            CompletableFuture<IntegrationResult> first = integrator.integrateAsync(overTls.account(user(1)));
            awaitLogins(overTls, 1);
            CompletableFuture<IntegrationResult> running = integrator.integrateAsync(overTls.account(user(2)));
            awaitUntil("the server closed the second integration's connection at its limit",
                    () -> overTls.connectionsClosedAtLimit() > 0);
            answerFirstLogin.countDown();

            IntegrationResult second = running.join();

            assertThat(overTls.connectionsClosedAtLimit()).as("the second was refused while the first logged in")
                    .isPositive();
            assertThat(second.selected()).as(second.toString()).contains(overTls.candidate(Security.IMPLICIT_TLS));
            assertThat(first.join().selected()).contains(overTls.candidate(Security.IMPLICIT_TLS));
            assertThat(cleartext.connections()).as("the cleartext server was never contacted").isZero();
        }
    }

    /** The server holds a login answer until {@code latch} opens, as a server under load does. */
    private static void await(CountDownLatch latch) throws IOException {
        try {
            if (!latch.await(20, TimeUnit.SECONDS)) {
                throw new IOException("the test never let the login be answered");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("the server is closing", e);
        }
    }

    /** Waits until the server has received {@code count} logins: an ordering, not a timing. */
    private static void awaitLogins(HostileMailServer server, int count) {
        awaitUntil("the server received " + count + " logins", () -> server.logins() >= count);
    }

    /** Waits, bounded, until {@code condition} holds: an ordering, not a timing. */
    private static void awaitUntil(String what, BooleanSupplier condition) {
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.onSpinWait();
        }
    }

    private static HostileMailServer server(Service service) {
        return server(service, HostileBehaviour.HONEST, LIMIT);
    }

    private static HostileMailServer server(Service service, ServerBehaviour behaviour, int limit) {
        HostileMailServer.Builder builder = HostileMailServer.builder(service, behaviour)
                .certificates(CERTS).maxConnections(limit);
        for (int i = 1; i <= ACCOUNTS; i++) {
            builder.user(user(i), "secret-" + i);
        }
        return builder.start();
    }

    private static Integrator integrator(HostileMailServer overTls, HostileMailServer cleartext) {
        return Integrator.builder()
                .policy(account -> List.of(overTls.candidate(Security.IMPLICIT_TLS), cleartext.candidate(Security.NONE)))
                .sslContext(CERTS.clientSslContext())
                .connectTimeout(Duration.ofSeconds(1))
                .readTimeout(Duration.ofSeconds(2))
                .build();
    }

    private static String user(int i) {
        return String.format("user%02d@example.com", i);
    }

    private static String table(List<IntegrationResult> results, HostileMailServer overTls) {
        StringBuilder table = new StringBuilder(ACCOUNTS + " integrations at once; the POP3S server closed "
                + overTls.connectionsClosedAtLimit() + " connections at its limit of " + LIMIT + ":\n");
        for (IntegrationResult result : results) {
            table.append(result.emailAddress()).append(" -> ").append(result.selected()
                    .map(c -> c.protocol() + "/" + c.security()).orElse("nothing"));
            for (Attempt attempt : result.attempts()) {
                table.append(" | ").append(attempt.outcome()).append(' ').append(attempt.phase()).append(": ")
                        .append(attempt.detail());
            }
            table.append('\n');
        }
        return table.toString();
    }
}
