package org.mailintegrator.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailintegrator.testkit.MailIntegratorAssertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.Phase;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;
import org.mailintegrator.core.spi.HostResolver;

/**
 * A host name with several addresses: every address is tried, the RFC 8305 way, and a dead one costs the address
 * stagger, not a connect timeout. Name resolution goes through the resolver seam and is bounded by the connect
 * timeout, however long the resolver takes.
 */
@Timeout(value = 30, threadMode = ThreadMode.SEPARATE_THREAD)
class AddressRaceTest {
    private static final String HOST = "mail.multi.test";
    private static final String ADDRESS = "alice@multi.test";
    private static final String PASSWORD = "secret";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    @RegisterExtension
    static final MailServerExtension server = MailServerExtension.with(MailServerFixture.builder()
            .certificates(TestCertificates.forHosts(HOST))
            .user(ADDRESS, PASSWORD));

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeHelpers() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
    }

    @Test
    void aRefusingFirstAddressIsPassedAtOnceAndTheLiveAddressAnswers() {
        HostResolver resolver = host -> addresses("127.0.0.9", "127.0.0.1");

        IntegrationResult result = integrator(resolver).integrate(account());

        Attempt attempt = result.attempts().get(0);
        assertThat(attempt).as(result.toString()).hasOutcome(Outcome.AUTHENTICATED);
        assertThat(attempt.address()).contains(new InetSocketAddress("127.0.0.1", server.get().port(Service.IMAPS)));
        assertThat(attempt.detail()).contains("127.0.0.9: connection refused");
        assertThat(attempt.elapsed()).as("no timeout was waited for").isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void aDroppingFirstAddressCostsTheAddressStaggerNotAConnectTimeout() throws IOException {
        dropper("127.0.0.9", server.get().port(Service.IMAPS));
        HostResolver resolver = host -> addresses("127.0.0.9", "127.0.0.1");

        IntegrationResult result = integrator(resolver).integrate(account());

        Attempt attempt = result.attempts().get(0);
        assertThat(attempt).as(result.toString()).hasOutcome(Outcome.AUTHENTICATED);
        assertThat(attempt.address()).contains(new InetSocketAddress("127.0.0.1", server.get().port(Service.IMAPS)));
        assertThat(attempt.detail()).contains("127.0.0.9: no answer");
        assertThat(attempt.elapsed()).as("the stagger (250 ms) plus a login, far below the 5 s connect timeout")
                .isBetween(Duration.ofMillis(250), Duration.ofMillis(2500));
    }

    @Test
    void whenEveryAddressFailsEachFailureIsKept() {
        HostResolver resolver = host -> addresses("127.0.0.9", "127.0.0.10");

        IntegrationResult result = integrator(resolver).integrate(account());

        Attempt attempt = result.attempts().get(0);
        assertThat(attempt).as(result.toString()).hasOutcome(Outcome.REFUSED);
        assertThat(attempt.phase()).isEqualTo(Phase.CONNECT);
        assertThat(attempt.address()).isEmpty();
        assertThat(attempt.detail()).contains("127.0.0.9: connection refused", "127.0.0.10: connection refused");
    }

    @Test
    void theCertificateIsCheckedAgainstTheHostNameNotTheAddress() {
        HostResolver resolver = host -> addresses("127.0.0.1");
        ProtocolCandidate elsewhere = ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS,
                "other.multi.test", server.get().port(Service.IMAPS));

        IntegrationResult result = Integrator.builder().policy(account -> List.of(elsewhere)).resolver(resolver)
                .sslContext(server.get().clientSslContext()).connectTimeout(CONNECT_TIMEOUT).build()
                .integrate(account());

        Attempt attempt = result.attempts().get(0);
        assertThat(attempt).as(result.toString()).hasOutcome(Outcome.TLS_FAILED);
        assertThat(attempt.phase()).isEqualTo(Phase.TLS);
        assertThat(attempt.detail()).contains("does not name other.multi.test");
    }

    @Test
    void aResolverThatNeverAnswersEndsTheWholeChainAtTheConnectTimeout() throws IOException {
        DatagramSocket silentDns = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        toClose.add(silentDns);
        Set<DatagramSocket> clients = ConcurrentHashMap.newKeySet();
        toClose.add(() -> clients.forEach(DatagramSocket::close));
        AtomicInteger lookups = new AtomicInteger();
        HostResolver resolver = host -> {
            lookups.incrementAndGet();
            return askSilently(silentDns, host, clients);
        };
        Duration connectTimeout = Duration.ofSeconds(1);
        Integrator integrator = Integrator.builder().policy(account -> List.of(
                        candidate(MailProtocol.IMAP, Security.IMPLICIT_TLS, Service.IMAPS),
                        candidate(MailProtocol.POP3, Security.IMPLICIT_TLS, Service.POP3S),
                        candidate(MailProtocol.IMAP, Security.NONE, Service.IMAP),
                        candidate(MailProtocol.POP3, Security.NONE, Service.POP3)))
                .resolver(resolver).sslContext(server.get().clientSslContext())
                .connectTimeout(connectTimeout).readTimeout(Duration.ofSeconds(1)).build();

        IntegrationResult result = integrator.integrate(account());

        assertThat(result.attempts()).as(result.toString()).allSatisfy(attempt -> {
            assertThat(attempt).hasOutcome(Outcome.TIMED_OUT);
            assertThat(attempt.phase()).isEqualTo(Phase.RESOLVE);
            assertThat(attempt.detail()).contains("could not be resolved in time");
        });
        assertThat(result.elapsed()).as("one connect timeout for the whole chain, not one per candidate")
                .isBetween(connectTimeout, connectTimeout.plusMillis(500));
        assertThat(lookups).as("one lookup per host and integration").hasValue(1);
    }

    @Test
    void aNameThatDoesNotResolveIsUnknownHostInTheResolvePhase() {
        HostResolver resolver = host -> {
            throw new UnknownHostException(host + ": no such name");
        };

        IntegrationResult result = integrator(resolver).integrate(account());

        Attempt attempt = result.attempts().get(0);
        assertThat(attempt).as(result.toString()).hasOutcome(Outcome.UNKNOWN_HOST);
        assertThat(attempt.phase()).isEqualTo(Phase.RESOLVE);
    }

    private Integrator integrator(HostResolver resolver) {
        ProtocolCandidate imaps = ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS, HOST,
                server.get().port(Service.IMAPS));
        return Integrator.builder().policy(account -> List.of(imaps)).resolver(resolver)
                .sslContext(server.get().clientSslContext()).connectTimeout(CONNECT_TIMEOUT).build();
    }

    private static ProtocolCandidate candidate(MailProtocol protocol, Security security, Service service) {
        return ProtocolCandidate.of(protocol, security, HOST, server.get().port(service));
    }

    private static MailAccount account() {
        return MailAccount.builder(ADDRESS).password(PASSWORD).host(HOST).build();
    }

    private static List<InetAddress> addresses(String... literals) throws UnknownHostException {
        List<InetAddress> addresses = new ArrayList<>();
        for (String literal : literals) {
            addresses.add(InetAddress.getByName(literal));
        }
        return addresses;
    }

    /** A DNS query for {@code host} sent to a server that never answers; blocks until the socket is closed. */
    private static List<InetAddress> askSilently(DatagramSocket dns, String host, Set<DatagramSocket> clients)
            throws UnknownHostException {
        try (DatagramSocket client = new DatagramSocket()) {
            clients.add(client);
            byte[] query = ("query " + host).getBytes(StandardCharsets.US_ASCII);
            client.send(new DatagramPacket(query, query.length, dns.getLocalSocketAddress()));
            client.receive(new DatagramPacket(new byte[512], 512));
            throw new UnknownHostException(host + ": unexpected answer");
        } catch (IOException e) {
            throw new UnknownHostException(host + ": " + e.getMessage());
        }
    }

    /**
     * A listener on {@code address:port} whose accept queue is full, so that the kernel stops answering new
     * connections there: they time out, as behind a firewall that drops packets.
     */
    private void dropper(String address, int port) throws IOException {
        ServerSocket listener = new ServerSocket();
        listener.bind(new InetSocketAddress(address, port), 1);
        toClose.add(listener);
        for (int i = 0; i < 64; i++) {
            Socket filler = new Socket();
            toClose.add(filler);
            try {
                filler.connect(listener.getLocalSocketAddress(), 200);
            } catch (SocketTimeoutException full) {
                return;
            }
        }
        throw new UncheckedIOException(new IOException("the accept queue of " + address + ":" + port
                + " never filled"));
    }
}
