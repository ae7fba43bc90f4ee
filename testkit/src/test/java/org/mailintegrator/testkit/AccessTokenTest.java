package org.mailintegrator.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailintegrator.testkit.MailIntegratorAssertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.mailintegrator.core.AccessTokenSource;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.Security;
import org.mailintegrator.testkit.OAuthServerBehaviour.Refusal;
import org.mailintegrator.testkit.OAuthServerBehaviour.SignIn;

/**
 * Accounts that carry OAuth2 access tokens, against servers that sign in with them as large providers do
 * ({@link OAuthServerBehaviour}): both mechanisms on both protocols and their framings, refusals in Gmail's and
 * Microsoft's words, a token source that refreshes, and a server that offers no OAuth2 (the token is never sent).
 */
@Timeout(value = 30, threadMode = ThreadMode.SEPARATE_THREAD)
class AccessTokenTest {
    private static final String ADDRESS = "alice@example.com";
    private static final String PASSWORD = "correct-horse-battery";
    private static final String TOKEN = "ya29.a0Af-token-Zq81";
    private static final String WRONG_TOKEN = "ya29.expired-token-Xk02";

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"IMAPS, OAUTHBEARER", "IMAPS, XOAUTH2", "IMAP, OAUTHBEARER", "IMAP, XOAUTH2",
        "POP3S, OAUTHBEARER", "POP3S, XOAUTH2", "POP3, OAUTHBEARER", "POP3, XOAUTH2"})
    void eachMechanismSignsInOnEachProtocol(Service service, String mechanism) {
        OAuthServerBehaviour oauth = OAuthServerBehaviour.accepting(ADDRESS, TOKEN).mechanisms(mechanism);
        try (HostileMailServer server = HostileMailServer.builder(service, oauth).start()) {
            IntegrationResult result = integrator(server, service).integrate(account(server, TOKEN));

            assertThat(result).isIntegrated().hasOutcomes(Outcome.AUTHENTICATED).hasNoDetailContaining(TOKEN);
            assertThat(oauth.signIns()).extracting(SignIn::mechanism, SignIn::user, SignIn::token, SignIn::overTls)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(mechanism, ADDRESS, TOKEN, true));
            assertNoPasswordCommand(server);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Service.class, names = {"IMAPS", "POP3S"})
    void theStandardMechanismIsPreferredWhenBothAreOffered(Service service) {
        OAuthServerBehaviour oauth = OAuthServerBehaviour.accepting(ADDRESS, TOKEN);
        try (HostileMailServer server = HostileMailServer.builder(service, oauth).start()) {
            assertThat(integrator(server, service).integrate(account(server, TOKEN))).isIntegrated();

            assertThat(oauth.signIns()).extracting(SignIn::mechanism).containsExactly("OAUTHBEARER");
        }
    }

    /** IMAP sends the initial response in the command only where SASL-IR is advertised. */
    @ParameterizedTest
    @CsvSource({"true, true", "false, false"})
    void imapUsesSaslIrOnlyWhenOffered(boolean offered, boolean inCommand) {
        OAuthServerBehaviour oauth = OAuthServerBehaviour.accepting(ADDRESS, TOKEN);
        if (!offered) {
            oauth.withoutSaslIr();
        }
        try (HostileMailServer server = HostileMailServer.builder(Service.IMAPS, oauth).start()) {
            assertThat(integrator(server, Service.IMAPS).integrate(account(server, TOKEN))).isIntegrated();

            assertThat(oauth.signIns()).extracting(SignIn::initialInCommand).containsExactly(inCommand);
        }
    }

    /**
     * POP3's AUTH line may not pass 255 octets (RFC 5034): a long token, as Microsoft issues, goes on a line of its
     * own after the server's empty challenge, the form Microsoft's POP3 requires.
     */
    @ParameterizedTest
    @CsvSource({"20, true", "1500, false"})
    void pop3PutsALongTokenOnALineOfItsOwn(int length, boolean inCommand) {
        String token = "EwB4A8l6BAAU".repeat(length / 12 + 1).substring(0, length);
        OAuthServerBehaviour oauth = OAuthServerBehaviour.accepting(ADDRESS, token).mechanisms("XOAUTH2");
        try (HostileMailServer server = HostileMailServer.builder(Service.POP3S, oauth).start()) {
            IntegrationResult result = integrator(server, Service.POP3S).integrate(account(server, token));

            assertThat(result).isIntegrated();
            assertThat(oauth.signIns()).extracting(SignIn::initialInCommand).containsExactly(inCommand);
            assertThat(server.received()).allMatch(command -> command.line().length() <= 2048 || !inCommand);
            if (!inCommand) {
                assertThat(server.received()).extracting(ReceivedCommand::line).contains("AUTH XOAUTH2");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Service.class, names = {"IMAP", "IMAPS", "POP3", "POP3S"})
    void aServerWithoutOAuthNeverReceivesTheToken(Service service) {
        OAuthServerBehaviour none = OAuthServerBehaviour.accepting(ADDRESS, TOKEN).mechanisms();
        try (HostileMailServer server = HostileMailServer.builder(service, none).user(ADDRESS, TOKEN).start()) {
            IntegrationResult result = integrator(server, service).integrate(account(server, TOKEN));

            assertThat(result).isNotIntegrated().hasOutcomes(Outcome.OAUTH_NOT_OFFERED).hasNoDetailContaining(TOKEN)
                    .attempt(1).hasDetailContaining("offers no OAuth2 sign-in").hasDetailContaining("was not sent");
            assertThat(none.signIns()).isEmpty();
            assertNoPasswordCommand(server);
            assertThat(server.received()).noneMatch(command -> command.line().toUpperCase(Locale.ROOT).startsWith("AUTH")
                    || command.line().toUpperCase(Locale.ROOT).contains(" AUTHENTICATE"))
                    .noneMatch(command -> command.line().contains(TOKEN) || command.line().contains(base64(TOKEN)));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Service.class, names = {"IMAPS", "POP3S"})
    void gmailsJsonRefusalIsDecodedIntoTheDetail(Service service) {
        OAuthServerBehaviour oauth = OAuthServerBehaviour.accepting(ADDRESS, TOKEN).refusing(Refusal.GMAIL);
        try (HostileMailServer server = HostileMailServer.builder(service, oauth).start()) {
            IntegrationResult result = integrator(server, service).integrate(account(server, WRONG_TOKEN));

            assertThat(result).isNotIntegrated().hasOutcomes(Outcome.TOKEN_REJECTED)
                    .hasNoDetailContaining(WRONG_TOKEN).attempt(1)
                    .hasDetailContaining("rejected the access token (OAUTHBEARER)")
                    .hasDetailContaining("Invalid credentials")
                    .hasDetailContaining("(status 401, scope https://mail.google.com/)")
                    .hasDetailContaining("get a new one");
            assertThat(result.toString()).doesNotContain(WRONG_TOKEN);
            assertThat(oauth.signIns()).hasSize(1);
            assertThat(server.received()).as("the client answered the error challenge with %x01, never the token")
                    .extracting(ReceivedCommand::line).contains("AQ==");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Service.class, names = {"IMAPS", "POP3S"})
    void microsoftsRefusalIsARejectedToken(Service service) {
        OAuthServerBehaviour oauth = OAuthServerBehaviour.accepting(ADDRESS, TOKEN).mechanisms("XOAUTH2")
                .refusing(Refusal.MICROSOFT);
        try (HostileMailServer server = HostileMailServer.builder(service, oauth).start()) {
            IntegrationResult result = integrator(server, service).integrate(account(server, WRONG_TOKEN));

            assertThat(result).hasOutcomes(Outcome.TOKEN_REJECTED).hasNoDetailContaining(WRONG_TOKEN).attempt(1)
                    .hasDetailContaining("rejected the access token (XOAUTH2)");
        }
    }

    /** The source is asked once; after a rejection once more, and the refreshed token goes to the same server. */
    @ParameterizedTest
    @EnumSource(value = Service.class, names = {"IMAPS", "POP3S"})
    void aTokenSourceRefreshesARejectedToken(Service service) {
        OAuthServerBehaviour oauth = OAuthServerBehaviour.accepting(ADDRESS, TOKEN);
        CountingSource source = new CountingSource(WRONG_TOKEN, TOKEN);
        try (HostileMailServer server = HostileMailServer.builder(service, oauth).start()) {
            MailAccount account = MailAccount.builder(ADDRESS).accessTokenSource(source).host(server.host()).build();

            IntegrationResult result = integrator(server, service).integrate(account);

            assertThat(result).isIntegrated().hasOutcomes(Outcome.AUTHENTICATED).hasNoDetailContaining(TOKEN)
                    .hasNoDetailContaining(WRONG_TOKEN);
            assertThat(oauth.signIns()).extracting(SignIn::token).containsExactly(WRONG_TOKEN, TOKEN);
            assertThat(source.calls).hasValue(1);
            assertThat(source.refreshes).hasValue(1);
        }
    }

    /** Tokens go to one candidate at a time, and the source is asked to refresh once per integration. */
    @ParameterizedTest
    @EnumSource(value = Refusal.class)
    void aRefreshThatDoesNotHelpIsAskedForOnceAndTheChainMovesOn(Refusal refusal) {
        OAuthServerBehaviour imap = OAuthServerBehaviour.accepting(ADDRESS, TOKEN).refusing(refusal);
        OAuthServerBehaviour pop = OAuthServerBehaviour.accepting(ADDRESS, TOKEN).refusing(refusal);
        CountingSource source = new CountingSource(WRONG_TOKEN, WRONG_TOKEN + "-2");
        TestCertificates certificates = TestCertificates.forHosts("127.0.0.1");
        try (HostileMailServer imaps = HostileMailServer.builder(Service.IMAPS, imap).certificates(certificates).start();
                HostileMailServer pop3s = HostileMailServer.builder(Service.POP3S, pop).certificates(certificates)
                        .start()) {
            Integrator integrator = Integrator.builder()
                    .policy(account -> List.of(imaps.candidate(Service.IMAPS.security()),
                            pop3s.candidate(Service.POP3S.security())))
                    .sslContext(imaps.clientSslContext())
                    .connectTimeout(Duration.ofSeconds(2)).readTimeout(Duration.ofSeconds(2))
                    .build();
            MailAccount account = MailAccount.builder(ADDRESS).accessTokenSource(source).host(imaps.host()).build();

            IntegrationResult result = integrator.integrate(account);

            assertThat(result).hasOutcomes(Outcome.TOKEN_REJECTED, Outcome.TOKEN_REJECTED)
                    .hasNoDetailContaining(WRONG_TOKEN).attempt(1)
                    .hasDetailContaining("had already given a refreshed token");
            assertThat(imap.signIns()).extracting(SignIn::token).containsExactly(WRONG_TOKEN, WRONG_TOKEN + "-2");
            assertThat(pop.signIns()).extracting(SignIn::token).containsExactly(WRONG_TOKEN + "-2");
            assertThat(source.refreshes).hasValue(1);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Service.class, names = {"IMAPS", "POP3S"})
    void aTokenSourceWithoutATokenEndsTheIntegrationBeforeAnyConnection(Service service) {
        OAuthServerBehaviour oauth = OAuthServerBehaviour.accepting(ADDRESS, TOKEN);
        try (HostileMailServer server = HostileMailServer.builder(service, oauth).start()) {
            MailAccount account = MailAccount.builder(ADDRESS).accessTokenSource(() -> {
                throw new IOException("invalid_grant: the refresh token has expired");
            }).host(server.host()).build();

            IntegrationResult result = integrator(server, service).integrate(account);

            assertThat(result).isNotIntegrated().hasOutcomes(Outcome.SKIPPED).attempt(1)
                    .hasDetailContaining("access token source gave no token (invalid_grant: the refresh token "
                            + "has expired); no connection was made");
            assertThat(server.received()).isEmpty();
        }
    }

    /** Over TLS, IMAP offers only OAuth2 and LOGINDISABLED: the password stays with the client. */
    @ParameterizedTest
    @EnumSource(value = Service.class, names = {"IMAP", "IMAPS"})
    void aPasswordIsNotSentToAnImapServerThatOffersOnlyOAuth(Service service) {
        OAuthServerBehaviour oauthOnly = OAuthServerBehaviour.accepting(ADDRESS, TOKEN).oauthOnly();
        try (HostileMailServer server = HostileMailServer.builder(service, oauthOnly).user(ADDRESS, PASSWORD)
                .start()) {
            IntegrationResult result = integrator(server, service).integrate(server.account(ADDRESS));

            assertThat(result).hasOutcomes(Outcome.OAUTH_REQUIRED).attempt(1)
                    .hasDetailContaining("offers only OAuth2 sign-in (AUTH=OAUTHBEARER AUTH=XOAUTH2)")
                    .hasDetailContaining("the password was not sent");
            assertThat(server.logins()).isZero();
            assertThat(server.received()).noneMatch(command -> command.line().contains(PASSWORD));
        }
    }

    @ParameterizedTest
    @CsvSource({"IMAPS, BASIC_AUTH_DISABLED, OAUTH_REQUIRED", "POP3S, BASIC_AUTH_DISABLED, OAUTH_REQUIRED",
        "IMAPS, APP_PASSWORD_REQUIRED, APP_PASSWORD_REQUIRED", "POP3S, APP_PASSWORD_REQUIRED, APP_PASSWORD_REQUIRED"})
    void aPasswordRefusedForWhatItIsNotIsNotAWrongPassword(Service service, HostileBehaviour behaviour,
            Outcome outcome) {
        try (HostileMailServer server = HostileMailServer.builder(service, behaviour).user(ADDRESS, PASSWORD).start()) {
            IntegrationResult result = integrator(server, service).integrate(server.account(ADDRESS));

            assertThat(result).hasOutcomes(outcome).hasNoDetailContaining(PASSWORD);
            Attempt attempt = result.attempts().get(0);
            assertThat(attempt.detail()).contains(outcome == Outcome.OAUTH_REQUIRED
                    ? "sign the user in with OAuth2" : "creates an app password");
        }
    }

    /**
     * A POP3 server whose SASL line (over TLS) offers only OAuth2 gets no password either, even while it lists
     * {@code USER}, as Dovecot does.
     */
    @org.junit.jupiter.api.Test
    void aPasswordIsNotSentToAPop3ServerThatOffersOnlyOAuth() {
        OAuthServerBehaviour oauthOnly = OAuthServerBehaviour.accepting(ADDRESS, TOKEN).oauthOnly();
        ServerBehaviour listingUser = new ServerBehaviour() {
            @Override
            public List<String> capabilities(Connection connection, List<String> standard) {
                List<String> offered = new java.util.ArrayList<>(oauthOnly.capabilities(connection, standard));
                offered.add("USER");
                return offered;
            }
        };
        for (ServerBehaviour behaviour : List.of(oauthOnly, listingUser)) {
            try (HostileMailServer server = HostileMailServer.builder(Service.POP3S, behaviour).user(ADDRESS, PASSWORD)
                    .start()) {
                IntegrationResult result = integrator(server, Service.POP3S).integrate(server.account(ADDRESS));

                assertThat(result).hasOutcomes(Outcome.OAUTH_REQUIRED).attempt(1)
                        .hasDetailContaining("offers only OAuth2 sign-in (SASL OAUTHBEARER XOAUTH2)")
                        .hasDetailContaining("the password was not sent");
                assertThat(server.logins()).isZero();
                assertThat(server.received()).noneMatch(command -> command.line().contains(PASSWORD)
                        || command.line().startsWith("USER") || command.line().startsWith("PASS"));
            }
        }
    }

    private static final class CountingSource implements AccessTokenSource {
        private final String first;
        private final String refreshed;
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger refreshes = new AtomicInteger();

        CountingSource(String first, String refreshed) {
            this.first = first;
            this.refreshed = refreshed;
        }

        @Override
        public String accessToken() {
            calls.incrementAndGet();
            return first;
        }

        @Override
        public String refreshedAccessToken() {
            refreshes.incrementAndGet();
            return refreshed;
        }
    }

    private static void assertNoPasswordCommand(HostileMailServer server) {
        assertThat(server.logins()).as("no LOGIN or USER/PASS").isZero();
        assertThat(server.received()).noneMatch(command -> command.line().toUpperCase(Locale.ROOT)
                .matches("(\\S+ LOGIN|USER|PASS) .*"));
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static MailAccount account(HostileMailServer server, String token) {
        return MailAccount.builder(ADDRESS).accessToken(token).host(server.host()).build();
    }

    private static Integrator integrator(HostileMailServer server, Service service) {
        return Integrator.builder()
                .policy(account -> List.of(server.candidate(
                        service.security() == Security.NONE ? Security.STARTTLS : service.security())))
                .sslContext(server.clientSslContext())
                .connectTimeout(Duration.ofSeconds(2))
                .readTimeout(Duration.ofSeconds(2))
                .build();
    }
}
