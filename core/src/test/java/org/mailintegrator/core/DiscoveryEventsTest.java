package org.mailintegrator.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mailintegrator.core.spi.DiscoveryContext;
import org.mailintegrator.core.spi.HostDiscovery;

/**
 * A listener hears discovery start, each source's answer as the discovery reports it, and its end, before the
 * integration starts; the events stay paired whatever the discovery or the listener does.
 */
class DiscoveryEventsTest {
    private static final Provenance SRV = Provenance.of(Provenance.Kind.SRV, "_imap._tcp.example.com", false);

    private final MailAccount account = MailAccount.builder("alice@example.com").password("pw").build();
    private ServerSocket closed;
    private ProtocolCandidate refused;

    @BeforeEach
    void reserveAClosedPort() throws IOException {
        closed = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        refused = ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS, "127.0.0.1", closed.getLocalPort());
        closed.close();
    }

    @AfterEach
    void close() throws IOException {
        closed.close();
    }

    @Test
    void discoveryStartsEachSourceIsHeardAndDiscoveryEndsBeforeTheIntegrationStarts() {
        DiscoveredHosts srv = DiscoveredHosts.builder("example.com").add(Endpoint.of(refused, SRV))
                .note("_imap._tcp.example.com: 1 usable SRV record").build();
        DiscoveredHosts found = DiscoveredHosts.builder("example.com").add(Endpoint.of(refused, SRV)).build();
        HostDiscovery discovery = (a, context) -> {
            context.sourceAnswered("autoconfig", DiscoveredHosts.builder("example.com").note("autoconfig: 404").build());
            context.sourceAnswered("srv", srv);
            return found;
        };
        Recorder recorder = new Recorder();

        integrator(discovery, recorder).integrate(account);

        assertThat(recorder.events).startsWith("discoveryStart alice@example.com",
                "discoverySourceEnd autoconfig [] [autoconfig: 404]",
                "discoverySourceEnd srv [" + refused + "] [_imap._tcp.example.com: 1 usable SRV record]",
                "discoveryEnd [" + refused + "]",
                "integrationStart [" + refused + "]");
        assertThat(recorder.handles).hasSize(2).allSatisfy(
                handle -> assertThat(handle.emailAddress()).isEqualTo("alice@example.com"));
        assertThat(recorder.handles.get(0).id()).as("a handle of its own").isNotEqualTo(recorder.handles.get(1).id());
    }

    @Test
    void withoutDiscoveryOrWhenTheCallerGaveTheHostsNoDiscoveryEventIsHeard() {
        Recorder recorder = new Recorder();
        HostDiscovery discovery = (a, context) -> DiscoveredHosts.none("example.com");

        integrator(null, recorder).integrate(account);
        integrator(discovery, recorder).integrate(account.toBuilder().host("127.0.0.1").build());

        assertThat(recorder.events).noneMatch(event -> event.startsWith("discovery"));
    }

    @Test
    void anAnswerToldAfterTheDiscoveryReturnedIsNotHeard() {
        AtomicReference<DiscoveryContext> kept = new AtomicReference<>();
        HostDiscovery discovery = (a, context) -> {
            kept.set(context);
            return DiscoveredHosts.none("example.com");
        };
        Recorder recorder = new Recorder();
        integrator(discovery, recorder).integrate(account);

        kept.get().sourceAnswered("late", DiscoveredHosts.none("example.com"));

        assertThat(recorder.events).noneMatch(event -> event.contains("late"));
    }

    @Test
    void aDiscoveryThatThrowsStillEndsItsEventsAndTheIntegrationThrows() {
        HostDiscovery discovery = (a, context) -> {
            throw new IllegalStateException("discovery bug");
        };
        Recorder recorder = new Recorder();

        assertThatThrownBy(() -> integrator(discovery, recorder).integrate(account))
                .isInstanceOf(IllegalStateException.class).hasMessage("discovery bug");
        assertThat(recorder.events).hasSize(2).first().isEqualTo("discoveryStart alice@example.com");
        assertThat(recorder.events.get(1)).startsWith("discoveryEnd [] [the discovery ")
                .contains("failed: java.lang.IllegalStateException: discovery bug");
    }

    @Test
    void aListenerThatThrowsFromDiscoveryEventsChangesNothing() {
        HostDiscovery discovery = (a, context) -> {
            context.sourceAnswered("srv", DiscoveredHosts.none("example.com"));
            return DiscoveredHosts.builder("example.com").add(Endpoint.of(refused, SRV)).build();
        };
        IntegrationListener throwing = new IntegrationListener() {
            @Override
            public void discoveryStart(Integration integration) {
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void discoverySourceEnd(Integration integration, String source, DiscoveredHosts answer) {
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void discoveryEnd(Integration integration, DiscoveredHosts discovered) {
                throw new IllegalStateException("listener bug");
            }
        };

        IntegrationResult result;
        // slf4j-simple writes to standard error: the warnings provoked here are checked, not printed
        PrintStream original = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            result = integrator(discovery, throwing).integrate(account);
        } finally {
            System.setErr(original);
        }

        IntegrationResult unheard = integrator(discovery, IntegrationListener.NONE).integrate(account);
        assertThat(result.attempts()).extracting(Attempt::candidate, Attempt::outcome)
                .isEqualTo(unheard.attempts().stream().map(a -> tuple(a.candidate(), a.outcome())).toList());
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("threw from discoveryStart; ignored",
                "threw from discoverySourceEnd; ignored", "threw from discoveryEnd; ignored");
    }

    private Integrator integrator(HostDiscovery discovery, IntegrationListener listener) {
        Integrator.Builder builder = Integrator.builder()
                .policy(new PreferencePolicy() {
                    @Override
                    public List<ProtocolCandidate> candidates(MailAccount a) {
                        return List.of(refused);
                    }

                    @Override
                    public List<ProtocolCandidate> candidates(MailAccount a, DiscoveredHosts discovered) {
                        return discovered.isEmpty() ? List.of(refused)
                                : discovered.endpoints().stream().map(Endpoint::candidate).toList();
                    }
                })
                .connectTimeout(Duration.ofSeconds(2))
                .listener(listener);
        return discovery == null ? builder.build() : builder.discovery(discovery).build();
    }

    /** Records the events as words, and the handles of discoveryStart and integrationStart. */
    private static final class Recorder implements IntegrationListener {
        final List<String> events = Collections.synchronizedList(new ArrayList<>());
        final List<Integration> handles = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void discoveryStart(Integration integration) {
            handles.add(integration);
            events.add("discoveryStart " + integration.emailAddress());
        }

        @Override
        public void discoverySourceEnd(Integration integration, String source, DiscoveredHosts answer) {
            events.add("discoverySourceEnd " + source + " " + candidates(answer) + " " + answer.notes());
        }

        @Override
        public void discoveryEnd(Integration integration, DiscoveredHosts discovered) {
            events.add("discoveryEnd " + candidates(discovered)
                    + (discovered.notes().isEmpty() ? "" : " " + discovered.notes()));
        }

        @Override
        public void integrationStart(Integration integration, List<ProtocolCandidate> candidates) {
            handles.add(integration);
            events.add("integrationStart " + candidates);
        }

        private static List<ProtocolCandidate> candidates(DiscoveredHosts hosts) {
            return hosts.endpoints().stream().map(Endpoint::candidate).toList();
        }
    }
}
