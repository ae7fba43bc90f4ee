package org.mailintegrator.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mailintegrator.core.DiscoveredHosts;
import org.mailintegrator.core.Endpoint;
import org.mailintegrator.core.IntegrationListener;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;
import org.mailintegrator.strategies.Policies;
import org.mailintegrator.testkit.AutoconfigServer;
import org.mailintegrator.testkit.MailServerFixture;
import org.mailintegrator.testkit.Service;
import org.mailintegrator.testkit.TestCertificates;
import org.mailintegrator.testkit.TestDnsServer;

/**
 * A progress display hears discovery as it happens, with the real sources: a DNS server with SRV records, an
 * autoconfig server that knows nothing of the domain, the bundled ISPDB, MX.
 */
class DiscoveryListenerTest {
    @Test
    void aListenerHearsDiscoveryStartEachSourceAndItsEndBeforeTheIntegrationStarts() throws IOException {
        TestCertificates certs = TestCertificates.forHosts("127.0.0.1", "imap.example.test");
        try (MailServerFixture mail = MailServerFixture.builder().certificates(certs)
                    .user("alice@example.test", "secret").start();
                TestDnsServer dns = TestDnsServer.start();
                AutoconfigServer autoconfig = AutoconfigServer.start(certs)) {
            dns.srv("_imaps._tcp.example.test", 0, 1, mail.port(Service.IMAPS), "imap.example.test")
                    .a("imap.example.test", mail.host());
            Discovery discovery = Discovery.builder().dnsServers(List.of(dns.address()))
                    .autoconfigLocations(autoconfig::locations).withoutGuesses().deadline(Duration.ofSeconds(5))
                    .build();
            Recorder recorder = new Recorder();

            IntegrationResult result = Integrator.builder().policy(Policies.discovered()).discovery(discovery)
                    .resolver(dns.resolver()).sslContext(mail.clientSslContext()).listener(recorder).build()
                    .integrate(MailAccount.builder("alice@example.test").password("secret").build());

            ProtocolCandidate imaps = ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS,
                    "imap.example.test", mail.port(Service.IMAPS));
            assertThat(result.selected()).as(result.toString()).contains(imaps);
            List<String> events = recorder.events();
            assertThat(events.get(0)).isEqualTo("discoveryStart alice@example.test");
            int end = events.indexOf("discoveryEnd [" + imaps + "]");
            assertThat(end).as("discoveryEnd in %s", events).isPositive();
            assertThat(events.get(end + 1)).isEqualTo("integrationStart [" + imaps + "]");
            List<String> sources = events.subList(1, end);
            assertThat(sources).as("between start and end: one event per source that answered")
                    .allMatch(event -> event.startsWith("discoverySourceEnd "))
                    .contains("discoverySourceEnd autoconfig []", "discoverySourceEnd srv [" + imaps + "]")
                    .doesNotHaveDuplicates();
        }
    }

    /** Records discovery events and the integration's start as words, in the order heard. */
    private static final class Recorder implements IntegrationListener {
        private final List<String> events = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void discoveryStart(Integration integration) {
            events.add("discoveryStart " + integration.emailAddress());
        }

        @Override
        public void discoverySourceEnd(Integration integration, String source, DiscoveredHosts answer) {
            events.add("discoverySourceEnd " + source + " " + candidates(answer));
        }

        @Override
        public void discoveryEnd(Integration integration, DiscoveredHosts discovered) {
            events.add("discoveryEnd " + candidates(discovered));
        }

        @Override
        public void integrationStart(Integration integration, List<ProtocolCandidate> candidates) {
            events.add("integrationStart " + candidates);
        }

        List<String> events() {
            synchronized (events) {
                return List.copyOf(events);
            }
        }

        private static List<ProtocolCandidate> candidates(DiscoveredHosts hosts) {
            return hosts.endpoints().stream().map(Endpoint::candidate).toList();
        }
    }
}
