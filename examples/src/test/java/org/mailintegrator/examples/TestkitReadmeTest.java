package org.mailintegrator.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailintegrator.testkit.MailIntegratorAssertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mailintegrator.core.Explanation;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.PreferencePolicy;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;
import org.mailintegrator.discovery.Discovery;
import org.mailintegrator.strategies.Policies;
import org.mailintegrator.testkit.AutoconfigServer;
import org.mailintegrator.testkit.Fault;
import org.mailintegrator.testkit.HostileBehaviour;
import org.mailintegrator.testkit.HostileMailServer;
import org.mailintegrator.testkit.MailServerExtension;
import org.mailintegrator.testkit.MailServerFixture;
import org.mailintegrator.testkit.OAuthServerBehaviour;
import org.mailintegrator.testkit.OAuthServerBehaviour.SignIn;
import org.mailintegrator.testkit.ProviderBehaviour;
import org.mailintegrator.testkit.Routing;
import org.mailintegrator.testkit.ServerBehaviour;
import org.mailintegrator.testkit.Service;
import org.mailintegrator.testkit.StartTls;
import org.mailintegrator.testkit.TestCertificates;
import org.mailintegrator.testkit.TestDnsServer;

/**
 * The snippets of {@code testkit/README.md}, compiled and run: each region between {@code // snippet:name} and
 * {@code // end-snippet} is shown verbatim there ({@link DocumentationTest} checks it).
 */
class TestkitReadmeTest {
    // --- "A server per test class"
    // snippet:testkit-server-per-class
    @RegisterExtension
    static final MailServerExtension server = MailServerExtension.with(
            MailServerFixture.builder().user("alice@example.com", "secret"));

    static IntegrationResult integrate(MailAccount account) {
        Integrator integrator = Integrator.builder()
                .policy(server.get().route(Policies.blackBerry()))   // 993/995/143/110 -> the fixture's ports
                .sslContext(server.get().clientSslContext())          // trusts the fixture's throw-away CA
                .connectTimeout(Duration.ofSeconds(1))
                .readTimeout(Duration.ofSeconds(1))
                .build();
        return integrator.integrate(account);
    }
    // end-snippet

    // --- "The KB14351 situations, a few lines each"
    // snippet:testkit-kb-situations
    @Test
    void imapStopped() {
        server.get().stop(Service.IMAPS);
        server.get().stop(Service.IMAP);

        IntegrationResult result = integrate(server.get().account("alice@example.com"));

        assertThat(result).hasSelected(MailProtocol.POP3, Security.IMPLICIT_TLS);
        assertThat(result).attempt(1).hasOutcome(Outcome.REFUSED);
    }

    @Test
    void imapDroppedByAFirewall() {
        server.get().fault(Service.IMAPS, Fault.DROP);
        server.get().fault(Service.IMAP, Fault.DROP);

        IntegrationResult result = integrate(server.get().account("alice@example.com"));

        assertThat(result).hasSelected(MailProtocol.POP3, Security.IMPLICIT_TLS);
        assertThat(result).attempt(1).hasOutcome(Outcome.TIMED_OUT).tookAtLeast(Duration.ofSeconds(1));
    }

    @Test
    void plainOnlyServer() {
        server.get().stop(Service.IMAPS);
        server.get().stop(Service.POP3S);

        IntegrationResult result = integrate(server.get().account("alice@example.com"));

        assertThat(result).hasSelected(MailProtocol.IMAP, Security.NONE);
    }

    @Test
    void popOnItsOwnHost() {
        server.get().stop(Service.IMAPS);
        server.get().stop(Service.IMAP);
        try (MailServerFixture popHost = MailServerFixture.builder().host("127.0.0.2")
                .certificates(server.get().certificates().withServerNames("127.0.0.2"))
                .user("alice@example.com", "secret").start()) {
            MailAccount account = MailAccount.builder("alice@example.com").password("secret")
                    .host(MailProtocol.POP3, "pop.example.com").build();
            PreferencePolicy policy = Routing.host("example.com", server.get())
                    .andHost("pop.example.com", popHost).apply(Policies.blackBerry());

            IntegrationResult result = Integrator.builder().policy(policy)
                    .sslContext(server.get().clientSslContext()).build().integrate(account);

            assertThat(result).hasSelected(ProtocolCandidate.of(
                    MailProtocol.POP3, Security.IMPLICIT_TLS, "127.0.0.2", popHost.port(Service.POP3S)));
        }
    }

    @Test
    void startTlsStripped() {
        server.get().startTls(Service.IMAP, StartTls.NOT_OFFERED);
        PreferencePolicy imapStartTls = account -> List.of(ProtocolCandidate.of(
                MailProtocol.IMAP, Security.STARTTLS, account.host(MailProtocol.IMAP), 143));

        IntegrationResult result = Integrator.builder().policy(server.get().route(imapStartTls))
                .sslContext(server.get().clientSslContext()).build()
                .integrate(server.get().account("alice@example.com"));

        assertThat(result).attempt(1).hasOutcome(Outcome.TLS_FAILED);
        assertThat(server.get().receivedInCleartext("secret")).isFalse();   // what the server saw
    }

    @Test
    void wrongPassword() {
        MailAccount wrong = MailAccount.builder("alice@example.com").password("not-secret")
                .host(server.get().host()).build();

        IntegrationResult result = integrate(wrong);

        assertThat(result).isNotIntegrated().hasOutcomes(
                Outcome.AUTH_FAILED, Outcome.AUTH_FAILED, Outcome.AUTH_FAILED, Outcome.AUTH_FAILED);
    }
    // end-snippet

    // --- "Faults"
    @Test
    void faultsCanBeSetHealedAndRestored() {
        // snippet:testkit-faults
        server.get().fault(Service.IMAPS, Fault.slow(Duration.ofMillis(50)));
        server.get().fault(Service.POP3S, Fault.resetAfter(20));
        server.get().heal(Service.IMAPS);      // same port, normal again
        server.get().restore();                // every service as built
        // end-snippet

        assertThat(server.get().fault(Service.IMAPS)).isEmpty();
        assertThat(server.get().fault(Service.POP3S)).isEmpty();
        assertThat(integrate(server.get().account("alice@example.com")))
                .hasSelected(MailProtocol.IMAP, Security.IMPLICIT_TLS);
    }

    // --- "What the server received"
    @Test
    void theServerRecordsWhatItReceived() {
        server.get().stop(Service.IMAPS);
        server.get().stop(Service.POP3S);

        integrate(server.get().account("alice@example.com"));

        assertThat(server.get().received(Service.IMAP)).anyMatch(command -> command.line().contains("LOGIN"));
        assertThat(server.get().receivedInCleartext("secret")).isTrue();   // the policy's cleartext IMAP candidate
    }

    // --- "Certificates"
    @Test
    void certificates() {
        // snippet:testkit-certificates
        TestCertificates certs = TestCertificates.forHosts("127.0.0.1", "localhost");
        try (MailServerFixture wrongName = MailServerFixture.builder().certificates(certs.withServerNames("wrong.example")).start();
                MailServerFixture expired = MailServerFixture.builder().certificates(certs.expired()).start()) {
            SSLContext trustsTheCa = certs.clientSslContext();

            for (MailServerFixture fixture : List.of(wrongName, expired)) {
                ProtocolCandidate imaps = ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS,
                        fixture.host(), fixture.port(Service.IMAPS));
                IntegrationResult result = Integrator.builder().policy(account -> List.of(imaps))
                        .sslContext(trustsTheCa).build()
                        .integrate(MailAccount.builder("x@example.com").password("pw").build());
                assertThat(result).attempt(1).hasOutcome(Outcome.TLS_FAILED);
            }
        }
        // end-snippet
    }

    // --- "Testing discovery"
    // snippet:testkit-discovery
    @Test
    void discoveryFromTheAddressAlone() throws IOException {
        TestCertificates certs = TestCertificates.forHosts("127.0.0.1", "imap.example.test");
        try (MailServerFixture mail = MailServerFixture.builder().certificates(certs)
                    .user("alice@example.test", "secret").start();
                TestDnsServer dns = TestDnsServer.start();
                AutoconfigServer autoconfig = AutoconfigServer.start(certs)) {
            dns.a("imap.example.test", mail.host());
            autoconfig.provider("example.test", AutoconfigServer.clientConfig("example.test",
                    ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS, "imap.example.test",
                            mail.port(Service.IMAPS))));
            Discovery discovery = Discovery.builder()
                    .dnsServers(List.of(dns.address()))           // SRV and MX from the test's records
                    .autoconfigLocations(autoconfig::locations)   // instead of https://autoconfig.example.test/...
                    .build();

            IntegrationResult result = Integrator.builder()
                    .policy(Policies.discovered())
                    .discovery(discovery)
                    .resolver(dns.resolver())                      // imap.example.test -> the fixture
                    .sslContext(mail.clientSslContext())           // trusts the fixture's CA, autoconfig's too
                    .build()
                    .integrate(MailAccount.builder("alice@example.test").password("secret").build());

            assertThat(result).hasSelected(MailProtocol.IMAP, Security.IMPLICIT_TLS);
            assertThat(autoconfig.requests()).containsExactly(URI.create("/example.test/mail/config-v1.1.xml"));
        }
    }
    // end-snippet

    // --- "Without JUnit"
    @Test
    void withoutJUnit() throws Exception {
        // snippet:testkit-without-junit
        try (MailServerFixture fixture = MailServerFixture.builder().user("bob@example.com", "pw").stopped(Service.IMAP).start()) {
            fixture.deliver("bob@example.com", "Hello", "A message waiting in the mailbox");

            ProtocolCandidate imaps = ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS, fixture.host(),
                    fixture.port(Service.IMAPS));
            Integrator integrator = Integrator.builder().policy(account -> List.of(imaps))
                    .sslContext(fixture.clientSslContext()).build();
            jakarta.mail.Store store = org.mailintegrator.core.jakarta.JakartaMail.openStore(integrator,
                    fixture.account("bob@example.com"), imaps);
            try {
                jakarta.mail.Folder inbox = store.getFolder("INBOX");
                inbox.open(jakarta.mail.Folder.READ_ONLY);
                assertThat(inbox.getMessage(1).getSubject()).isEqualTo("Hello");
                inbox.close(false);
            } finally {
                store.close();
            }
        }
        // end-snippet
    }

    // --- "Hostile servers": a behaviour of your own
    @Test
    void aServerBehaviourOfYourOwn() {
        // snippet:testkit-server-behaviour
        ServerBehaviour locked = new ServerBehaviour() {
            @Override
            public Step login(Connection connection, Login login) throws IOException {
                connection.sendLine(connection.service().protocol() == MailProtocol.IMAP
                        ? login.command().tag() + " NO [ALERT] Account locked: call the help desk"
                        : "-ERR Account locked: call the help desk");
                return Step.ANSWERED;
            }
        };
        try (HostileMailServer server = HostileMailServer.builder(Service.IMAP, locked).user("alice@example.com", "pw").start()) {
            IntegrationResult result = Integrator.builder()
                    .policy(account -> List.of(server.candidate(Security.STARTTLS)))
                    .sslContext(server.clientSslContext()).build()
                    .integrate(server.account("alice@example.com"));

            assertThat(result).attempt(1).hasOutcome(Outcome.AUTH_FAILED).hasDetailContaining("Account locked");
        }
        // end-snippet
    }

    // --- "Providers' answers"
    @Test
    void providersAnswers() {
        // snippet:testkit-providers
        try (HostileMailServer server = HostileMailServer.builder(Service.POP3S, ProviderBehaviour.CYRUS_LOGIN_DELAY)
                .user("alice@example.com", "pw").start()) {
            IntegrationResult result = Integrator.builder()
                    .policy(account -> List.of(server.candidate(Security.IMPLICIT_TLS)))
                    .sslContext(server.clientSslContext())
                    .busyRetryWindow(Duration.ZERO)
                    .build()
                    .integrate(server.account("alice@example.com"));

            assertThat(result).attempt(1).hasOutcome(Outcome.BUSY).hasDetailContaining("try again in 60 s");
            assertThat(result.attempts().get(0).explainedAs()).contains(Explanation.Cause.LOGIN_DELAYED);
        }
        // end-snippet
    }

    // --- "A contract for your own policy": MyPolicyTest, a class of its own, as in the README

    // --- "Sign-in with tokens"
    @Test
    void signInWithTokens() {
        // snippet:testkit-tokens
        OAuthServerBehaviour oauth = OAuthServerBehaviour.accepting("alice@example.com", "ya29.good")
                .mechanisms("XOAUTH2")
                .refusing(OAuthServerBehaviour.Refusal.MICROSOFT);
        try (HostileMailServer server = HostileMailServer.builder(Service.IMAPS, oauth).start()) {
            Integrator integrator = Integrator.builder()
                    .policy(account -> List.of(server.candidate(Security.IMPLICIT_TLS)))
                    .sslContext(server.clientSslContext())
                    .build();

            IntegrationResult good = integrator.integrate(
                    MailAccount.builder("alice@example.com").accessToken("ya29.good").host(server.host()).build());
            IntegrationResult expired = integrator.integrate(
                    MailAccount.builder("alice@example.com").accessToken("ya29.expired").host(server.host()).build());

            assertThat(good).hasOutcomes(Outcome.AUTHENTICATED);
            assertThat(expired).hasOutcomes(Outcome.TOKEN_REJECTED).hasNoDetailContaining("ya29.expired");
            assertThat(oauth.signIns()).extracting(SignIn::mechanism).containsExactly("XOAUTH2", "XOAUTH2");
        }
        // end-snippet
    }

    // --- "Outgoing mail: SMTP and SMTPS"
    @Test
    void outgoingMail() {
        // snippet:testkit-submission
        try (MailServerFixture server = MailServerFixture.builder().user("alice@example.com", "secret")
                .stopped(Service.SMTPS)                                   // 465 refuses: 587 with STARTTLS wins
                .start()) {
            Integrator sending = Integrator.builder()
                    .policy(server.route(Policies.submission()))          // 465/587 -> the fixture's ports
                    .sslContext(server.clientSslContext())
                    .build();

            IntegrationResult result = sending.integrate(server.account("alice@example.com"));

            assertThat(result).attempt(1).hasOutcome(Outcome.REFUSED);
            assertThat(result).attempt(2).hasOutcome(Outcome.AUTHENTICATED);
            assertThat(server).submittedNoMessage().neverReceivedInCleartext("secret");
        }
        try (HostileMailServer open = HostileMailServer.builder(Service.SMTPS, HostileBehaviour.AUTH_NOT_OFFERED)
                .user("alice@example.com", "secret").start()) {
            IntegrationResult result = Integrator.builder()
                    .policy(account -> List.of(open.candidate(Security.IMPLICIT_TLS)))
                    .sslContext(open.clientSslContext()).build()
                    .integrate(open.account("alice@example.com"));

            assertThat(result).attempt(1).hasOutcome(Outcome.AUTH_NOT_OFFERED);   // never "verified"
            assertThat(open).submittedNoMessage();
        }
        // end-snippet
    }
}
