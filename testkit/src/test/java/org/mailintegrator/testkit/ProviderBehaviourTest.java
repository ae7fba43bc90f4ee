package org.mailintegrator.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailintegrator.testkit.MailIntegratorAssertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.Explanation;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.Security;

/**
 * What the library makes of each provider's and server package's answer ({@link ProviderBehaviour}): the outcome,
 * and a detail that names what it was read from (the server's wording, or a standard response code and its RFC),
 * never with the password in it.
 */
@Timeout(value = 20, threadMode = ThreadMode.SEPARATE_THREAD)
class ProviderBehaviourTest {
    private static final String ADDRESS = "alice@example.com";
    private static final String PASSWORD = "correct-horse-battery";

    static Stream<Arguments> answers() {
        return Stream.of(
                Arguments.of(ProviderBehaviour.GMAIL_WEB_LOGIN_REQUIRED, Service.IMAPS, Outcome.OAUTH_REQUIRED,
                        "Gmail's wording"),
                Arguments.of(ProviderBehaviour.GMAIL_WEB_LOGIN_REQUIRED, Service.POP3S, Outcome.OAUTH_REQUIRED,
                        "Gmail's wording"),
                Arguments.of(ProviderBehaviour.GMAIL_TOO_MANY_CONNECTIONS, Service.IMAPS, Outcome.BUSY,
                        "Gmail's wording"),
                Arguments.of(ProviderBehaviour.MICROSOFT_BASIC_AUTH_DISABLED, Service.IMAPS, Outcome.AUTH_FAILED,
                        "Microsoft 365's wording"),
                Arguments.of(ProviderBehaviour.MICROSOFT_BASIC_AUTH_DISABLED, Service.POP3S, Outcome.AUTH_FAILED,
                        "Microsoft 365's wording"),
                Arguments.of(ProviderBehaviour.MICROSOFT_THROTTLED, Service.IMAPS, Outcome.BUSY,
                        "Microsoft's wording"),
                Arguments.of(ProviderBehaviour.MICROSOFT_THROTTLED, Service.POP3S, Outcome.BUSY,
                        "Microsoft's wording"),
                Arguments.of(ProviderBehaviour.YAHOO_APP_PASSWORD_REQUIRED, Service.IMAPS, Outcome.AUTH_FAILED,
                        "[AUTHENTICATIONFAILED], RFC 5530"),
                Arguments.of(ProviderBehaviour.ICLOUD_APP_PASSWORD_REQUIRED, Service.IMAPS, Outcome.AUTH_FAILED,
                        "[AUTHENTICATIONFAILED], RFC 5530"),
                Arguments.of(ProviderBehaviour.CYRUS_LOGIN_DELAY, Service.POP3S, Outcome.BUSY,
                        "[LOGIN-DELAY], RFC 2449"),
                Arguments.of(ProviderBehaviour.COURIER_ACCESS_DISABLED, Service.IMAPS, Outcome.SERVICE_DISABLED,
                        "Courier's wording"),
                Arguments.of(ProviderBehaviour.COURIER_ACCESS_DISABLED, Service.POP3S, Outcome.SERVICE_DISABLED,
                        "Courier's wording"),
                Arguments.of(HostileBehaviour.CONNECTION_LIMIT, Service.IMAPS, Outcome.BUSY,
                        "[UNAVAILABLE], RFC 5530"),
                Arguments.of(HostileBehaviour.CONNECTION_LIMIT, Service.POP3S, Outcome.BUSY,
                        "[SYS/TEMP], RFC 3206"));
    }

    @ParameterizedTest(name = "{0} on {1}: {2}")
    @MethodSource("answers")
    void eachAnswerGetsItsOutcomeAndSaysWhatItWasReadFrom(ServerBehaviour behaviour, Service service,
            Outcome expected, String readFrom) {
        try (HostileMailServer server = start(service, behaviour)) {
            IntegrationResult result = integrator(List.of(server)).integrate(server.account(ADDRESS));

            Attempt attempt = result.attempts().get(0);
            assertThat(attempt).hasOutcome(expected);
            assertThat(attempt.detail()).contains(readFrom);
            assertThat(result).hasNoDetailContaining(PASSWORD);
        }
    }

    /** Microsoft 365 says the same to a wrong password: a rejection, with the way out since it offers OAuth2. */
    @Test
    void microsoftsRefusalNamesOAuthAsTheWayOutAndStaysARejection() {
        try (HostileMailServer server = start(Service.IMAPS, ProviderBehaviour.MICROSOFT_BASIC_AUTH_DISABLED)) {
            IntegrationResult result = integrator(List.of(server)).integrate(server.account(ADDRESS));

            assertThat(result.attempts().get(0).detail()).contains("\"AUTHENTICATE failed.\"", "XOAUTH2",
                    "sign the user in with OAuth2");
            assertThat(server.received()).as("the password went as AUTHENTICATE PLAIN, over TLS")
                    .anyMatch(command -> command.line().toUpperCase(Locale.ROOT).contains("AUTHENTICATE PLAIN"));
        }
    }

    /**
     * Cyrus's login delay is a "not now": the chain is not stopped as at a rejected password, the attempt records
     * the delay as its cause, and the detail says when to try again.
     */
    @Test
    void aLoginDelayIsBusyAndDoesNotStopTheChainAsARejectionWould() {
        try (HostileMailServer delayed = start(Service.POP3S, ProviderBehaviour.CYRUS_LOGIN_DELAY);
                HostileMailServer next = HostileMailServer.builder(Service.IMAPS, HostileBehaviour.HONEST)
                        .user(ADDRESS, PASSWORD).certificates(delayed.certificates()).start()) {
            IntegrationResult result = Integrator.builder()
                    .policy(account -> List.of(delayed.candidate(Security.IMPLICIT_TLS),
                            next.candidate(Security.IMPLICIT_TLS)))
                    .sslContext(delayed.clientSslContext())
                    .busyRetryWindow(Duration.ZERO)
                    .stopOnAuthFailure()
                    .connectTimeout(Duration.ofSeconds(1)).readTimeout(Duration.ofSeconds(1))
                    .build().integrate(delayed.account(ADDRESS));

            assertThat(result).hasOutcomes(Outcome.BUSY, Outcome.AUTHENTICATED);
            Attempt first = result.attempts().get(0);
            assertThat(first.explainedAs()).contains(Explanation.Cause.LOGIN_DELAYED);
            assertThat(first.detail()).contains("only once every 60 s", "not a rejection", "try again in 60 s");
            assertThat(result.explain()).contains("sign in only once in a while");
        }
    }

    /**
     * Cyrus without plaintext logins says before TLS that it takes no password: on a cleartext candidate neither
     * the user name nor the password crosses; with STLS the same server takes them.
     */
    @Test
    void cyrusWithoutPlaintextIsTlsRequiredBeforeAnyUserIsSentAndTakesThemAfterStls() {
        try (HostileMailServer server = start(Service.POP3, ProviderBehaviour.CYRUS_PLAINTEXT_DISALLOWED)) {
            IntegrationResult cleartext = integrator(server, Security.NONE).integrate(server.account(ADDRESS));

            assertThat(cleartext.attempts().get(0)).hasOutcome(Outcome.TLS_REQUIRED);
            assertThat(cleartext.attempts().get(0).detail()).contains("without TLS",
                    "neither the user name nor the password was sent");
            assertThat(server.received()).as("what the server received").isNotEmpty()
                    .noneMatch(command -> command.line().toUpperCase(Locale.ROOT).startsWith("USER"))
                    .noneMatch(command -> command.line().toUpperCase(Locale.ROOT).startsWith("PASS"))
                    .noneMatch(command -> command.line().contains(ADDRESS));

            IntegrationResult upgraded = integrator(server, Security.STARTTLS).integrate(server.account(ADDRESS));

            assertThat(upgraded.attempts().get(0)).hasOutcome(Outcome.AUTHENTICATED);
            assertThat(server.receivedInCleartext(PASSWORD)).isFalse();
        }
    }

    @Test
    void behavioursOfOneProtocolAreRefusedForTheOther() {
        assertThat(List.of(ProviderBehaviour.values()))
                .allMatch(behaviour -> behaviour.appliesTo(MailProtocol.IMAP) || behaviour.appliesTo(MailProtocol.POP3));
        assertThat(ProviderBehaviour.CYRUS_LOGIN_DELAY.appliesTo(MailProtocol.IMAP)).isFalse();
        assertThat(ProviderBehaviour.ICLOUD_APP_PASSWORD_REQUIRED.appliesTo(MailProtocol.POP3)).isFalse();
    }

    private static HostileMailServer start(Service service, ServerBehaviour behaviour) {
        return HostileMailServer.builder(service, behaviour).user(ADDRESS, PASSWORD).start();
    }

    private static Integrator integrator(List<HostileMailServer> servers) {
        HostileMailServer server = servers.get(0);
        return integrator(server, server.service().isTls() ? Security.IMPLICIT_TLS : Security.NONE);
    }

    private static Integrator integrator(HostileMailServer server, Security security) {
        return Integrator.builder()
                .policy(account -> List.of(server.candidate(security)))
                .sslContext(server.clientSslContext())
                .busyRetryWindow(Duration.ZERO)
                .connectTimeout(Duration.ofSeconds(1))
                .readTimeout(Duration.ofSeconds(1))
                .build();
    }
}
