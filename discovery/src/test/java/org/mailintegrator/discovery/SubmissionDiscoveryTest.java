package org.mailintegrator.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.HostApproval;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Provenance;
import org.mailintegrator.core.Security;
import org.mailintegrator.strategies.Policies;
import org.mailintegrator.testkit.AutoconfigServer;
import org.mailintegrator.testkit.TestCertificates;
import org.mailintegrator.testkit.TestDnsServer;

/**
 * Where an account sends mail, found from its address alone and verified by signing in, through
 * {@code Policies.submission()} and the real sources: a real DNS server (SRV {@code _submissions}), a real HTTPS
 * autoconfig server ({@code outgoingServer}), and GreenMail's SMTP server, which signs users in, behind a TLS front
 * on loopback (a submission server over implicit TLS, as SRV {@code _submissions} names one). The credential
 * release rules are the incoming ones: a host outside the address's domain that only unsigned DNS named gets
 * nothing unless the caller approves it.
 */
@Timeout(value = 60, threadMode = ThreadMode.SEPARATE_THREAD)
class SubmissionDiscoveryTest {
    private static final String ADDRESS = "alice@example.test";
    private static final String PASSWORD = "submission-Secret-1";
    private static final TestCertificates CERTIFICATES =
            TestCertificates.forHosts("smtp.example.test", "smtp.provider.test", "127.0.0.1");

    private GreenMail greenMail;
    private TlsFront smtps;
    private TestDnsServer dns;
    private AutoconfigServer web;

    @BeforeEach
    void start() throws IOException {
        greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
        greenMail.setUser(ADDRESS, ADDRESS, PASSWORD);
        smtps = new TlsFront(CERTIFICATES.serverSslContext(), greenMail.getSmtp().getPort());
        dns = TestDnsServer.start()
                .a("smtp.example.test", "127.0.0.1")
                .a("smtp.provider.test", "127.0.0.1");
    }

    @AfterEach
    void stop() throws Exception {
        if (web != null) {
            web.close();
        }
        dns.close();
        smtps.close();
        greenMail.stop();
    }

    @Test
    void anUnsignedSrvSubmissionsRecordInTheDomainNamesTheServerThatIsSelected() {
        dns.srv("_submissions._tcp.example.test", 0, 0, smtps.port(), "smtp.example.test");

        IntegrationResult result = integrator(HostApproval.NONE).integrate(account());

        ProtocolCandidate found = ProtocolCandidate.of(MailProtocol.SMTP, Security.IMPLICIT_TLS, "smtp.example.test",
                smtps.port());
        assertThat(result.selected()).as(result.toString()).contains(found);
        Provenance srv = Provenance.of(Provenance.Kind.SRV, "_submissions._tcp.example.test", false);
        assertThat(result.attempt(found).orElseThrow().provenance()).contains(srv);
        assertThat(result.chain()).as("the standard ports on the domain come after what was found")
                .containsExactly(found,
                        ProtocolCandidate.of(MailProtocol.SMTP, Security.IMPLICIT_TLS, "example.test", 465),
                        ProtocolCandidate.of(MailProtocol.SMTP, Security.STARTTLS, "example.test", 587));
        assertThat(result.discovered()).hasValueSatisfying(discovered -> {
            assertThat(discovered.endpoints(MailProtocol.SMTP)).singleElement()
                    .satisfies(endpoint -> assertThat(endpoint.provenance()).isEqualTo(srv));
            assertThat(discovered.notes()).anyMatch(note -> note.startsWith("srv decided"));
        });
        assertThat(result.attempt(found).orElseThrow().toString())
                .contains("[host from SRV _submissions._tcp.example.test");
    }

    @Test
    void aHostOutsideTheDomainThatOnlyAnUnsignedSrvRecordNamedGetsNoCredentials() {
        dns.srv("_submissions._tcp.example.test", 0, 0, smtps.port(), "smtp.provider.test");

        IntegrationResult result = integrator(HostApproval.NONE).integrate(account());

        assertThat(result.isIntegrated()).isFalse();
        Attempt skipped = result.attempts().get(0);
        assertThat(skipped.candidate().host()).isEqualTo("smtp.provider.test");
        assertThat(skipped.outcome()).isEqualTo(Outcome.SKIPPED);
        assertThat(skipped.detail()).contains("smtp.provider.test was proposed by SRV", "outside example.test",
                "approveHosts");
        assertThat(smtps.connections()).as("the server outside the domain was never contacted").hasValue(0);
        assertThat(result.toString()).doesNotContain(PASSWORD);
    }

    @Test
    void theCallerCanApproveTheHostOutsideTheDomain() {
        dns.srv("_submissions._tcp.example.test", 0, 0, smtps.port(), "smtp.provider.test");
        HostApproval approveSrv = (account, host, provenance) -> host.equals("smtp.provider.test")
                && provenance.kind() == Provenance.Kind.SRV;

        IntegrationResult result = integrator(approveSrv).integrate(account());

        assertThat(result.selected()).as(result.toString()).contains(ProtocolCandidate.of(MailProtocol.SMTP,
                Security.IMPLICIT_TLS, "smtp.provider.test", smtps.port()));
        assertThat(smtps.connections()).hasPositiveValue();
    }

    @Test
    void theOutgoingServerOfAnAutoconfigDocumentIsSelectedWithItsTrustedProvenance() throws IOException {
        ProtocolCandidate outgoing = ProtocolCandidate.of(MailProtocol.SMTP, Security.IMPLICIT_TLS,
                "smtp.provider.test", smtps.port());
        web = AutoconfigServer.start(CERTIFICATES).provider("example.test", AutoconfigServer.clientConfig(
                "example.test", ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS, "imap.provider.test",
                        993), outgoing));
        Discovery discovery = Discovery.builder().dnsServers(List.of(dns.address()))
                .autoconfigLocations(web::locations).deadline(Duration.ofSeconds(10)).build();

        IntegrationResult result = Integrator.builder().policy(Policies.submission()).discovery(discovery)
                .resolver(dns.resolver()).sslContext(CERTIFICATES.clientSslContext()).build().integrate(account());

        assertThat(result.selected()).as(result.toString()).contains(outgoing);
        assertThat(result.attempt(outgoing).orElseThrow().provenance()).hasValueSatisfying(provenance -> {
            assertThat(provenance.kind()).isEqualTo(Provenance.Kind.AUTOCONFIG);
            assertThat(provenance.isTrusted()).isTrue();
        });
        assertThat(result.chain()).as("the incoming server of the document is not a submission candidate")
                .allMatch(candidate -> candidate.protocol() == MailProtocol.SMTP);
    }

    private Integrator integrator(HostApproval approval) {
        Discovery discovery = Discovery.builder().dnsServers(List.of(dns.address()))
                .autoconfigLocations(domain -> List.of()).deadline(Duration.ofSeconds(10)).build();
        return Integrator.builder().policy(Policies.submission()).discovery(discovery).approveHosts(approval)
                .resolver(dns.resolver()).sslContext(CERTIFICATES.clientSslContext()).build();
    }

    private static MailAccount account() {
        return MailAccount.builder(ADDRESS).password(PASSWORD).build();
    }

    /**
     * A submission server over implicit TLS: terminates TLS on a loopback port with the test certificate and relays
     * the bytes both ways to GreenMail's cleartext SMTP. Counts the connections it accepts.
     */
    private static final class TlsFront implements AutoCloseable {
        private final ServerSocket listener;
        private final int backendPort;
        private final AtomicInteger connections = new AtomicInteger();
        private final Thread acceptor;

        TlsFront(SSLContext tls, int backendPort) throws IOException {
            this.listener = tls.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
            this.backendPort = backendPort;
            this.acceptor = new Thread(this::accept, "tls-front-" + listener.getLocalPort());
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return listener.getLocalPort();
        }

        AtomicInteger connections() {
            return connections;
        }

        private void accept() {
            while (!listener.isClosed()) {
                try {
                    Socket client = listener.accept();
                    connections.incrementAndGet();
                    Socket backend = new Socket(InetAddress.getLoopbackAddress(), backendPort);
                    relay(client, backend);
                    relay(backend, client);
                } catch (IOException e) {
                    if (listener.isClosed()) {
                        return;
                    }
                }
            }
        }

        /** Copies {@code from} to {@code to} on a thread of its own; closes both when either side ends. */
        private static void relay(Socket from, Socket to) {
            Thread thread = new Thread(() -> {
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    in.transferTo(out);
                } catch (IOException ended) {
                    // the other side closed, or the handshake failed: the session is over either way
                } finally {
                    closeQuietly(from);
                    closeQuietly(to);
                }
            }, "tls-front-relay");
            thread.setDaemon(true);
            thread.start();
        }

        private static void closeQuietly(Socket socket) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
        }

        @Override
        public void close() throws InterruptedException, IOException {
            listener.close();
            acceptor.join(TimeUnit.SECONDS.toMillis(5));
        }
    }
}
