package org.mailintegrator.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.spi.HostResolver;
import org.mailintegrator.strategies.Policies;
import org.mailintegrator.testkit.TestCertificates;

/**
 * A host name with two addresses, the first one dead, against a real Dovecot: the first address refuses (nothing
 * listens there) or a real iptables rule drops its packets; the integration goes through the live address at
 * about the address stagger, never a connect timeout, and still checks the certificate against the host name.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DovecotMultiAddressInteropTest {
    private static final String HOST = "mail.multi.test";
    private static final String DEAD = "127.0.0.6";
    private static final String LIVE = "127.0.0.1";
    private static final String USER = "alice@multi.test";
    private static final String PASSWORD = "alice-secret";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final TestCertificates CERTS = TestCertificates.forHosts(HOST);

    @Test
    void aRefusingFirstAddressIsPassedAtOnce() {
        try (DovecotServer dovecot = DovecotServer.builder().user(USER, PASSWORD).tls(CERTS).start()) {
            IntegrationResult result = integrator(dovecot).integrate(account());

            Attempt attempt = result.attempts().get(0);
            assertThat(attempt.outcome()).as(result.toString()).isEqualTo(Outcome.AUTHENTICATED);
            assertThat(attempt.address())
                    .contains(new InetSocketAddress(LIVE, dovecot.port(DovecotServer.Listener.IMAPS)));
            assertThat(attempt.detail()).contains(DEAD + ": connection refused");
            assertThat(result.elapsed()).isLessThan(Duration.ofSeconds(2));
        }
    }

    @Test
    void aFirstAddressBehindADropFirewallCostsTheStaggerNotTheConnectTimeout() {
        try (DovecotServer dovecot = DovecotServer.builder().user(USER, PASSWORD).tls(CERTS).start();
                LoopbackDropRule drop = LoopbackDropRule.install(DEAD, dovecot.port(DovecotServer.Listener.IMAPS))) {
            IntegrationResult result = integrator(dovecot).integrate(account());

            Attempt attempt = result.attempts().get(0);
            assertThat(attempt.outcome()).as(result.toString()).isEqualTo(Outcome.AUTHENTICATED);
            assertThat(attempt.address())
                    .contains(new InetSocketAddress(LIVE, dovecot.port(DovecotServer.Listener.IMAPS)));
            assertThat(attempt.detail()).contains(DEAD + ": no answer");
            assertThat(result.elapsed()).as("the 250 ms address stagger plus a login, not the 5 s connect timeout")
                    .isBetween(Duration.ofMillis(250), Duration.ofMillis(2500));
        }
    }

    private static Integrator integrator(DovecotServer dovecot) {
        HostResolver resolver = host -> {
            if (!host.equals(HOST)) {
                throw new UnknownHostException(host);
            }
            return addresses(DEAD, LIVE);
        };
        return Integrator.builder()
                .policy(account -> rehosted(RoutedPolicy.to(dovecot, Policies.blackBerry()).candidates(account)))
                .resolver(resolver)
                .sslContext(CERTS.clientSslContext())
                .connectTimeout(CONNECT_TIMEOUT)
                .readTimeout(Duration.ofSeconds(3))
                .build();
    }

    /** The routed candidates on the two-address host name instead of Dovecot's literal address. */
    private static List<ProtocolCandidate> rehosted(List<ProtocolCandidate> routed) {
        List<ProtocolCandidate> candidates = new ArrayList<>();
        for (ProtocolCandidate candidate : routed) {
            candidates.add(ProtocolCandidate.of(candidate.protocol(), candidate.security(), HOST, candidate.port()));
        }
        return candidates;
    }

    private static MailAccount account() {
        return MailAccount.builder(USER).password(PASSWORD).host(HOST).build();
    }

    private static List<InetAddress> addresses(String... literals) throws UnknownHostException {
        List<InetAddress> addresses = new ArrayList<>();
        for (String literal : literals) {
            addresses.add(InetAddress.getByName(literal));
        }
        return addresses;
    }
}
