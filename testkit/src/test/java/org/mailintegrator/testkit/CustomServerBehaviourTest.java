package org.mailintegrator.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mailintegrator.core.Security.IMPLICIT_TLS;
import static org.mailintegrator.core.Security.STARTTLS;
import static org.mailintegrator.testkit.MailIntegratorAssertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.Security;

/**
 * Behaviours a test writes itself, without a {@link HostileBehaviour} constant: the real client against a
 * {@link HostileMailServer} that runs them over real sockets.
 */
@Timeout(value = 20, threadMode = ThreadMode.SEPARATE_THREAD)
class CustomServerBehaviourTest {
    private static final String ADDRESS = "alice@example.com";
    private static final String PASSWORD = "correct-horse-battery";
    private static final String LOCKED = "Account locked: call the help desk";

    /** Answers every login with a refusal of its own words, and notes which logins it saw. */
    private static final class LockedAccount implements ServerBehaviour {
        private final Queue<String> users = new ConcurrentLinkedQueue<>();

        @Override
        public Step login(Connection connection, Login login) throws IOException {
            users.add(login.user() + " #" + login.number() + (connection.overTls() ? " over TLS" : " in cleartext"));
            if (connection.service().protocol() == MailProtocol.IMAP) {
                connection.sendLine(login.command().tag() + " NO [ALERT] " + LOCKED);
            } else {
                connection.sendLine("-ERR " + LOCKED);
            }
            return Step.ANSWERED;
        }
    }

    @ParameterizedTest
    @EnumSource(value = Service.class, names = {"IMAP", "POP3"})
    void aLoginRefusedInTheServersOwnWordsIsAuthFailedWithThoseWords(Service service) {
        LockedAccount locked = new LockedAccount();
        try (HostileMailServer server = HostileMailServer.builder(service, locked).user(ADDRESS, PASSWORD).start()) {
            IntegrationResult result = integrator(List.of(server), STARTTLS).integrate(server.account(ADDRESS));

            assertThat(result).isNotIntegrated()
                    .hasOutcomes(Outcome.AUTH_FAILED)
                    .hasNoDetailContaining(PASSWORD)
                    .attempt(1).hasDetailContaining(LOCKED);
            assertThat(locked.users).as("the logins the behaviour answered").containsExactly(ADDRESS + " #1 over TLS");
            assertThat(server.logins()).isEqualTo(1);
            assertThat(server.receivedInCleartext(PASSWORD)).isFalse();
        }
    }

    /**
     * A refusal that says the account must first sign in on the web (Gmail's words) is classified as the provider
     * wanting OAuth2 rather than the password, not as a wrong password, so the chain moves on to the next candidate
     * even when it stops at a rejected one.
     */
    @Test
    void aCustomRefusalThatRequiresAWebLoginMovesTheChainOn() {
        ServerBehaviour webLogin = new ServerBehaviour() {
            @Override
            public boolean appliesTo(MailProtocol protocol) {
                return protocol == MailProtocol.IMAP;
            }

            @Override
            public Step login(Connection connection, Login login) throws IOException {
                connection.sendLine(login.command().tag()
                        + " NO [WEBALERT https://accounts.example/continue] Web login required.");
                return Step.ANSWERED;
            }
        };
        try (HostileMailServer first = HostileMailServer.builder(Service.IMAPS, webLogin)
                        .user(ADDRESS, PASSWORD).start();
                HostileMailServer second = HostileMailServer.builder(Service.POP3S, HostileBehaviour.HONEST)
                        .user(ADDRESS, PASSWORD).certificates(first.certificates()).start()) {
            Integrator integrator = Integrator.builder()
                    .policy(account -> List.of(first.candidate(IMPLICIT_TLS), second.candidate(IMPLICIT_TLS)))
                    .sslContext(first.clientSslContext())
                    .connectTimeout(Duration.ofSeconds(1)).readTimeout(Duration.ofSeconds(1))
                    .stopOnAuthFailure()
                    .build();

            IntegrationResult result = integrator.integrate(first.account(ADDRESS));

            assertThat(result).isIntegrated()
                    .hasOutcomes(Outcome.OAUTH_REQUIRED, Outcome.AUTHENTICATED)
                    .hasSelected(second.candidate(IMPLICIT_TLS));
            assertThat(first.serverBehaviour()).isSameAs(webLogin);
        }
    }

    /** A server that hangs up on the login without a word, after the password arrived over TLS. */
    @Test
    void anImapServerThatHangsUpOnTheLoginIsAProtocolError() {
        Service service = Service.IMAPS;
        ServerBehaviour hangUp = new ServerBehaviour() {
            @Override
            public Step login(Connection connection, Login login) {
                return Step.CLOSE;
            }
        };
        try (HostileMailServer server = HostileMailServer.builder(service, hangUp).user(ADDRESS, PASSWORD).start()) {
            IntegrationResult result = integrator(List.of(server), IMPLICIT_TLS).integrate(server.account(ADDRESS));

            assertThat(result).isNotIntegrated().hasOutcomes(Outcome.PROTOCOL_ERROR).hasNoDetailContaining(PASSWORD);
            assertThat(server.received()).as("the login arrived over TLS before the server hung up")
                    .anyMatch(command -> command.overTls() && command.line().contains(PASSWORD));
        }
    }

    /** The capabilities hook decides what is advertised, and so whether STARTTLS is accepted at all. */
    @ParameterizedTest
    @EnumSource(value = Service.class, names = {"IMAP", "POP3"})
    void capabilitiesWithoutStartTlsMakeAStartTlsCandidateTlsFailed(Service service) {
        ServerBehaviour stripped = new ServerBehaviour() {
            @Override
            public List<String> capabilities(Connection connection, List<String> standard) {
                return standard.stream().filter(name -> !name.equals("STARTTLS") && !name.equals("STLS")).toList();
            }
        };
        try (HostileMailServer server = HostileMailServer.builder(service, stripped).user(ADDRESS, PASSWORD).start()) {
            IntegrationResult result = integrator(List.of(server), STARTTLS).integrate(server.account(ADDRESS));

            assertThat(result).hasOutcomes(Outcome.TLS_FAILED);
            assertThat(server.received()).as("what the server received")
                    .noneMatch(command -> command.line().contains(PASSWORD));
        }
    }

    @Test
    void aBehaviourIsRefusedForAProtocolItDoesNotApplyTo() {
        ServerBehaviour imapOnly = new ServerBehaviour() {
            @Override
            public boolean appliesTo(MailProtocol protocol) {
                return protocol == MailProtocol.IMAP;
            }
        };
        assertThatThrownBy(() -> HostileMailServer.builder(Service.POP3, imapOnly))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("POP3");
        try (HostileMailServer server = HostileMailServer.builder(Service.IMAP, imapOnly).start()) {
            assertThat(server.serverBehaviour()).isSameAs(imapOnly);
            assertThatThrownBy(server::behaviour).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("serverBehaviour()");
        }
    }

    private static Integrator integrator(List<HostileMailServer> servers, Security security) {
        return Integrator.builder()
                .policy(account -> servers.stream().map(server -> server.candidate(security)).toList())
                .sslContext(servers.get(0).clientSslContext())
                .connectTimeout(Duration.ofSeconds(1))
                .readTimeout(Duration.ofSeconds(1))
                .build();
    }
}
