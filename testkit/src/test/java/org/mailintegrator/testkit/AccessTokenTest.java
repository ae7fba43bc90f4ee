package org.mailintegrator.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailintegrator.core.Security.STARTTLS;
import static org.mailintegrator.testkit.MailIntegratorAssertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.Outcome;

/**
 * An account that carries an OAuth2 access token: the real client signs in with SASL XOAUTH2 against a
 * {@link HostileMailServer} that advertises it, and sends nothing at all to one that does not.
 */
@Timeout(value = 20, threadMode = ThreadMode.SEPARATE_THREAD)
class AccessTokenTest {
    private static final String ADDRESS = "alice@example.com";
    private static final String PASSWORD = "correct-horse-battery";
    private static final String TOKEN = "ya29.a0Af-token-Zq81";
    private static final String WRONG_TOKEN = "ya29.expired-token-Xk02";

    /** Answers SASL XOAUTH2 (in one line, with an initial response) and notes what it decoded. */
    private static final class XoauthServer implements ServerBehaviour {
        private final boolean advertise;
        private final boolean challenge;
        private final Queue<String> responses = new ConcurrentLinkedQueue<>();

        XoauthServer(boolean advertise) {
            this(advertise, false);
        }

        /**
         * {@code challenge}: a rejected token gets the JSON error as a SASL challenge first, as large providers
         * answer, and the refusal after the client's reply.
         */
        XoauthServer(boolean advertise, boolean challenge) {
            this.advertise = advertise;
            this.challenge = challenge;
        }

        @Override
        public List<String> capabilities(Connection connection, List<String> standard) {
            if (!advertise) {
                return standard;
            }
            List<String> offered = new ArrayList<>(standard);
            if (connection.service().protocol() == MailProtocol.IMAP) {
                offered.add("AUTH=XOAUTH2");
                offered.add("SASL-IR");
            } else {
                offered.add("SASL XOAUTH2");
            }
            return offered;
        }

        @Override
        public Step command(Connection connection, Command command) throws IOException {
            boolean imap = connection.service().protocol() == MailProtocol.IMAP;
            Object challenged = connection.attributes().remove("challenged");
            if (challenged != null) {
                connection.sendLine(imap ? challenged + " NO [AUTHENTICATIONFAILED] Invalid credentials"
                        : "-ERR [AUTH] Invalid credentials");
                return Step.ANSWERED;
            }
            if (!command.is(imap ? "AUTHENTICATE" : "AUTH") || command.arguments().size() != 2
                    || !command.arguments().get(0).equalsIgnoreCase("XOAUTH2")) {
                return Step.DEFAULT;
            }
            String response = new String(Base64.getDecoder().decode(command.arguments().get(1)),
                    StandardCharsets.UTF_8);
            responses.add(response);
            boolean accepted = response.equals(xoauth2(ADDRESS, TOKEN));
            if (!accepted && challenge) {
                connection.attributes().put("challenged", command.tag());
                connection.sendLine("+ " + base64("{\"status\":\"401\",\"schemes\":\"bearer\"}"));
                return Step.ANSWERED;
            }
            if (imap) {
                connection.sendLine(command.tag() + (accepted ? " OK AUTHENTICATE completed"
                        : " NO [AUTHENTICATIONFAILED] Invalid credentials"));
            } else {
                connection.sendLine(accepted ? "+OK maildrop ready" : "-ERR [AUTH] Invalid credentials");
            }
            return Step.ANSWERED;
        }
    }

    private static String xoauth2(String user, String token) {
        return "user=" + user + "\1auth=Bearer " + token + "\1\1";
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static MailAccount tokenAccount(HostileMailServer server, String token) {
        return MailAccount.builder(ADDRESS).accessToken(token).host(server.host()).build();
    }

    @ParameterizedTest
    @EnumSource(value = Service.class, names = {"IMAP", "POP3"})
    void aServerThatAdvertisesXoauth2AcceptsTheToken(Service service) {
        XoauthServer behaviour = new XoauthServer(true);
        try (HostileMailServer server = HostileMailServer.builder(service, behaviour).user(ADDRESS, PASSWORD).start()) {
            IntegrationResult result = integrator(server).integrate(tokenAccount(server, TOKEN));

            assertThat(result).isIntegrated().hasOutcomes(Outcome.AUTHENTICATED).hasNoDetailContaining(TOKEN);
            assertThat(behaviour.responses).containsExactly(xoauth2(ADDRESS, TOKEN));
            assertThat(server.logins()).as("no LOGIN or USER/PASS").isZero();
            assertThat(server.received()).as("the token went over TLS only")
                    .filteredOn(command -> command.line().contains(base64(xoauth2(ADDRESS, TOKEN))))
                    .isNotEmpty().allMatch(ReceivedCommand::overTls);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Service.class, names = {"IMAP", "POP3"})
    void aServerWithoutXoauth2NeverReceivesTheToken(Service service) {
        XoauthServer behaviour = new XoauthServer(false);
        try (HostileMailServer server = HostileMailServer.builder(service, behaviour).user(ADDRESS, PASSWORD).start()) {
            IntegrationResult result = integrator(server).integrate(tokenAccount(server, TOKEN));

            assertThat(result).isNotIntegrated().hasOutcomes(Outcome.OAUTH_NOT_OFFERED).hasNoDetailContaining(TOKEN)
                    .attempt(1).hasDetailContaining("offers no OAuth2 sign-in (neither OAUTHBEARER nor XOAUTH2), so "
                            + "the access token was not sent");
            assertThat(behaviour.responses).isEmpty();
            assertThat(server.logins()).as("no LOGIN or USER/PASS").isZero();
            assertThat(server.received()).as("what the server received").noneMatch(command -> {
                String line = command.line().toUpperCase(Locale.ROOT);
                return line.contains("LOGIN ") || line.contains("AUTHENTICATE") || line.startsWith("AUTH")
                        || line.startsWith("USER") || line.startsWith("PASS");
            }).noneMatch(command -> command.line().contains(TOKEN)
                    || command.line().contains(base64(TOKEN))
                    || command.line().contains(base64(xoauth2(ADDRESS, TOKEN))));
            assertThat(server.receivedInCleartext(TOKEN)).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Service.class, names = {"IMAP", "POP3"})
    void aRejectedTokenIsTokenRejectedWithoutTheTokenInTheDetail(Service service) {
        XoauthServer behaviour = new XoauthServer(true);
        try (HostileMailServer server = HostileMailServer.builder(service, behaviour).user(ADDRESS, PASSWORD).start()) {
            IntegrationResult result = integrator(server).integrate(tokenAccount(server, WRONG_TOKEN));

            assertThat(result).isNotIntegrated().hasOutcomes(Outcome.TOKEN_REJECTED)
                    .hasNoDetailContaining(WRONG_TOKEN)
                    .hasNoDetailContaining(base64(xoauth2(ADDRESS, WRONG_TOKEN)))
                    .attempt(1).hasDetailContaining("rejected the access token (XOAUTH2)")
                    .hasDetailContaining("get a new one");
            assertThat(behaviour.responses).containsExactly(xoauth2(ADDRESS, WRONG_TOKEN));
            assertThat(server.logins()).as("no LOGIN or USER/PASS").isZero();
        }
    }

    /** The JSON error challenge of a rejected token, as large providers send it, is still a rejected token. */
    @ParameterizedTest
    @EnumSource(value = Service.class, names = {"IMAP", "POP3"})
    void aTokenRejectedWithAJsonChallengeIsTokenRejectedWithTheStatusDecoded(Service service) {
        XoauthServer behaviour = new XoauthServer(true, true);
        try (HostileMailServer server = HostileMailServer.builder(service, behaviour).user(ADDRESS, PASSWORD).start()) {
            IntegrationResult result = integrator(server).integrate(tokenAccount(server, WRONG_TOKEN));

            assertThat(result).isNotIntegrated().hasOutcomes(Outcome.TOKEN_REJECTED)
                    .hasNoDetailContaining(WRONG_TOKEN)
                    .hasNoDetailContaining(base64(xoauth2(ADDRESS, WRONG_TOKEN)))
                    .attempt(1).hasDetailContaining("Invalid credentials").hasDetailContaining("(status 401)");
            assertThat(server.logins()).as("no LOGIN or USER/PASS").isZero();
        }
    }

    private static Integrator integrator(HostileMailServer server) {
        return Integrator.builder()
                .policy(account -> List.of(server.candidate(STARTTLS)))
                .sslContext(server.clientSslContext())
                .connectTimeout(Duration.ofSeconds(1))
                .readTimeout(Duration.ofSeconds(1))
                .build();
    }
}
