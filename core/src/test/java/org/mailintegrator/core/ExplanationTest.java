package org.mailintegrator.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.ResourceBundle;
import java.util.Set;
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

    @Test
    void everyOutcomeInEveryPhaseHasACauseWithWordsAndTheTellingOnesARemedy() {
        for (Outcome outcome : Outcome.values()) {
            for (Phase phase : Phase.values()) {
                Attempt attempt = Attempt.of(IMAPS, outcome, Duration.ofMillis(1), "detail").withPhase(phase);
                Explanation.Cause cause = Explanation.Cause.of(attempt);
                Explanation explanation = result(attempt).explanation();

                assertThat(explanation.text()).as(outcome + " in " + phase).isNotBlank();
                assertThat(explanation.entries().get(0).cause()).isEqualTo(cause);
                boolean remedied = !Set.of(Explanation.Cause.AUTHENTICATED, Explanation.Cause.NOT_NEEDED,
                        Explanation.Cause.CANCELLED, Explanation.Cause.NOT_ALLOWED)
                        .contains(cause);
                assertThat(explanation.entries().get(0).remedy().isPresent()).as(cause.toString()).isEqualTo(remedied);
            }
        }
        assertThat(Explanation.Cause.of(Attempt.of(IMAPS, Outcome.TIMED_OUT, Duration.ofSeconds(1), "dns")
                .withPhase(Phase.RESOLVE))).isEqualTo(Explanation.Cause.NAME_SERVER_SILENT);
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
