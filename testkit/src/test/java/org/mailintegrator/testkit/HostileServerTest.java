package org.mailintegrator.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailintegrator.core.Security.IMPLICIT_TLS;
import static org.mailintegrator.core.Security.NONE;
import static org.mailintegrator.core.Security.STARTTLS;
import static org.mailintegrator.testkit.MailIntegratorAssertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;

/**
 * The client against servers that misbehave, after the test classes of "Why TLS is better without STARTTLS" (USENIX
 * Security 2021) and the refusals real providers send. Each test asserts the client's outcome and what the server
 * received: above all, whether and how the password reached it.
 */
@Timeout(value = 20, threadMode = ThreadMode.SEPARATE_THREAD)
class HostileServerTest {
    private static final String ADDRESS = "alice@example.com";
    private static final String PASSWORD = "correct-horse-battery";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(1);

    @ParameterizedTest
    @EnumSource(value = Service.class, names = {"IMAP", "POP3"})
    void anHonestServerAuthenticatesAStartTlsCandidateAndGetsThePasswordOnlyOverTls(Service service) {
        try (HostileMailServer server = start(service, HostileBehaviour.HONEST)) {
            IntegrationResult result = tryOnly(server, STARTTLS);

            assertThat(attempt(result)).hasOutcome(Outcome.AUTHENTICATED);
            assertThat(server.received()).as("what the server received")
                    .anyMatch(command -> !command.overTls() && isStartTls(command))
                    .anyMatch(command -> command.overTls() && command.line().contains(PASSWORD));
            assertThat(server.receivedInCleartext(PASSWORD)).isFalse();
        }
    }

    // STARTTLS stripped, refused, answered strangely

    @ParameterizedTest
    @EnumSource(value = Service.class, names = {"IMAP", "POP3"})
    void aStrippedStartTlsIsTlsFailedAndThePasswordIsNeverSent(Service service) {
        try (HostileMailServer server = start(service, HostileBehaviour.STARTTLS_STRIPPED)) {
            IntegrationResult result = tryOnly(server, STARTTLS);

            assertThat(attempt(result)).hasOutcome(Outcome.TLS_FAILED);
            assertThat(server.received()).as("what the server received").isNotEmpty().noneMatch(HostileServerTest::carriesPassword);
            assertNoPasswordIn(result);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Service.class, names = {"IMAP", "POP3"})
    void aStartTlsRefusedWithNoOrErrIsTlsFailedAndThePasswordIsNeverSent(Service service) {
        try (HostileMailServer server = start(service, HostileBehaviour.STARTTLS_REFUSED)) {
            IntegrationResult result = tryOnly(server, STARTTLS);

            assertThat(attempt(result)).hasOutcome(Outcome.TLS_FAILED);
            assertThat(server.received()).as("what the server received")
                    .anyMatch(HostileServerTest::isStartTls).noneMatch(HostileServerTest::carriesPassword);
        }
    }

    @Test
    void aStartTlsAnsweredBadIsTlsFailedAndThePasswordIsNeverSent() {
        try (HostileMailServer server = start(Service.IMAP, HostileBehaviour.STARTTLS_BAD)) {
            IntegrationResult result = tryOnly(server, STARTTLS);

            assertThat(attempt(result)).hasOutcome(Outcome.TLS_FAILED);
            assertThat(server.received()).as("what the server received")
                    .anyMatch(HostileServerTest::isStartTls).noneMatch(HostileServerTest::carriesPassword);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Service.class, names = {"IMAP", "POP3"})
    void aStartTlsAnsweredWithSilenceEndsWithinTheReadTimeoutAndThePasswordIsNeverSent(Service service) {
        try (HostileMailServer server = start(service, HostileBehaviour.STARTTLS_SILENCE)) {
            IntegrationResult result = tryOnly(server, STARTTLS);

            Attempt attempt = attempt(result);
            assertThat(attempt).hasOutcomeIn(Outcome.TLS_FAILED, Outcome.TIMED_OUT);
            assertThat(attempt.elapsed()).isLessThan(READ_TIMEOUT.plusSeconds(1));
            assertThat(server.received()).as("what the server received")
                    .anyMatch(HostileServerTest::isStartTls).noneMatch(HostileServerTest::carriesPassword);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Service.class, names = {"IMAP", "POP3"})
    void aStartTlsAnsweredWithJunkInsteadOfAHandshakeIsTlsFailedAndThePasswordIsNeverSent(Service service) {
        try (HostileMailServer server = start(service, HostileBehaviour.STARTTLS_JUNK)) {
            IntegrationResult result = tryOnly(server, STARTTLS);

            assertThat(attempt(result)).hasOutcome(Outcome.TLS_FAILED);
            assertThat(server.received()).as("what the server received").noneMatch(HostileServerTest::carriesPassword);
        }
    }

    // PREAUTH

    @Test
    void aPreauthGreetingWithoutStartTlsMakesAStartTlsCandidateTlsFailed() {
        try (HostileMailServer server = start(Service.IMAP, HostileBehaviour.PREAUTH)) {
            IntegrationResult result = tryOnly(server, STARTTLS);

            assertThat(attempt(result)).hasOutcome(Outcome.TLS_FAILED);
            assertThat(server.received()).as("what the server received").noneMatch(HostileServerTest::carriesPassword);
        }
    }

    /**
     * A man in the middle replaces the greeting with {@code PREAUTH} and passes the rest through to the real server:
     * the upgrade then happens for real, but nobody was ever authenticated. The candidate must not be reported as
     * authenticated, whatever its password (here a wrong one).
     */
    @Test
    void aForgedPreauthGreetingDoesNotMakeAStartTlsCandidateAuthenticated() {
        try (HostileMailServer server = start(Service.IMAP, HostileBehaviour.PREAUTH_THEN_STARTTLS)) {
            IntegrationResult result = integrator(server, STARTTLS)
                    .integrate(server.account(ADDRESS).toBuilder().password("a-wrong-password").build());

            assertThat(attempt(result)).hasOutcome(Outcome.TLS_FAILED);
            assertThat(server.received()).as("what the server received")
                    .noneMatch(command -> command.line().contains("a-wrong-password"));
        }
    }

    /**
     * On implicit TLS a {@code PREAUTH} greeting is legitimate (the server authenticated the client by other means),
     * and the library accepts it: the candidate is {@link Outcome#AUTHENTICATED} although the password was never sent
     * nor checked.
     */
    @Test
    void aPreauthGreetingOnImplicitTlsIsAcceptedWithoutThePasswordBeingSent() {
        try (HostileMailServer server = start(Service.IMAPS, HostileBehaviour.PREAUTH)) {
            IntegrationResult result = tryOnly(server, IMPLICIT_TLS);

            assertThat(attempt(result)).hasOutcome(Outcome.AUTHENTICATED);
            assertThat(server.received()).as("what the server received").noneMatch(HostileServerTest::carriesPassword)
                    .noneMatch(command -> command.line().toUpperCase(Locale.ROOT).contains(" LOGIN "));
        }
    }

    // response injection and untrusted pre-TLS data

    @ParameterizedTest
    @EnumSource(value = Service.class, names = {"IMAP", "POP3"})
    void responsesInjectedAfterTheStartTlsAnswerAreNeverTakenAsTheServersAnswers(Service service) {
        try (HostileMailServer server = start(service, HostileBehaviour.RESPONSE_INJECTION)) {
            IntegrationResult result = tryOnly(server, STARTTLS);

            Attempt attempt = attempt(result);
            assertThat(attempt).hasOutcomeIn(Outcome.AUTHENTICATED, Outcome.TLS_FAILED);
            assertThat(server.receivedInCleartext(PASSWORD)).isFalse();
            assertThat(server.received()).as("what the server received").noneMatch(HostileServerTest::isSaslCommand);
            if (attempt.outcome() == Outcome.AUTHENTICATED) {
                assertThat(server.received()).as("capabilities read again after TLS, and the login sent over TLS")
                        .anyMatch(command -> command.overTls() && isCapabilityRequest(command))
                        .anyMatch(command -> command.overTls() && command.line().contains(PASSWORD));
            }
        }
    }

    @Test
    void capabilitiesAndAlertsSentBeforeTlsAreReplacedByTheOnesAfterIt() {
        try (HostileMailServer server = start(Service.IMAP, HostileBehaviour.UNTRUSTED_PRE_TLS_DATA)) {
            IntegrationResult result = tryOnly(server, STARTTLS);

            // before TLS: LOGINDISABLED and AUTH=PLAIN; after it: plain LOGIN only
            assertThat(attempt(result)).hasOutcome(Outcome.AUTHENTICATED);
            assertThat(server.received()).as("what the server received")
                    .anyMatch(command -> command.overTls() && isCapabilityRequest(command))
                    .anyMatch(command -> command.overTls() && command.line().contains(" LOGIN ")
                            && command.line().contains(PASSWORD))
                    .noneMatch(HostileServerTest::isSaslCommand);
            assertThat(server.receivedInCleartext(PASSWORD)).isFalse();
            assertThat(attempt(result).detail()).doesNotContain("evil.example");
        }
    }

    /**
     * The POP3 server offers {@code PIPELINING} before TLS only. A client that kept it sends {@code PASS} without
     * waiting for the answer to {@code USER}, which this server answers {@code -ERR}.
     */
    @Test
    void aPop3CapabilityOfferedBeforeTlsIsNotUsedAfterIt() {
        try (HostileMailServer server = start(Service.POP3, HostileBehaviour.UNTRUSTED_PRE_TLS_DATA)) {
            IntegrationResult result = tryOnly(server, STARTTLS);

            assertThat(attempt(result)).hasOutcome(Outcome.AUTHENTICATED);
            assertThat(server.received()).as("what the server received")
                    .anyMatch(command -> command.overTls() && isCapabilityRequest(command))
                    .noneMatch(HostileServerTest::isSaslCommand);
            assertThat(server.receivedInCleartext(PASSWORD)).isFalse();
        }
    }

    // referrals

    @Test
    void aLoginReferralIsNotFollowed() {
        try (HostileMailServer elsewhere = start(Service.IMAPS, HostileBehaviour.HONEST);
                HostileMailServer server = HostileMailServer.builder(Service.IMAPS, HostileBehaviour.LOGIN_REFERRAL)
                        .user(ADDRESS, PASSWORD).certificates(elsewhere.certificates())
                        .referral("imap://alice%40example.com@127.0.0.1:" + elsewhere.port() + "/").start()) {
            IntegrationResult result = tryOnly(server, IMPLICIT_TLS);

            assertThat(attempt(result).outcome()).as(attempt(result).toString()).isNotEqualTo(Outcome.AUTHENTICATED);
            assertThat(elsewhere.connections()).as("connections to the server the referral names").isZero();
            assertThat(server.connections()).isEqualTo(1);
            assertNoPasswordIn(result);
        }
    }

    // servers that refuse a cleartext login

    @Test
    void loginDisabledOnACleartextCandidateIsTlsRequiredAndThePasswordIsNeverSent() {
        try (HostileMailServer server = start(Service.IMAP, HostileBehaviour.LOGINDISABLED)) {
            IntegrationResult result = tryOnly(server, NONE);

            assertThat(attempt(result)).hasOutcome(Outcome.TLS_REQUIRED);
            assertThat(server.received()).as("what the server received").isNotEmpty().noneMatch(HostileServerTest::carriesPassword);
        }
    }

    @Test
    void loginDisabledBeforeTlsDoesNotStopAStartTlsCandidate() {
        try (HostileMailServer server = start(Service.IMAP, HostileBehaviour.LOGINDISABLED)) {
            IntegrationResult result = tryOnly(server, STARTTLS);

            assertThat(attempt(result)).hasOutcome(Outcome.AUTHENTICATED);
            assertThat(server.receivedInCleartext(PASSWORD)).isFalse();
        }
    }

    /**
     * {@code [PRIVACYREQUIRED]} answers the {@code LOGIN} command, so on a cleartext candidate the password has
     * already crossed the network in cleartext when the client learns that TLS is required: the outcome says why,
     * the server's record shows the cost.
     */
    @Test
    void privacyRequiredIsTlsRequiredThoughThePasswordHadAlreadyBeenSentInCleartext() {
        try (HostileMailServer server = start(Service.IMAP, HostileBehaviour.PRIVACY_REQUIRED)) {
            IntegrationResult result = tryOnly(server, NONE);

            assertThat(attempt(result)).hasOutcome(Outcome.TLS_REQUIRED);
            assertThat(server.receivedInCleartext(PASSWORD)).as("the password went out with LOGIN").isTrue();
            assertNoPasswordIn(result);
        }
    }

    @Test
    void aPop3ServerRefusingUserWithoutTlsIsTlsRequiredAndPassIsNeverSent() {
        try (HostileMailServer server = start(Service.POP3, HostileBehaviour.PLAINTEXT_AUTH_DISALLOWED)) {
            IntegrationResult result = tryOnly(server, NONE);

            assertThat(attempt(result)).hasOutcome(Outcome.TLS_REQUIRED);
            assertThat(server.received()).as("what the server received")
                    .anyMatch(command -> command.line().startsWith("USER "))
                    .noneMatch(command -> command.line().toUpperCase(Locale.ROOT).startsWith("PASS"))
                    .noneMatch(HostileServerTest::carriesPassword);
        }
    }

    // SASL mechanisms the library does not use

    /**
     * A server that offers only NTLM before TLS: no NTLM exchange happens (a captured one can be cracked offline),
     * and since no other password login is offered there, the candidate is TLS_REQUIRED before any credential, the
     * user name included, is sent.
     */
    @ParameterizedTest
    @EnumSource(value = Service.class, names = {"IMAP", "POP3"})
    void aServerOfferingOnlyNtlmOnACleartextCandidateGetsNoNtlmExchangeAndNoCredential(Service service) {
        try (HostileMailServer server = start(service, HostileBehaviour.NTLM_ONLY)) {
            IntegrationResult result = tryOnly(server, NONE);

            assertThat(attempt(result)).hasOutcome(Outcome.TLS_REQUIRED);
            assertThat(attempt(result).detail()).contains("without TLS");
            assertThat(server.received()).as("what the server received").isNotEmpty()
                    .noneMatch(command -> command.line().toUpperCase(Locale.ROOT).contains("NTLM"))
                    .noneMatch(HostileServerTest::isSaslCommand)
                    .noneMatch(command -> command.line().contains(ADDRESS))
                    .noneMatch(HostileServerTest::carriesPassword);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Service.class, names = {"IMAP", "POP3"})
    void aServerOfferingOnlyNtlmBeforeTlsTakesThePasswordAfterStartTls(Service service) {
        try (HostileMailServer server = start(service, HostileBehaviour.NTLM_ONLY)) {
            IntegrationResult result = tryOnly(server, STARTTLS);

            assertThat(attempt(result)).hasOutcome(Outcome.AUTHENTICATED);
            assertThat(server.received()).noneMatch(command -> command.line().toUpperCase(Locale.ROOT).contains("NTLM"));
            assertThat(server.receivedInCleartext(PASSWORD)).isFalse();
        }
    }

    /**
     * Over TLS, a server whose only sign-in besides a disabled {@code LOGIN} is NTLM has no login in common with the
     * library: a protocol error, with no NTLM exchange and no password sent.
     */
    @Test
    void aServerOfferingOnlyNtlmOverTlsHasNoLoginInCommonAndGetsNoCredential() {
        ServerBehaviour ntlmOverTls = new ServerBehaviour() {
            @Override
            public List<String> capabilities(Connection connection, List<String> standard) {
                return Stream.concat(standard.stream(), Stream.of("AUTH=NTLM", "AUTH=GSSAPI", "LOGINDISABLED")).toList();
            }
        };
        try (HostileMailServer server = HostileMailServer.builder(Service.IMAPS, ntlmOverTls).user(ADDRESS, PASSWORD)
                .start()) {
            IntegrationResult result = tryOnly(server, IMPLICIT_TLS);

            assertThat(attempt(result)).hasOutcome(Outcome.PROTOCOL_ERROR);
            assertThat(attempt(result).detail()).contains("no password login the library uses",
                    "LOGINDISABLED AUTH=GSSAPI AUTH=NTLM");
            assertThat(server.received()).as("what the server received").isNotEmpty()
                    .noneMatch(command -> command.line().toUpperCase(Locale.ROOT).contains("NTLM"))
                    .noneMatch(HostileServerTest::isSaslCommand)
                    .noneMatch(HostileServerTest::carriesPassword);
        }
    }

    // service disabled

    @ParameterizedTest
    @EnumSource(value = Service.class, names = {"IMAPS", "POP3S"})
    void aServiceDisabledForTheAccountIsServiceDisabledNotAWrongPassword(Service service) {
        try (HostileMailServer server = start(service, HostileBehaviour.SERVICE_DISABLED)) {
            IntegrationResult result = tryOnly(server, IMPLICIT_TLS);

            assertThat(attempt(result)).hasOutcome(Outcome.SERVICE_DISABLED);
            assertThat(server.receivedInCleartext(PASSWORD)).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(MailProtocol.class)
    void aDisabledServiceMovesTheChainOnEvenWhenTheChainStopsAtARejectedPassword(MailProtocol disabledProtocol) {
        Service disabled = disabledProtocol == MailProtocol.IMAP ? Service.IMAPS : Service.POP3S;
        Service other = disabledProtocol == MailProtocol.IMAP ? Service.POP3S : Service.IMAPS;
        try (HostileMailServer first = start(disabled, HostileBehaviour.SERVICE_DISABLED);
                HostileMailServer second = HostileMailServer.builder(other, HostileBehaviour.HONEST)
                        .user(ADDRESS, PASSWORD).certificates(first.certificates()).start()) {
            Integrator integrator = Integrator.builder()
                    .policy(account -> List.of(first.candidate(IMPLICIT_TLS), second.candidate(IMPLICIT_TLS)))
                    .sslContext(first.clientSslContext())
                    .connectTimeout(CONNECT_TIMEOUT).readTimeout(READ_TIMEOUT)
                    .stopOnAuthFailure()
                    .build();

            IntegrationResult result = integrator.integrate(first.account(ADDRESS));

            MailIntegratorAssertions.assertThat(result).isIntegrated()
                    .hasOutcomes(Outcome.SERVICE_DISABLED, Outcome.AUTHENTICATED)
                    .hasSelected(second.candidate(IMPLICIT_TLS));
            assertThat(second.received()).anyMatch(command -> command.overTls() && command.line().contains(PASSWORD));
        }
    }

    // banners, ports and resets

    @ParameterizedTest
    @EnumSource(value = Service.class, names = {"IMAP", "POP3"})
    void aGarbageBannerIsProtocolErrorAndThePasswordIsNeverSent(Service service) {
        try (HostileMailServer server = start(service, HostileBehaviour.GARBAGE_BANNER)) {
            IntegrationResult result = tryOnly(server, NONE);

            assertThat(attempt(result)).hasOutcome(Outcome.PROTOCOL_ERROR);
            assertThat(server.received()).as("what the server received").noneMatch(HostileServerTest::carriesPassword);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Service.class, names = {"IMAPS", "POP3S"})
    void tlsSpokenOnTheCleartextCandidatesPortTimesOutAndThePasswordIsNeverSent(Service tlsService) {
        try (HostileMailServer server = start(tlsService, HostileBehaviour.HONEST)) {
            IntegrationResult result = tryOnly(server, NONE);

            Attempt attempt = attempt(result);
            assertThat(attempt).hasOutcomeIn(Outcome.TIMED_OUT, Outcome.PROTOCOL_ERROR);
            assertThat(attempt.elapsed()).isLessThan(READ_TIMEOUT.plusSeconds(1));
            assertThat(server.received()).as("what the server received").noneMatch(HostileServerTest::carriesPassword);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Service.class, names = {"IMAP", "POP3"})
    void cleartextSpokenOnTheImplicitTlsCandidatesPortIsTlsFailedAndThePasswordIsNeverSent(Service plainService) {
        try (HostileMailServer server = start(plainService, HostileBehaviour.HONEST)) {
            IntegrationResult result = tryOnly(server, IMPLICIT_TLS);

            assertThat(attempt(result)).hasOutcome(Outcome.TLS_FAILED);
            assertThat(attempt(result).detail()).contains("does not speak TLS");
            assertThat(server.received()).as("what the server received").noneMatch(HostileServerTest::carriesPassword);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Service.class, names = {"IMAPS", "POP3S"})
    void aResetInTheMiddleOfTheLoginIsANetworkError(Service service) {
        try (HostileMailServer server = start(service, HostileBehaviour.RESET_MID_LOGIN)) {
            IntegrationResult result = tryOnly(server, IMPLICIT_TLS);

            assertThat(attempt(result)).hasOutcome(Outcome.NETWORK_ERROR);
            assertThat(server.received()).as("the credential line arrived, over TLS, before the reset")
                    .anyMatch(command -> command.overTls() && command.line().contains(PASSWORD));
            assertThat(server.receivedInCleartext(PASSWORD)).isFalse();
            assertNoPasswordIn(result);
        }
    }

    private static boolean carriesPassword(ReceivedCommand command) {
        return command.line().contains(PASSWORD);
    }

    private static boolean isStartTls(ReceivedCommand command) {
        String line = command.line().toUpperCase(Locale.ROOT);
        return line.endsWith(" STARTTLS") || line.equals("STLS");
    }

    private static boolean isCapabilityRequest(ReceivedCommand command) {
        String line = command.line().toUpperCase(Locale.ROOT);
        return line.endsWith(" CAPABILITY") || line.equals("CAPA");
    }

    /** IMAP {@code AUTHENTICATE} or POP3 {@code AUTH}: only a client that believed forged capabilities sends them. */
    private static boolean isSaslCommand(ReceivedCommand command) {
        String line = command.line().toUpperCase(Locale.ROOT);
        return line.contains(" AUTHENTICATE ") || line.startsWith("AUTH ");
    }

    private static void assertNoPasswordIn(IntegrationResult result) {
        MailIntegratorAssertions.assertThat(result).hasNoDetailContaining(PASSWORD);
    }

    private static HostileMailServer start(Service service, HostileBehaviour behaviour) {
        return HostileMailServer.builder(service, behaviour).user(ADDRESS, PASSWORD).start();
    }

    private static Attempt attempt(IntegrationResult result) {
        assertThat(result.attempts()).hasSize(1);
        return result.attempts().get(0);
    }

    private static IntegrationResult tryOnly(HostileMailServer server, Security security) {
        return integrator(server, security).integrate(server.account(ADDRESS));
    }

    private static Integrator integrator(HostileMailServer server, Security security) {
        ProtocolCandidate candidate = server.candidate(security);
        return Integrator.builder()
                .policy(account -> List.of(candidate))
                .sslContext(server.clientSslContext())
                .connectTimeout(CONNECT_TIMEOUT)
                .readTimeout(READ_TIMEOUT)
                .build();
    }
}
