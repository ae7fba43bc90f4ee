package org.mailintegrator.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.Authentication;
import org.mailintegrator.core.DiscoveredHosts;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.OAuth2Provider;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.Phase;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Provenance;
import org.mailintegrator.core.Security;
import org.mailintegrator.core.spi.HostResolver;
import org.mailintegrator.strategies.Policies;
import org.mailintegrator.testkit.AutoconfigServer;
import org.mailintegrator.testkit.MailServerExtension;
import org.mailintegrator.testkit.MailServerFixture;
import org.mailintegrator.testkit.Service;
import org.mailintegrator.testkit.TestCertificates;
import org.mailintegrator.testkit.TestDnsServer;

/**
 * Discovery that says a provider signs in with OAuth2, end to end: the result carries the provider's sign-in data,
 * a password never reaches a server that takes OAuth2 only (a listener counts every connection), the servers that
 * take a password are tried as usual, and an access token is never held back. Real servers: an autoconfig web
 * server over HTTPS, a DNS server, GreenMail (which takes the bearer token through XOAUTH2 as the user's secret).
 */
class OAuth2DiscoveryTest {
    private static final String ADDRESS = "alice@example.test";
    private static final String SECRET = "correct-horse-battery";
    private static final TestCertificates CERTIFICATES =
            TestCertificates.forHosts("imap.example.test", "pop.example.test", "127.0.0.1");
    private static final String ISSUER = "login.example.test";
    private static final OAuth2Provider PROVIDER = OAuth2Provider.of(ISSUER,
            List.of("https://mail.example.test/", "offline_access"),
            URI.create("https://login.example.test/oauth2/authorize"),
            URI.create("https://login.example.test/oauth2/token"));

    @RegisterExtension
    static final MailServerExtension server = MailServerExtension.with(MailServerFixture.builder()
            .certificates(CERTIFICATES)
            .user(ADDRESS, SECRET));

    private TestDnsServer dns;
    private AutoconfigServer web;
    private ServerSocket oauth2Only;
    private final AtomicInteger oauth2OnlyConnections = new AtomicInteger();
    private Thread acceptor;

    @BeforeEach
    void start() throws IOException {
        dns = TestDnsServer.start();
        web = AutoconfigServer.start(CERTIFICATES);
        oauth2Only = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            while (!oauth2Only.isClosed()) {
                try (Socket socket = oauth2Only.accept()) {
                    oauth2OnlyConnections.incrementAndGet();
                } catch (IOException closed) {
                    return;
                }
            }
        });
        acceptor.start();
    }

    @AfterEach
    void stop() throws Exception {
        dns.close();
        web.close();
        oauth2Only.close();
        acceptor.join(5_000);
    }

    /** Autoconfig for example.test: IMAP on {@code imapPort} with OAuth2 only, POP3 on GreenMail with a password. */
    private void serveAutoconfig(int imapPort) {
        web.provider("example.test", ClientConfigTest.document(
                ClientConfigTest.server("imap", "imap.example.test", Integer.toString(imapPort), "SSL", "OAuth2")
                + ClientConfigTest.server("pop3", "pop.example.test",
                        Integer.toString(server.get().port(Service.POP3S)), "SSL", "password-cleartext"),
                ClientConfigTest.oauth2Element(ISSUER, String.join(" ", PROVIDER.scopes()),
                        PROVIDER.authorizationUri().toString(), PROVIDER.tokenUri().toString()))
                .replace("<domain>example.org</domain>", "<domain>example.test</domain>"));
    }

    private Integrator integrator() {
        Discovery discovery = Discovery.builder().dnsServers(List.of(dns.address()))
                .autoconfigLocations(web::locations).withoutGuesses().deadline(Duration.ofSeconds(5)).build();
        return Integrator.builder().policy(Policies.discovered()).discovery(discovery).resolver(loopback())
                .sslContext(CERTIFICATES.clientSslContext()).connectTimeout(Duration.ofSeconds(3))
                .readTimeout(Duration.ofSeconds(3)).build();
    }

    @Test
    void aPasswordNeverReachesAServerThatTakesOAuth2OnlyAndThePasswordServerIsTriedAsUsual() {
        serveAutoconfig(oauth2Only.getLocalPort());

        IntegrationResult result = integrator().integrate(MailAccount.builder(ADDRESS).password(SECRET).build());

        Attempt imap = result.attempts().get(0);
        assertThat(imap.candidate()).isEqualTo(ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS,
                "imap.example.test", oauth2Only.getLocalPort()));
        assertThat(imap.outcome()).as(result.toString()).isEqualTo(Outcome.OAUTH_REQUIRED);
        assertThat(imap.phase()).isEqualTo(Phase.NOT_STARTED);
        assertThat(imap.detail()).contains("signs in with OAuth2 only", "according to AUTOCONFIG "
                + web.url("example.test") + " (trusted)", "no connection was made and the password was not sent",
                "Sign the user in with OAuth2 at " + ISSUER, "access token");
        assertThat(oauth2OnlyConnections).as("the OAuth2-only server got no connection at all").hasValue(0);
        assertThat(result.selected()).as(result.toString()).contains(ProtocolCandidate.of(MailProtocol.POP3,
                Security.IMPLICIT_TLS, "pop.example.test", server.get().port(Service.POP3S)));
        assertThat(result.attempts().get(1).outcome()).isEqualTo(Outcome.AUTHENTICATED);

        DiscoveredHosts discovered = result.discovered().orElseThrow();
        assertThat(discovered.oauth2()).contains(PROVIDER);
        assertThat(discovered.oauth2Provenance()).hasValueSatisfying(provenance -> {
            assertThat(provenance.kind()).isEqualTo(Provenance.Kind.AUTOCONFIG);
            assertThat(provenance.isTrusted()).isTrue();
        });
        assertThat(discovered.best(MailProtocol.IMAP)).hasValueSatisfying(endpoint ->
                assertThat(endpoint.authentication()).containsExactly(Authentication.OAUTH2));
        assertThat(discovered.best(MailProtocol.POP3)).hasValueSatisfying(endpoint ->
                assertThat(endpoint.authentication()).containsExactly(Authentication.PASSWORD));
        assertThat(result.toString()).contains("Discovery: the provider signs in with OAuth2 at " + ISSUER)
                .doesNotContain(SECRET);
    }

    @Test
    void anAccessTokenGoesToTheServerThatTakesOAuth2Only() {
        serveAutoconfig(server.get().port(Service.IMAPS));

        IntegrationResult result = integrator().integrate(MailAccount.builder(ADDRESS).accessToken(SECRET).build());

        assertThat(result.selected()).as(result.toString()).contains(ProtocolCandidate.of(MailProtocol.IMAP,
                Security.IMPLICIT_TLS, "imap.example.test", server.get().port(Service.IMAPS)));
        assertThat(result.discovered().flatMap(DiscoveredHosts::oauth2)).contains(PROVIDER);
    }

    @Test
    void anAccessTokenIsNotHeldBackFromAServerThatDiscoverySaysTakesPasswords() {
        web.provider("example.test", ClientConfigTest.document(ClientConfigTest.server("pop3", "pop.example.test",
                Integer.toString(server.get().port(Service.POP3S)), "SSL", "password-cleartext"))
                .replace("<domain>example.org</domain>", "<domain>example.test</domain>"));

        IntegrationResult result = integrator().integrate(MailAccount.builder(ADDRESS).accessToken(SECRET).build());

        assertThat(result.isIntegrated()).as(result.toString()).isTrue();
        assertThat(result.discovered().flatMap(DiscoveredHosts::oauth2)).isEmpty();
    }

    @Test
    void aProviderFoundThroughMxBringsItsSignInDataMarkedUntrusted() {
        dns.mx("company.test", 10, "mx1.hosted.test");
        web.provider("hosted.test", ClientConfigTest.document(
                ClientConfigTest.server("imap", "imap.hosted.test", Integer.toString(oauth2Only.getLocalPort()),
                        "SSL", "OAuth2"),
                ClientConfigTest.oauth2Element(ISSUER, String.join(" ", PROVIDER.scopes()),
                        PROVIDER.authorizationUri().toString(), PROVIDER.tokenUri().toString())));
        Discovery discovery = Discovery.builder().dnsServers(List.of(dns.address()))
                .autoconfigLocations(web::locations).withoutGuesses().deadline(Duration.ofSeconds(5)).build();
        MailAccount account = MailAccount.builder("bob@company.test").password(SECRET).build();

        IntegrationResult approved = Integrator.builder().policy(Policies.discovered()).discovery(discovery)
                .approveHosts((a, host, provenance) -> host.equals("imap.hosted.test")).resolver(loopback())
                .sslContext(CERTIFICATES.clientSslContext()).build().integrate(account);

        Attempt imap = approved.attempts().get(0);
        assertThat(imap.outcome()).as(approved.toString()).isEqualTo(Outcome.OAUTH_REQUIRED);
        assertThat(imap.detail()).contains("according to MX company.test MX mx1.hosted.test, then AUTOCONFIG");
        assertThat(oauth2OnlyConnections).hasValue(0);
        DiscoveredHosts discovered = approved.discovered().orElseThrow();
        assertThat(discovered.oauth2()).contains(PROVIDER);
        assertThat(discovered.oauth2Provenance()).hasValueSatisfying(provenance -> {
            assertThat(provenance.kind()).isEqualTo(Provenance.Kind.MX);
            assertThat(provenance.isTrusted()).isFalse();
            assertThat(provenance.origin()).isEqualTo("company.test MX mx1.hosted.test, then AUTOCONFIG "
                    + web.url("hosted.test"));
        });
    }

    @Test
    void outlookComFromTheBundledIspdbNeedsOAuth2AndNothingIsContacted() {
        AtomicInteger lookups = new AtomicInteger();
        HostResolver counting = host -> {
            lookups.incrementAndGet();
            return List.of(InetAddress.getLoopbackAddress());
        };
        Discovery discovery = Discovery.builder().dnsServers(List.of(dns.address()))
                .autoconfigLocations(domain -> List.of(URI.create("https://127.0.0.1:1/mail/config-v1.1.xml")))
                .withoutGuesses().deadline(Duration.ofSeconds(5)).build();
        Integrator integrator = Integrator.builder().policy(Policies.discovered()).discovery(discovery)
                .resolver(counting).build();

        IntegrationResult result = integrator.integrate(MailAccount.builder("alice@outlook.com").password(SECRET)
                .build());

        assertThat(result.attempts()).as(result.toString()).hasSize(2).allSatisfy(attempt -> {
            assertThat(attempt.candidate().host()).isEqualTo("outlook.office365.com");
            assertThat(attempt.outcome()).isEqualTo(Outcome.OAUTH_REQUIRED);
            assertThat(attempt.detail()).contains("according to ISPDB ISPDB snapshot of",
                    "OAuth2 at login.microsoftonline.com");
        });
        assertThat(lookups).as("no host was even resolved").hasValue(0);
        assertThat(result.discovered().flatMap(DiscoveredHosts::oauth2)).contains(IspdbSourceTest.MICROSOFT);
    }

    @Test
    void gmailFromTheBundledIspdbCarriesGooglesSignInData() {
        Discovery discovery = Discovery.builder().dnsServers(List.of(dns.address()))
                .autoconfigLocations(domain -> List.of(URI.create("https://127.0.0.1:1/mail/config-v1.1.xml")))
                .withoutGuesses().deadline(Duration.ofSeconds(5)).build();

        DiscoveredHosts found = discovery.discover(MailAccount.builder("alice@gmail.com").password(SECRET).build(),
                org.mailintegrator.core.spi.DiscoveryContext.of(CERTIFICATES.clientSslContext(), loopback()));

        assertThat(found.oauth2()).contains(IspdbSourceTest.GOOGLE);
        assertThat(found.oauth2Provenance()).hasValueSatisfying(provenance -> {
            assertThat(provenance.kind()).isEqualTo(Provenance.Kind.ISPDB);
            assertThat(provenance.isTrusted()).isTrue();
        });
        assertThat(found.endpoints()).extracting(endpoint -> endpoint.candidate().protocol())
                .containsExactly(MailProtocol.IMAP, MailProtocol.POP3, MailProtocol.SMTP);
        assertThat(found.endpoints()).allSatisfy(endpoint -> assertThat(endpoint.authentication())
                .containsExactly(Authentication.PASSWORD, Authentication.OAUTH2));
    }

    private static HostResolver loopback() {
        return host -> List.of(InetAddress.getLoopbackAddress());
    }
}
