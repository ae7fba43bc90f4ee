package org.mailintegrator.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
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
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.Outcome;
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
 * From an address alone, with the real sources wired as {@link Discovery} wires them: a real DNS server (SRV, MX),
 * a real web server (autoconfig), GreenMail for the mailbox, and a listener that stands for an attacker and counts
 * every connection and byte it gets.
 */
class DiscoveryEndToEndTest {
    private static final String PASSWORD = "correct horse";
    private static final TestCertificates CERTIFICATES =
            TestCertificates.forHosts("imap.example.test", "imap.hosted.test", "autoconfig.example.test", "127.0.0.1");

    @RegisterExtension
    static final MailServerExtension server = MailServerExtension.with(MailServerFixture.builder()
            .certificates(CERTIFICATES)
            .user("alice@example.test", PASSWORD)
            .user("bob@company.test", PASSWORD));

    private TestDnsServer dns;
    private AutoconfigServer web;
    private ServerSocket attacker;
    private final AtomicInteger attackerConnections = new AtomicInteger();
    private final AtomicInteger attackerBytes = new AtomicInteger();
    private Thread acceptor;

    @BeforeEach
    void start() throws IOException {
        dns = TestDnsServer.start();
        attacker = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            while (!attacker.isClosed()) {
                try (Socket socket = attacker.accept(); InputStream in = socket.getInputStream()) {
                    attackerConnections.incrementAndGet();
                    socket.setSoTimeout(2_000);
                    while (in.read() >= 0) {
                        attackerBytes.incrementAndGet();
                    }
                } catch (IOException closed) {
                    if (attacker.isClosed()) {
                        return;
                    }
                }
            }
        });
        acceptor.start();
    }

    @AfterEach
    void stop() throws Exception {
        dns.close();
        if (web != null) {
            web.close();
        }
        attacker.close();
        acceptor.join(5_000);
    }

    @Test
    void aHostileAutoconfigOverPlainHttpGetsNoCredentialInAnyForm() throws IOException {
        web = AutoconfigServer.startPlainHttp().document("/mail/config-v1.1.xml", ClientConfigTest.document(
                ClientConfigTest.server("imap", "mail.attacker.test", Integer.toString(attacker.getLocalPort()),
                        "plain")));
        Discovery discovery = new Discovery(List.of(new AutoconfigSource(domain ->
                List.of(web.uri("/mail/config-v1.1.xml")))), Duration.ofSeconds(5));

        IntegrationResult result = integrator(discovery).integrate(account("alice@example.test"));

        Attempt attempt = result.attempts().get(0);
        assertThat(attempt.outcome()).as(result.toString()).isEqualTo(Outcome.SKIPPED);
        assertThat(attempt.provenance()).hasValueSatisfying(p -> assertThat(p.isTrusted()).isFalse());
        assertThat(attackerConnections).as("the attacker's listener was never contacted").hasValue(0);
        assertThat(attackerBytes).hasValue(0);
    }

    @Test
    void aDomainWithOnlySrvRecordsIntegrates() throws IOException {
        dns.srv("_imaps._tcp.example.test", 0, 0, server.get().port(Service.IMAPS), "imap.example.test");
        Discovery discovery = new Discovery(List.of(
                new AutoconfigSource(domain -> List.of(URI.create("https://127.0.0.1:1/mail/config-v1.1.xml"))),
                new SrvSource(DnsClient.using(List.of(dns.address()))), new GuessSource()), Duration.ofSeconds(5));

        IntegrationResult result = integrator(discovery).integrate(account("alice@example.test"));

        assertThat(result.isIntegrated()).as(result.toString()).isTrue();
        assertThat(result.attempts().get(0).provenance()).hasValueSatisfying(
                p -> assertThat(p.kind()).isEqualTo(Provenance.Kind.SRV));
        assertThat(result.toString()).contains("Discovery: srv decided");
    }

    /**
     * RFC 6186's {@code _imap} and {@code _pop3} records cover cleartext as well as STARTTLS: with the TLS services
     * stopped, BlackBerry's "IMAP without SSL" step goes to the port {@code _imap._tcp} names, not to 143.
     */
    @Test
    void blackBerrysCleartextStepsGoToThePortsTheSrvRecordsName() throws IOException {
        MailServerFixture mail = server.get();
        mail.stop(Service.IMAPS);
        mail.stop(Service.POP3S);
        dns.srv("_imaps._tcp.example.test", 0, 1, mail.port(Service.IMAPS), "imap.example.test")
                .srv("_pop3s._tcp.example.test", 0, 1, mail.port(Service.POP3S), "imap.example.test")
                .srv("_imap._tcp.example.test", 0, 1, mail.port(Service.IMAP), "imap.example.test")
                .srv("_pop3._tcp.example.test", 0, 1, mail.port(Service.POP3), "imap.example.test")
                .a("imap.example.test", mail.host());
        Discovery discovery = Discovery.builder().dnsServers(List.of(dns.address()))
                .autoconfigLocations(domain -> List.of()).withoutGuesses().deadline(Duration.ofSeconds(5)).build();

        IntegrationResult result = Integrator.builder().policy(Policies.blackBerry()).discovery(discovery)
                .resolver(dns.resolver()).sslContext(CERTIFICATES.clientSslContext())
                .connectTimeout(Duration.ofSeconds(2)).build()
                .integrate(account("alice@example.test"));

        assertThat(result.attempts()).as(result.toString()).extracting(Attempt::candidate).containsExactly(
                ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS, "imap.example.test",
                        mail.port(Service.IMAPS)),
                ProtocolCandidate.of(MailProtocol.POP3, Security.IMPLICIT_TLS, "imap.example.test",
                        mail.port(Service.POP3S)),
                ProtocolCandidate.of(MailProtocol.IMAP, Security.NONE, "imap.example.test", mail.port(Service.IMAP)),
                ProtocolCandidate.of(MailProtocol.POP3, Security.NONE, "imap.example.test", mail.port(Service.POP3)));
        assertThat(result.selected()).as(result.toString()).contains(ProtocolCandidate.of(MailProtocol.IMAP,
                Security.NONE, "imap.example.test", mail.port(Service.IMAP)));
    }

    @Test
    void aCustomDomainHostedElsewhereIsFoundByMxAndUsedOnceApproved() throws IOException {
        dns.mx("company.test", 10, "mx1.hosted.test");
        web = AutoconfigServer.start(CERTIFICATES).document("/mail/config-v1.1.xml", ClientConfigTest.document(
                ClientConfigTest.server("imap", "imap.hosted.test", Integer.toString(server.get().port(Service.IMAPS)),
                        "SSL")));
        Source providerAutoconfig = new AutoconfigSource(domain -> {
            assertThat(domain).isEqualTo("hosted.test");
            return List.of(web.uri("/mail/config-v1.1.xml"));
        });
        Discovery discovery = new Discovery(List.of(new MxSource(new MxLookup(DnsClient.using(List.of(dns.address()))),
                List.of(providerAutoconfig))), Duration.ofSeconds(5));

        IntegrationResult refused = integrator(discovery).integrate(account("bob@company.test"));
        IntegrationResult approved = Integrator.builder().policy(Policies.discovered()).discovery(discovery)
                .approveHosts((account, host, provenance) -> host.equals("imap.hosted.test"))
                .resolver(loopback()).sslContext(CERTIFICATES.clientSslContext()).build()
                .integrate(account("bob@company.test"));

        assertThat(refused.attempts().get(0).outcome()).as(refused.toString()).isEqualTo(Outcome.SKIPPED);
        assertThat(refused.attempts().get(0).detail()).contains("imap.hosted.test was proposed by MX");
        assertThat(approved.isIntegrated()).as(approved.toString()).isTrue();
        assertThat(approved.attempts().get(0).provenance().orElseThrow().origin())
                .startsWith("company.test MX mx1.hosted.test, then AUTOCONFIG https://");
    }

    @Test
    void theBuilderFetchesAutoconfigFromTheLocationsGivenAndAsksTheDnsServersGiven() throws IOException {
        web = AutoconfigServer.start(CERTIFICATES).provider("hosted.test", AutoconfigServer.clientConfig(
                "hosted.test", ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS, "imap.hosted.test",
                        server.get().port(Service.IMAPS))));
        dns.mx("company.test", 10, "mx1.hosted.test").a("imap.hosted.test", "127.0.0.1");
        Discovery discovery = Discovery.builder().dnsServers(List.of(dns.address()))
                .autoconfigLocations(web::locations).withoutGuesses().deadline(Duration.ofSeconds(5)).build();

        IntegrationResult result = Integrator.builder().policy(Policies.discovered()).discovery(discovery)
                .approveHosts((account, host, provenance) -> host.equals("imap.hosted.test"))
                .resolver(dns.resolver()).sslContext(CERTIFICATES.clientSslContext()).build()
                .integrate(account("bob@company.test"));

        assertThat(result.isIntegrated()).as(result.toString()).isTrue();
        assertThat(result.attempts().get(0).provenance().orElseThrow().origin())
                .isEqualTo("company.test MX mx1.hosted.test, then AUTOCONFIG " + web.url("hosted.test"));
        assertThat(web.requests()).contains(URI.create("/company.test/mail/config-v1.1.xml"),
                URI.create("/hosted.test/mail/config-v1.1.xml"));
    }

    @Test
    void autoconfigIsFetchedFromTheAddressTheIntegratorsResolverGives() throws IOException {
        web = AutoconfigServer.start(CERTIFICATES).provider("example.test", AutoconfigServer.clientConfig(
                "example.test", ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS, "imap.example.test",
                        server.get().port(Service.IMAPS))));
        // names only the test's DNS server knows: the JDK's resolver would not find them
        dns.a("autoconfig.example.test", "127.0.0.1").a("imap.example.test", "127.0.0.1");
        URI byName = URI.create("https://autoconfig.example.test:" + web.url("example.test").getPort()
                + web.url("example.test").getRawPath());
        Discovery discovery = Discovery.builder().autoconfigLocations(domain -> List.of(byName)).withoutGuesses()
                .dnsServers(List.of(dns.address())).deadline(Duration.ofSeconds(5)).build();

        IntegrationResult result = Integrator.builder().policy(Policies.discovered()).discovery(discovery)
                .resolver(dns.resolver()).sslContext(CERTIFICATES.clientSslContext()).build()
                .integrate(account("alice@example.test"));

        assertThat(result.isIntegrated()).as(result.toString()).isTrue();
        assertThat(result.attempts().get(0).provenance()).contains(
                Provenance.of(Provenance.Kind.AUTOCONFIG, byName.toString(), true));
    }

    private Integrator integrator(Discovery discovery) {
        return Integrator.builder().policy(Policies.discovered()).discovery(discovery).resolver(loopback())
                .sslContext(CERTIFICATES.clientSslContext()).connectTimeout(Duration.ofSeconds(3)).build();
    }

    private static HostResolver loopback() {
        return host -> List.of(InetAddress.getLoopbackAddress());
    }

    private static MailAccount account(String address) {
        return MailAccount.builder(address).password(PASSWORD).build();
    }
}
