package org.mailintegrator.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mailintegrator.core.jakarta.JakartaMail;
import org.mailintegrator.core.spi.HostDiscovery;

/** The integrator's arguments are checked before any network I/O; a listening socket proves nothing connected. */
class IntegratorTest {
    private final MailAccount account = MailAccount.builder("alice@example.com").password("pw").build();
    private ServerSocket listener;
    private ProtocolCandidate reachable;

    @BeforeEach
    void listen() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        reachable = ProtocolCandidate.of(MailProtocol.IMAP, Security.NONE, "127.0.0.1", listener.getLocalPort());
    }

    @AfterEach
    void close() throws IOException {
        listener.close();
    }

    @Test
    void rejectsDuplicateCandidatesBeforeConnecting() throws IOException {
        Integrator integrator = Integrator.builder().policy(a -> List.of(reachable, reachable)).build();

        assertThatThrownBy(() -> integrator.integrate(account)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("twice").hasMessageContaining(reachable.toString());
        assertNothingConnected();
    }

    @Test
    void rejectsNullCandidatesAndEmptyListsBeforeConnecting() throws IOException {
        List<ProtocolCandidate> withNull = new ArrayList<>(Arrays.asList(reachable, null));

        assertThatThrownBy(() -> Integrator.builder().policy(a -> withNull).build().integrate(account))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("null candidate");
        assertThatThrownBy(() -> Integrator.builder().policy(a -> List.of()).build().integrate(account))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no candidate");
        assertThatThrownBy(() -> Integrator.builder().policy(a -> null).build().integrate(account))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("returned null");
        assertNothingConnected();
    }

    /** The same exception as integrate's, through the future, whether a discovery step runs first or not. */
    @Test
    void integrateAsyncFailsTheFutureWithTheSameExceptionOnEveryPath() throws IOException {
        HostDiscovery nothingFound = (a, context) -> DiscoveredHosts.none(a.domain());
        List<Integrator> integrators = List.of(
                Integrator.builder().policy(a -> List.of(reachable, reachable)).build(),
                Integrator.builder().policy(a -> List.of(reachable, reachable)).discovery(nothingFound).build());

        for (Integrator integrator : integrators) {
            CompletableFuture<IntegrationResult> future = integrator.integrateAsync(account);

            assertThatThrownBy(future::join).isInstanceOf(CompletionException.class)
                    .cause().isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
        }
        assertNothingConnected();
    }

    @Test
    void asksThePolicyOnceWithTheAccount() {
        PreferencePolicy policy = mock(PreferencePolicy.class);
        ProtocolCandidate refused = ProtocolCandidate.of(MailProtocol.POP3, Security.NONE, "127.0.0.1", closedPort());
        when(policy.candidates(account)).thenReturn(List.of(refused));

        IntegrationResult result = Integrator.builder().policy(policy).build().integrate(account);

        verify(policy, times(1)).candidates(account);
        assertThat(result.attempts()).extracting(Attempt::outcome).containsExactly(Outcome.REFUSED);
    }

    @Test
    void rejectsBadSettings() {
        Integrator.Builder builder = Integrator.builder();

        assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class).hasMessageContaining("policy");
        assertThatThrownBy(() -> builder.connectTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("connectTimeout");
        assertThatThrownBy(() -> builder.readTimeout(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("readTimeout");
        assertThatThrownBy(() -> builder.readTimeout(Duration.ofDays(30)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("readTimeout");
        assertThatThrownBy(() -> builder.policy(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> builder.sslContext(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void rememberingUnreachableEndpointsTakesABoundedTimeAndABoundedNumber() {
        Integrator.Builder builder = Integrator.builder().policy(a -> List.of(reachable));

        assertThatThrownBy(() -> builder.rememberUnreachable(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("forHowLong");
        assertThatThrownBy(() -> builder.rememberUnreachable(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rememberUnreachable: forHowLong must be between 1 ms and 24 hours, was PT0S");
        assertThatThrownBy(() -> builder.rememberUnreachable(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("between 1 ms and 24 hours");
        assertThatThrownBy(() -> builder.rememberUnreachable(Duration.ofNanos(999_999)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("between 1 ms and 24 hours");
        assertThatThrownBy(() -> builder.rememberUnreachable(Duration.ofHours(24).plusMillis(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("between 1 ms and 24 hours");
        assertThatThrownBy(() -> builder.rememberUnreachable(Duration.ofMinutes(5), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rememberUnreachable: maxEndpoints must be between 1 and 1000000, was 0");
        assertThatThrownBy(() -> builder.rememberUnreachable(Duration.ofMinutes(5), 1_000_001))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("between 1 and 1000000");

        assertThat(builder.rememberUnreachable(Duration.ofHours(24), 1_000_000).build()).isNotNull();
        assertThat(builder.rememberUnreachable(Duration.ofMillis(1), 1).build()).isNotNull();
    }

    @Test
    void sessionPropertiesBoundEveryStepAndRequireStartTls() {
        Integrator integrator = Integrator.builder().policy(a -> List.of(reachable))
                .connectTimeout(Duration.ofSeconds(3)).readTimeout(Duration.ofSeconds(4)).build();

        var props = JakartaMail.sessionProperties(integrator,
                ProtocolCandidate.of(MailProtocol.POP3, Security.STARTTLS, "pop.example.com", 110));

        assertThat(props.getProperty("mail.pop3.connectiontimeout")).isEqualTo("3000");
        assertThat(props.getProperty("mail.pop3.timeout")).isEqualTo("4000");
        assertThat(props.getProperty("mail.pop3.starttls.required")).isEqualTo("true");
        assertThat(props.getProperty("mail.pop3.socketFactory.fallback")).isEqualTo("false");
        assertThat(props.getProperty("mail.pop3.ssl.checkserveridentity")).isEqualTo("true");
    }

    @Test
    void openStoreRejectsAResultThatSelectedNothing() {
        Integrator integrator = Integrator.builder().policy(a -> List.of(reachable)).build();
        IntegrationResult notIntegrated = IntegrationResult.of(account.emailAddress(),
                List.of(Attempt.of(reachable, Outcome.REFUSED, Duration.ofMillis(1), "refused")), Duration.ofMillis(1));

        assertThatThrownBy(() -> JakartaMail.openStore(integrator, account, notIntegrated))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not integrated");
    }

    private void assertNothingConnected() throws IOException {
        listener.setSoTimeout(200);
        assertThatThrownBy(listener::accept).isInstanceOf(SocketTimeoutException.class);
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
