package org.mailintegrator.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.DiscoveredHosts;
import org.mailintegrator.core.Endpoint;
import org.mailintegrator.core.HostApproval;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.PreferencePolicy;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Provenance;
import org.mailintegrator.core.Security;
import org.mailintegrator.core.spi.HostDiscovery;
import org.mailintegrator.core.spi.HostResolver;
import org.mailintegrator.strategies.Policies;
import org.mailintegrator.testkit.MailServerExtension;
import org.mailintegrator.testkit.MailServerFixture;
import org.mailintegrator.testkit.Service;
import org.mailintegrator.testkit.TestCertificates;

/**
 * Credentials go only to the caller's hosts, the address's domain, trusted sources and approved hosts: a host that
 * only an untrusted source proposed is never contacted. Real servers: GreenMail over TLS, and a listener that
 * stands for an attacker and counts every connection it gets.
 */
class CredentialReleaseTest {
    private static final String ADDRESS = "alice@example.test";
    private static final String PASSWORD = "correct horse";
    private static final Provenance MX = Provenance.of(Provenance.Kind.MX, "MX example.test -> mx.provider.test", false);

    @RegisterExtension
    static final MailServerExtension server = MailServerExtension.with(MailServerFixture.builder()
            .certificates(TestCertificates.forHosts("imap.example.test", "imap.provider.test"))
            .user(ADDRESS, PASSWORD));

    private ServerSocket attacker;
    private final AtomicInteger attackerConnections = new AtomicInteger();
    private Thread acceptor;

    @BeforeEach
    void startTheAttacker() throws IOException {
        attacker = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            while (!attacker.isClosed()) {
                try (Socket socket = attacker.accept()) {
                    attackerConnections.incrementAndGet();
                } catch (IOException closed) {
                    return;
                }
            }
        });
        acceptor.start();
    }

    @AfterEach
    void stopTheAttacker() throws Exception {
        attacker.close();
        acceptor.join(5_000);
    }

    @Test
    void aHostOnlyAnUntrustedSourceProposedIsNeverContacted() {
        HostDiscovery hostile = (account, context) -> DiscoveredHosts.builder(account.domain())
                .add(endpoint("mail.attacker.test", attacker.getLocalPort(), MX)).build();

        IntegrationResult result = integrator(hostile, HostApproval.NONE).integrate(account());

        assertThat(result.isIntegrated()).isFalse();
        Attempt skipped = result.attempts().get(0);
        assertThat(skipped.outcome()).isEqualTo(Outcome.SKIPPED);
        assertThat(skipped.detail()).contains("mail.attacker.test was proposed by MX", "outside example.test",
                "approveHosts");
        assertThat(skipped.provenance()).contains(MX);
        assertThat(attackerConnections).as("the attacker's listener got no connection at all").hasValue(0);
        assertThat(result.toString()).doesNotContain(PASSWORD);
    }

    @Test
    void theCallerCanApproveAProposedHost() {
        HostDiscovery viaMx = (account, context) -> DiscoveredHosts.builder(account.domain())
                .add(endpoint("imap.provider.test", server.get().port(Service.IMAPS), MX)).build();
        HostApproval approveProvider = (account, host, provenance) -> host.equals("imap.provider.test")
                && provenance.kind() == Provenance.Kind.MX;

        IntegrationResult result = integrator(viaMx, approveProvider).integrate(account());

        assertThat(result.selected()).contains(candidate("imap.provider.test", server.get().port(Service.IMAPS)));
        assertThat(result.attempts().get(0).toString()).contains("[host from MX MX example.test -> mx.provider.test");
    }

    /** A saved result does not carry an approval: the host's trust is decided again, by today's rules. */
    @Test
    void aSavedResultWithAnApprovedHostIsNotReusedOnceTheApprovalIsGone() {
        HostDiscovery viaMx = (account, context) -> DiscoveredHosts.builder(account.domain())
                .add(endpoint("imap.provider.test", server.get().port(Service.IMAPS), MX)).build();
        HostApproval approveProvider = (account, host, provenance) -> host.equals("imap.provider.test");
        IntegrationResult approved = integrator(viaMx, approveProvider).integrate(account());
        assertThat(approved.isIntegrated()).isTrue();
        int received = server.get().received(Service.IMAPS).size();

        IntegrationResult reused = integrator(viaMx, HostApproval.NONE)
                .integrate(account(), IntegrationResult.fromJson(approved.toJson()));

        assertThat(reused.isIntegrated()).isFalse();
        assertThat(reused.attempts()).extracting(Attempt::outcome).containsOnly(Outcome.SKIPPED);
        assertThat(server.get().received(Service.IMAPS)).as("nothing sent to the host no longer approved")
                .hasSize(received);
    }

    @Test
    void aPortNoSourceNamedHasNoProvenanceOnIt() {
        Provenance guess = Provenance.of(Provenance.Kind.GUESS, "guess imap.example.test", false);
        ProtocolCandidate named = candidate("imap.example.test", server.get().port(Service.IMAPS));
        ProtocolCandidate otherPort = ProtocolCandidate.of(MailProtocol.IMAP, Security.NONE, "imap.example.test",
                server.get().port(Service.IMAP));
        HostDiscovery guessing = (account, context) -> DiscoveredHosts.builder(account.domain())
                .add(Endpoint.of(named, guess)).build();
        PreferencePolicy bothPorts = new PreferencePolicy() {
            @Override
            public List<ProtocolCandidate> candidates(MailAccount account) {
                return List.of(named, otherPort);
            }

            @Override
            public List<ProtocolCandidate> candidates(MailAccount account, DiscoveredHosts discovered) {
                return List.of(named, otherPort);
            }
        };

        IntegrationResult result = Integrator.builder().policy(bothPorts).discovery(guessing)
                .resolver(loopback()).sslContext(server.get().clientSslContext()).build()
                .integrate(account().toBuilder().password("not the password").build());

        assertThat(result.attempts()).extracting(Attempt::outcome)
                .containsExactly(Outcome.AUTH_FAILED, Outcome.AUTH_FAILED);
        assertThat(result.attempts().get(0).provenance()).contains(guess);
        assertThat(result.attempts().get(1).provenance()).as("no source named this port").isEmpty();
    }

    @Test
    void aTrustedSourceNeedsNoApproval() {
        Provenance ispdb = Provenance.of(Provenance.Kind.ISPDB, "ISPDB snapshot", true);
        HostDiscovery trusted = (account, context) -> DiscoveredHosts.builder(account.domain())
                .add(endpoint("imap.provider.test", server.get().port(Service.IMAPS), ispdb)).build();

        assertThat(integrator(trusted, HostApproval.NONE).integrate(account()).isIntegrated()).isTrue();
    }

    @Test
    void aGuessWithinTheAddressesDomainNeedsNoApproval() {
        Provenance guess = Provenance.of(Provenance.Kind.GUESS, "guess imap.example.test", false);
        HostDiscovery guessing = (account, context) -> DiscoveredHosts.builder(account.domain())
                .add(endpoint("imap.example.test", server.get().port(Service.IMAPS), guess)).build();

        IntegrationResult result = integrator(guessing, HostApproval.NONE).integrate(account());

        assertThat(result.selected()).contains(candidate("imap.example.test", server.get().port(Service.IMAPS)));
        assertThat(result.discovered()).isPresent();
    }

    @Test
    void aServiceTheDomainWithdrawsIsSkippedWithTheReason() {
        HostDiscovery srv = (account, context) -> DiscoveredHosts.builder(account.domain())
                .notOffered(MailProtocol.POP3, Security.IMPLICIT_TLS, "_pop3s._tcp.example.test says POP3 over TLS "
                        + "is not offered (SRV target \".\")")
                .build();
        Integrator integrator = Integrator.builder().policy(Policies.popOnly()).discovery(srv)
                .resolver(loopback()).sslContext(server.get().clientSslContext()).build();

        Attempt pop3s = integrator.integrate(account()).attempts().get(0);

        assertThat(pop3s.outcome()).isEqualTo(Outcome.SKIPPED);
        assertThat(pop3s.detail()).startsWith("Skipped: _pop3s._tcp.example.test says POP3 over TLS is not offered");
    }

    @Test
    void discoveryDoesNotRunWhenTheCallerGivesTheHost() {
        AtomicInteger asked = new AtomicInteger();
        HostDiscovery counting = (account, context) -> {
            asked.incrementAndGet();
            return DiscoveredHosts.none(account.domain());
        };
        MailAccount given = account().toBuilder().host("imap.example.test").build();

        IntegrationResult result = Integrator.builder()
                .policy(a -> List.of(candidate(a.host(MailProtocol.IMAP), server.get().port(Service.IMAPS))))
                .discovery(counting).resolver(loopback()).sslContext(server.get().clientSslContext()).build()
                .integrate(given);

        assertThat(result.isIntegrated()).isTrue();
        assertThat(result.discovered()).isEmpty();
        assertThat(asked).hasValue(0);
    }

    private Integrator integrator(HostDiscovery discovery, HostApproval approval) {
        return Integrator.builder().policy(Policies.discovered()).discovery(discovery).approveHosts(approval)
                .resolver(loopback()).sslContext(server.get().clientSslContext()).build();
    }

    private static HostResolver loopback() {
        return host -> List.of(InetAddress.getLoopbackAddress());
    }

    private static MailAccount account() {
        return MailAccount.builder(ADDRESS).password(PASSWORD).build();
    }

    private static Endpoint endpoint(String host, int port, Provenance provenance) {
        return Endpoint.of(candidate(host, port), provenance);
    }

    private static ProtocolCandidate candidate(String host, int port) {
        return ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS, host, port);
    }
}
