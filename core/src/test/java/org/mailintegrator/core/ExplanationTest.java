package org.mailintegrator.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ResourceBundle;
import org.junit.jupiter.api.Test;

/** The explanation's grouping and words, on results built by hand (the KB situations run on real servers elsewhere). */
class ExplanationTest {
    private static final ProtocolCandidate IMAPS = ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS,
            "mail.example.com", 993);
    private static final ProtocolCandidate POP3S = ProtocolCandidate.of(MailProtocol.POP3, Security.IMPLICIT_TLS,
            "mail.example.com", 995);
    private static final ProtocolCandidate IMAP = ProtocolCandidate.of(MailProtocol.IMAP, Security.STARTTLS,
            "mail.example.com", 143);

    private static IntegrationResult result(Attempt... attempts) {
        return IntegrationResult.of("alice@example.com", List.of(attempts), Duration.ofMillis(40));
    }

    @Test
    void aBusyPreferredServerIsToldAsBusyWithALaterTry() {
        IntegrationResult result = result(Attempt.of(IMAPS, Outcome.BUSY, Duration.ofSeconds(20), "busy"),
                Attempt.of(POP3S, Outcome.AUTHENTICATED, Duration.ofMillis(30), "ok"),
                Attempt.of(IMAP, Outcome.SUPERSEDED, Duration.ofMillis(3), "superseded"));

        Explanation explanation = result.explanation();

        assertThat(explanation.summary()).isEqualTo("alice@example.com is set up with POP3 over TLS "
                + "(mail.example.com:995).");
        assertThat(explanation.reasons()).singleElement().satisfies(reason -> {
            assertThat(reason.cause()).isEqualTo(Explanation.Cause.BUSY);
            assertThat(reason.candidates()).containsExactly(IMAPS);
        });
        assertThat(explanation.remedies()).containsExactly("Integrate again later.",
                "A more preferred way was only busy: integrate again later to move the account up.");
        assertThat(explanation.entries()).extracting(Explanation.Entry::cause).containsExactly(
                Explanation.Cause.BUSY, Explanation.Cause.AUTHENTICATED, Explanation.Cause.NOT_NEEDED);
    }

    @Test
    void aPreferredServerThatDelaysLoginsIsToldAsADelayWithALaterTry() {
        IntegrationResult result = result(Attempt.of(POP3S, Outcome.BUSY, Duration.ofSeconds(2), "delayed")
                        .explainedAs(Explanation.Cause.LOGIN_DELAYED),
                Attempt.of(IMAP, Outcome.AUTHENTICATED, Duration.ofMillis(30), "ok"));

        Explanation explanation = result.explanation();

        assertThat(explanation.reasons()).singleElement().satisfies(reason -> {
            assertThat(reason.cause()).isEqualTo(Explanation.Cause.LOGIN_DELAYED);
            assertThat(reason.text()).contains("sign in only once in a while", "not a wrong password");
        });
        assertThat(explanation.remedies()).containsExactly("Integrate again once the server's login delay has passed "
                + "(the attempt's detail says how long); if the user's own mail program checks POP3 on "
                + "mail.example.com often, it keeps the delay running.",
                "A more preferred way was only busy: integrate again later to move the account up.");
    }

    @Test
    void aConnectionLimitBeforeTheSelectedOneIsOnlyBusyAndTheWeakerOnesHeldBackSaySo() {
        ProtocolCandidate cleartext = ProtocolCandidate.of(MailProtocol.IMAP, Security.NONE, "mail.example.com", 143);
        IntegrationResult result = result(
                Attempt.of(IMAPS, Outcome.BUSY, Duration.ofSeconds(20), "limit").withPhase(Phase.TLS)
                        .explainedAs(Explanation.Cause.CONNECTION_LIMIT),
                Attempt.of(cleartext, Outcome.NOT_TRIED, Duration.ZERO, "held back")
                        .explainedAs(Explanation.Cause.HELD_BACK),
                Attempt.of(POP3S, Outcome.AUTHENTICATED, Duration.ofMillis(30), "ok"));

        Explanation explanation = result.explanation();

        assertThat(explanation.reasons()).extracting(Explanation.Reason::cause)
                .containsExactly(Explanation.Cause.CONNECTION_LIMIT, Explanation.Cause.HELD_BACK);
        assertThat(explanation.remedies()).as("a later try may move the account up")
                .contains("A more preferred way was only busy: integrate again later to move the account up.");
        assertThat(result.busyBeforeSelected()).containsExactly(result.attempts().get(0));
    }

    @Test
    void oneRemedyPerServiceNamesItsPortsTogether() {
        IntegrationResult result = result(Attempt.of(IMAPS, Outcome.REFUSED, Duration.ofMillis(1), "refused"),
                Attempt.of(IMAP, Outcome.REFUSED, Duration.ofMillis(1), "refused"));

        assertThat(result.explain()).isEqualTo("alice@example.com could not be set up: none of the 2 ways to reach "
                + "the mailbox worked.\n"
                + "IMAP over TLS (mail.example.com:993) and IMAP with STARTTLS (mail.example.com:143): the server "
                + "refused the connection, so the service is stopped or its port is closed.\n"
                + "What can be done:\n"
                + "- The administrator starts IMAP on mail.example.com (ports 993 and 143) or opens them; then "
                + "integrate again.");
    }

    @Test
    void tokensAndOAuthHaveTheirOwnCausesAndRemedies() {
        IntegrationResult result = result(
                Attempt.of(IMAPS, Outcome.OAUTH_REQUIRED, Duration.ofMillis(1), "oauth"),
                Attempt.of(POP3S, Outcome.APP_PASSWORD_REQUIRED, Duration.ofMillis(1), "app password"));

        assertThat(result.explanation().remedies()).containsExactly(
                "The application signs the user in with OAuth2 and integrates with an access token.",
                "The user creates an app password in the provider's account settings and integrates with it.");
    }

    /** One way a candidate can end, and the cause the explanation must give it. */
    private record Case(String name, Attempt attempt, Explanation.Cause expected) {
    }

    /** What the words of each cause, and of its remedy if it has one, must say (null: no remedy can be given). */
    private static final Map<Explanation.Cause, List<String>> SAYS = new EnumMap<>(Map.ofEntries(
            says(Explanation.Cause.REFUSED, "refused the connection", "starts IMAP on mail.example.com (port 993)"),
            says(Explanation.Cause.BLOCKED, "never answered", "lets port 993 of mail.example.com through the firewall"),
            says(Explanation.Cause.SLOW, "did not answer in time", "when mail.example.com answers faster"),
            says(Explanation.Cause.TLS_NOT_TRUSTED, "certificate is not trusted (an unknown authority, expired or not "
                    + "yet valid, or issued for another name)", "installs a certificate for "
                    + "mail.example.com from a trusted authority"),
            says(Explanation.Cause.TLS_HANDSHAKE_FAILED, "TLS handshake failed", "speaks TLS on port 993"),
            says(Explanation.Cause.STARTTLS_NOT_OFFERED, "does not offer the upgrade to TLS (STARTTLS or STLS), or "
                    + "refused it, so the credentials were not sent", "enables STARTTLS for "
                    + "IMAP on mail.example.com"),
            says(Explanation.Cause.TLS_REQUIRED, "only over TLS", "tries IMAP with TLS"),
            says(Explanation.Cause.BUSY, "said it was busy", "Integrate again later."),
            says(Explanation.Cause.LOGIN_DELAYED, "sign in only once in a while", "login delay has passed"),
            says(Explanation.Cause.CONNECTION_LIMIT, "refused more connections from this client at once",
                    "the administrator of mail.example.com allows more connections from one address"),
            says(Explanation.Cause.AUTH_FAILED, "rejected the password", "checks the password"),
            says(Explanation.Cause.TOKEN_REJECTED, "rejected the access token", "gets a new access token"),
            says(Explanation.Cause.OAUTH_REQUIRED, "OAuth2 only", "signs the user in with OAuth2"),
            says(Explanation.Cause.APP_PASSWORD_REQUIRED, "wants an app password", "creates an app password"),
            says(Explanation.Cause.OAUTH_NOT_OFFERED, "does not offer OAuth2", "Integrate with a password"),
            says(Explanation.Cause.AUTH_NOT_OFFERED, "offered no way to sign in, so it would not have checked the "
                    + "credentials", "enables SMTP AUTH for submission"),
            says(Explanation.Cause.MAIL_PORTS_BLOCKED, "most likely blocks outgoing mail ports",
                    "lets outgoing mail ports through"),
            says(Explanation.Cause.SERVICE_DISABLED, "switched this protocol off", "enables IMAP access"),
            says(Explanation.Cause.UNKNOWN_HOST, "host name was not found", "Check the host name mail.example.com"),
            says(Explanation.Cause.NAME_SERVER_SILENT, "name server did not answer", "Check the name server"),
            says(Explanation.Cause.PROTOCOL_ERROR, "did not speak the protocol", "serves IMAP on port 993"),
            says(Explanation.Cause.NETWORK_ERROR, "network failed", "network path to mail.example.com"),
            says(Explanation.Cause.SKIPPED, "rules did not allow it", null),
            says(Explanation.Cause.BELOW_MINIMUM_SECURITY, "below the minimum", "a lower minimum security "
                    + "(Integrator.Builder.minimumSecurity) would let the credentials go with less protection"),
            says(Explanation.Cause.HOST_NOT_APPROVED, "did not approve that host", "If mail.example.com really "
                    + "serves this address, the application approves it for the credentials "
                    + "(Integrator.Builder.approveHosts)"),
            says(Explanation.Cause.SERVICE_WITHDRAWN, "does not offer this service", "SRV record with target"),
            says(Explanation.Cause.NO_ACCESS_TOKEN, "gave no token", "checks its access token source"),
            says(Explanation.Cause.REMEMBERED_UNREACHABLE, "unreachable a moment ago", "rememberUnreachable"),
            says(Explanation.Cause.DEADLINE_PASSED, "deadline passed", "Integrator.Builder.integrationTimeout"),
            says(Explanation.Cause.STOPPED_AT_REJECTION, "stopped at the first rejected credentials",
                    "checks the credentials that were rejected"),
            says(Explanation.Cause.NOT_RUN, "executor refused to run it", "Integrator.Builder.executor"),
            says(Explanation.Cause.ABANDONED, "given up", "Integrator.Builder.patience"),
            says(Explanation.Cause.HELD_BACK, "a more secure way was only busy, and the password is not sent with "
                    + "less protection", "when the more secure way is not busy")));

    private static Map.Entry<Explanation.Cause, List<String>> says(Explanation.Cause cause, String words,
            String remedy) {
        return Map.entry(cause, remedy == null ? List.of(words) : List.of(words, remedy));
    }

    @Test
    void aCauseThatNamesAnOutcomesStateHasTheOutcomesName() {
        for (Outcome outcome : Outcome.values()) {
            Explanation.Cause cause = Explanation.Cause.of(Attempt.of(IMAPS, outcome, Duration.ZERO, "by hand"));
            boolean refined = cause.name().equals(outcome.name())
                    || List.of(Outcome.TIMED_OUT, Outcome.TLS_FAILED, Outcome.NOT_TRIED, Outcome.SUPERSEDED)
                            .contains(outcome);
            assertThat(refined).as("%s is explained as %s: one state, two names", outcome, cause).isTrue();
        }
    }

    /** The cause an attempt that records none gets from its outcome and phase. */
    private static Explanation.Cause byOutcome(Outcome outcome, Phase phase) {
        return switch (outcome) {
            case AUTHENTICATED -> Explanation.Cause.AUTHENTICATED;
            case AUTH_FAILED -> Explanation.Cause.AUTH_FAILED;
            case TOKEN_REJECTED -> Explanation.Cause.TOKEN_REJECTED;
            case OAUTH_REQUIRED -> Explanation.Cause.OAUTH_REQUIRED;
            case APP_PASSWORD_REQUIRED -> Explanation.Cause.APP_PASSWORD_REQUIRED;
            case OAUTH_NOT_OFFERED -> Explanation.Cause.OAUTH_NOT_OFFERED;
            case AUTH_NOT_OFFERED -> Explanation.Cause.AUTH_NOT_OFFERED;
            case TLS_REQUIRED -> Explanation.Cause.TLS_REQUIRED;
            case SERVICE_DISABLED -> Explanation.Cause.SERVICE_DISABLED;
            case BUSY -> Explanation.Cause.BUSY;
            case REFUSED -> Explanation.Cause.REFUSED;
            case TIMED_OUT -> phase == Phase.CONNECT ? Explanation.Cause.BLOCKED
                    : phase == Phase.RESOLVE ? Explanation.Cause.NAME_SERVER_SILENT : Explanation.Cause.SLOW;
            // a TLS failure built by hand, without the cause the integrator records: the most common one
            case TLS_FAILED -> Explanation.Cause.TLS_NOT_TRUSTED;
            case UNKNOWN_HOST -> Explanation.Cause.UNKNOWN_HOST;
            case PROTOCOL_ERROR -> Explanation.Cause.PROTOCOL_ERROR;
            case NETWORK_ERROR -> Explanation.Cause.NETWORK_ERROR;
            // a skipped attempt built by hand, without its reason: the integrator records the reason
            case SKIPPED -> Explanation.Cause.SKIPPED;
            case ABANDONED -> Explanation.Cause.ABANDONED;
            case SUPERSEDED, NOT_TRIED -> Explanation.Cause.NOT_NEEDED;
            case CANCELLED -> Explanation.Cause.CANCELLED;
        };
    }

    /**
     * Every way a candidate can end: every outcome in every phase as it is, and each end whose cause the integrator
     * records because the outcome alone does not tell it (which TLS failure, each reason to skip, each reason a
     * candidate was not run, an endpoint remembered as unreachable).
     */
    private static List<Case> everyEnd() {
        List<Case> cases = new ArrayList<>();
        for (Outcome outcome : Outcome.values()) {
            for (Phase phase : Phase.values()) {
                cases.add(new Case(outcome + " in " + phase,
                        Attempt.of(IMAPS, outcome, Duration.ofMillis(1), "detail").withPhase(phase),
                        byOutcome(outcome, phase)));
            }
        }
        recorded(cases, Outcome.TLS_FAILED, Phase.TLS, Explanation.Cause.TLS_NOT_TRUSTED);
        recorded(cases, Outcome.TLS_FAILED, Phase.TLS, Explanation.Cause.TLS_HANDSHAKE_FAILED);
        recorded(cases, Outcome.TLS_FAILED, Phase.GREETING, Explanation.Cause.STARTTLS_NOT_OFFERED);
        recorded(cases, Outcome.TLS_FAILED, Phase.TLS, Explanation.Cause.STARTTLS_NOT_OFFERED);
        for (Explanation.Cause skipped : List.of(Explanation.Cause.BELOW_MINIMUM_SECURITY,
                Explanation.Cause.HOST_NOT_APPROVED, Explanation.Cause.SERVICE_WITHDRAWN,
                Explanation.Cause.NO_ACCESS_TOKEN)) {
            recorded(cases, Outcome.SKIPPED, Phase.NOT_STARTED, skipped);
        }
        recorded(cases, Outcome.BUSY, Phase.LOGIN, Explanation.Cause.LOGIN_DELAYED);
        recorded(cases, Outcome.OAUTH_REQUIRED, Phase.NOT_STARTED, Explanation.Cause.OAUTH_REQUIRED);
        recorded(cases, Outcome.REFUSED, Phase.NOT_STARTED, Explanation.Cause.REMEMBERED_UNREACHABLE);
        recorded(cases, Outcome.TIMED_OUT, Phase.NOT_STARTED, Explanation.Cause.REMEMBERED_UNREACHABLE);
        for (Explanation.Cause notRun : List.of(Explanation.Cause.DEADLINE_PASSED,
                Explanation.Cause.STOPPED_AT_REJECTION, Explanation.Cause.NOT_RUN)) {
            recorded(cases, Outcome.NOT_TRIED, Phase.NOT_STARTED, notRun);
        }
        recorded(cases, Outcome.NOT_TRIED, Phase.CONNECT, Explanation.Cause.STOPPED_AT_REJECTION);
        recorded(cases, Outcome.TIMED_OUT, Phase.CONNECT, Explanation.Cause.DEADLINE_PASSED);
        recorded(cases, Outcome.TIMED_OUT, Phase.CONNECT, Explanation.Cause.MAIL_PORTS_BLOCKED);
        recorded(cases, Outcome.BUSY, Phase.LOGIN, Explanation.Cause.LOGIN_DELAYED);
        recorded(cases, Outcome.BUSY, Phase.TLS, Explanation.Cause.CONNECTION_LIMIT);
        recorded(cases, Outcome.BUSY, Phase.GREETING, Explanation.Cause.CONNECTION_LIMIT);
        recorded(cases, Outcome.NOT_TRIED, Phase.NOT_STARTED, Explanation.Cause.HELD_BACK);
        recorded(cases, Outcome.NOT_TRIED, Phase.GREETING, Explanation.Cause.HELD_BACK);
        return cases;
    }

    private static void recorded(List<Case> cases, Outcome outcome, Phase phase, Explanation.Cause cause) {
        cases.add(new Case(outcome + " in " + phase + " explained as " + cause,
                Attempt.of(IMAPS, outcome, Duration.ofMillis(1), "detail").withPhase(phase).explainedAs(cause),
                cause));
    }

    @Test
    void everyWayACandidateCanEndHasItsOwnCauseWordsAndRemedy() {
        List<Case> cases = everyEnd();
        assertThat(cases).extracting(Case::expected).as("every cause is met")
                .containsAll(List.of(Explanation.Cause.values()));
        for (Case c : cases) {
            Explanation explanation = result(c.attempt()).explanation();
            Explanation.Entry entry = explanation.entries().get(0);

            assertThat(Explanation.Cause.of(c.attempt())).as(c.name()).isEqualTo(c.expected());
            assertThat(entry.cause()).as(c.name()).isEqualTo(c.expected());
            List<String> says = SAYS.get(c.expected());
            if (says == null) {
                // nothing said about the server: no reason given, nothing to do
                assertThat(explanation.reasons()).as(c.name()).isEmpty();
                assertThat(entry.remedy()).as(c.name()).isEmpty();
                continue;
            }
            assertThat(explanation.reasons()).as(c.name()).singleElement().satisfies(reason -> {
                assertThat(reason.cause()).isEqualTo(c.expected());
                assertThat(reason.text()).contains(says.get(0));
            });
            if (says.size() == 1) {
                assertThat(entry.remedy()).as(c.name()).isEmpty();
                assertThat(explanation.remedies()).as(c.name()).isEmpty();
            } else {
                assertThat(entry.remedy()).as(c.name()).hasValueSatisfying(remedy -> assertThat(remedy)
                        .contains(says.get(1)));
                assertThat(explanation.remedies()).as(c.name()).containsExactly(entry.remedy().get());
            }
            if (c.attempt().outcome() == Outcome.TLS_FAILED && c.expected() != Explanation.Cause.TLS_NOT_TRUSTED) {
                assertThat(explanation.text()).as(c.name()).doesNotContain("certificate");
            }
        }
    }

    @Test
    void aSavedResultKeepsTheCauseTheOutcomeDoesNotTell() {
        for (Case c : everyEnd()) {
            IntegrationResult read = IntegrationResult.fromJson(result(c.attempt()).toJson());

            assertThat(read.explanation().entries().get(0).cause()).as(c.name()).isEqualTo(c.expected());
            assertThat(read.explain()).as(c.name()).isEqualTo(result(c.attempt()).explain());
        }
        Attempt refused = Attempt.of(IMAPS, Outcome.REFUSED, Duration.ofMillis(1), "refused").withPhase(Phase.CONNECT);
        assertThat(IntegrationResult.fromJson(result(refused).toJson()).attempts())
                .as("a cause the outcome gives is not recorded again").containsExactly(refused);
    }

    @Test
    void aResultWithoutAttemptsSaysNothingWasTried() {
        assertThat(result().explain()).isEqualTo("alice@example.com: nothing was tried.");
    }

    /** An application's own translation: a bundle with the library's keys. */
    @Test
    void theWordsComeFromTheBundleGiven() {
        ResourceBundle english = ResourceBundle.getBundle("org.mailintegrator.core.Explanations", Locale.ROOT);
        ResourceBundle shouting = new ResourceBundle() {
            @Override
            protected Object handleGetObject(String key) {
                return english.getString(key).toUpperCase(Locale.ROOT).replace("{0}", "{0}");
            }

            @Override
            public Enumeration<String> getKeys() {
                return Collections.enumeration(english.keySet());
            }
        };
        IntegrationResult result = result(Attempt.of(IMAPS, Outcome.AUTHENTICATED, Duration.ofMillis(1), "ok"));

        assertThat(result.explanation(shouting).text()).isEqualTo(
                "alice@example.com IS SET UP WITH IMAP OVER TLS (mail.example.com:993).");
        assertThat(result.explain(Locale.GERMAN)).isEqualTo(result.explain());
    }
}
