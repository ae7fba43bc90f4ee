package org.mailintegrator.strategies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailintegrator.core.MailProtocol.IMAP;
import static org.mailintegrator.core.MailProtocol.POP3;
import static org.mailintegrator.core.Security.IMPLICIT_TLS;
import static org.mailintegrator.core.Security.NONE;
import static org.mailintegrator.testkit.MailIntegratorAssertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.PreferencePolicy;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;
import org.mailintegrator.testkit.Fault;
import org.mailintegrator.testkit.MailServerExtension;
import org.mailintegrator.testkit.MailServerFixture;
import org.mailintegrator.testkit.Routing;
import org.mailintegrator.testkit.Service;
import org.mailintegrator.testkit.TestCertificates;

/** The situations of BlackBerry's KB14351, with {@link Policies#blackBerry()} unchanged, against real servers. */
class BlackBerryOrderTest {
    private static final String ADDRESS = "alice@example.test";
    private static final String PASSWORD = "Kb14351-secret!";
    private static final Duration TIMEOUT = Duration.ofMillis(800);

    @RegisterExtension
    static final MailServerExtension server =
            MailServerExtension.with(MailServerFixture.builder().user(ADDRESS, PASSWORD));

    @Test
    void selectsImapOverTlsWhenEverythingIsUp() {
        IntegrationResult result = integrate(account());

        assertThat(result).hasSelected(candidate(IMAP, IMPLICIT_TLS, Service.IMAPS));
        assertThat(result).hasOutcomesThenNotNeeded(Outcome.AUTHENTICATED);
    }

    @Test
    void fallsBackToPopOverTlsWhenImapIsStopped() {
        server.get().stop(Service.IMAPS);
        server.get().stop(Service.IMAP);

        IntegrationResult result = integrate(account());

        assertThat(result).hasSelected(candidate(POP3, IMPLICIT_TLS, Service.POP3S));
        assertThat(result).hasOutcomesThenNotNeeded(Outcome.REFUSED, Outcome.AUTHENTICATED);
    }

    @Test
    void fallsBackToPopOverTlsWhenAFirewallDropsImap() {
        server.get().fault(Service.IMAPS, Fault.DROP);
        server.get().fault(Service.IMAP, Fault.DROP);

        IntegrationResult result = integrate(account());

        assertThat(result).hasSelected(candidate(POP3, IMPLICIT_TLS, Service.POP3S));
        Attempt imap = result.attempts().get(0);
        assertThat(imap).hasOutcome(Outcome.TIMED_OUT);
        assertThat(imap.elapsed()).isGreaterThanOrEqualTo(TIMEOUT);
    }

    @Test
    void usesCleartextImapWhenTheServerHasNoTls() {
        server.get().stop(Service.IMAPS);
        server.get().stop(Service.POP3S);

        IntegrationResult result = integrate(account());

        assertThat(result).hasSelected(candidate(IMAP, NONE, Service.IMAP));
        assertThat(result).hasOutcomesThenNotNeeded(Outcome.REFUSED, Outcome.REFUSED, Outcome.AUTHENTICATED);
    }

    @Test
    void untrustedCertificatesFailTlsAndTheChainGoesOnToCleartextImap() {
        SSLContext otherCa = TestCertificates.forHosts("127.0.0.1").clientSslContext();

        IntegrationResult result = integrator(server.get().route(Policies.blackBerry()), otherCa).integrate(account());

        assertThat(result).hasOutcomesThenNotNeeded(Outcome.TLS_FAILED, Outcome.TLS_FAILED, Outcome.AUTHENTICATED);
        assertThat(result.attempts().get(0).detail()).contains("not issued by a trusted authority");
    }

    @Test
    void wrongPasswordFailsEveryCandidate() {
        IntegrationResult result = integrate(account().toBuilder().password("not-the-password").build());

        assertThat(result).isNotIntegrated();
        assertThat(outcomes(result)).containsOnly(Outcome.AUTH_FAILED);
    }

    @Test
    void popOnItsOwnHostNameIsUsedWhenImapIsStopped() {
        server.get().stop(Service.IMAPS);
        server.get().stop(Service.IMAP);
        try (MailServerFixture popHost = MailServerFixture.builder().host("127.0.0.2")
                .certificates(server.get().certificates().withServerNames("127.0.0.2"))
                .user(ADDRESS, PASSWORD).stopped(Service.IMAP, Service.IMAPS).start()) {
            MailAccount advanced = MailAccount.builder(ADDRESS).password(PASSWORD)
                    .host(POP3, "pop.example.test").build();
            PreferencePolicy routed = Routing.host("example.test", server.get())
                    .andHost("pop.example.test", popHost).apply(Policies.blackBerry());

            IntegrationResult result = integrator(routed, server.get().clientSslContext()).integrate(advanced);

            assertThat(result).hasSelected(
                    ProtocolCandidate.of(POP3, IMPLICIT_TLS, "127.0.0.2", popHost.port(Service.POP3S)));
            assertThat(result).hasOutcomesThenNotNeeded(Outcome.REFUSED, Outcome.AUTHENTICATED);
        }
    }

    @Test
    void theSelectedCandidateOpensTheMailbox() throws Exception {
        server.get().stop(Service.IMAPS);
        Integrator integrator =
                integrator(server.get().route(Policies.blackBerry()), server.get().clientSslContext());
        IntegrationResult result = integrator.integrate(account());

        jakarta.mail.Store store = org.mailintegrator.core.jakarta.JakartaMail.openStore(integrator, account(), result);
        try {
            assertThat(store.isConnected()).isTrue();
            assertThat(store.getFolder("INBOX").exists()).isTrue();
            assertThat(store.getURLName().getProtocol()).isEqualTo("pop3s");
        } finally {
            store.close();
        }
    }

    @Test
    void fiftyIntegrationsAtOnceThroughOneIntegratorAllSelectImapOverTls() throws Exception {
        Integrator shared = integrator(server.get().route(Policies.blackBerry()), server.get().clientSslContext());
        ExecutorService pool = Executors.newFixedThreadPool(50);
        try {
            List<Future<IntegrationResult>> futures = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                futures.add(pool.submit(() -> shared.integrate(account())));
            }
            for (Future<IntegrationResult> future : futures) {
                IntegrationResult result = future.get();
                assertThat(result.selected()).as(result.toString())
                        .contains(candidate(IMAP, IMPLICIT_TLS, Service.IMAPS));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void thePasswordAppearsNowhereAndCleartextIsLoggedAsAWarning() {
        String text;
        IntegrationResult failed;
        IntegrationResult succeeded;
        MailAccount wrong = account().toBuilder().password("Wr0ng-Pa55word").build();
        try (LogCapture log = new LogCapture()) {
            failed = integrate(wrong);
            server.get().stop(Service.IMAPS);
            server.get().stop(Service.POP3S);
            succeeded = integrate(account());
            text = log.text();
        }

        assertThat(failed).isNotIntegrated();
        assertThat(succeeded).hasSelected(candidate(IMAP, NONE, Service.IMAP));
        assertThat(text).contains("WARN").contains("cleartext").contains(candidate(IMAP, NONE, Service.IMAP).toString());
        for (String secret : List.of(PASSWORD, "Wr0ng-Pa55word")) {
            assertThat(text).doesNotContain(secret);
            assertThat(failed.toString()).doesNotContain(secret);
            assertThat(succeeded.toString()).doesNotContain(secret);
            assertThat(failed.attempts()).extracting(Attempt::detail).noneMatch(detail -> detail.contains(secret));
            assertThat(wrong.toString()).doesNotContain(secret);
        }
    }

    private static IntegrationResult integrate(MailAccount account) {
        return integrator(server.get().route(Policies.blackBerry()), server.get().clientSslContext())
                .integrate(account);
    }

    private static Integrator integrator(PreferencePolicy policy, SSLContext trust) {
        return Integrator.builder().policy(policy).sslContext(trust)
                .connectTimeout(TIMEOUT).readTimeout(TIMEOUT).build();
    }

    private static MailAccount account() {
        return MailAccount.builder(ADDRESS).password(PASSWORD).build();
    }

    private static ProtocolCandidate candidate(MailProtocol protocol, Security security, Service service) {
        return ProtocolCandidate.of(protocol, security, server.get().host(), server.get().port(service));
    }

    private static List<Outcome> outcomes(IntegrationResult result) {
        return result.attempts().stream().map(Attempt::outcome).toList();
    }
}
