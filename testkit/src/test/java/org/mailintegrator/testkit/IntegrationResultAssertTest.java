package org.mailintegrator.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mailintegrator.core.MailProtocol.IMAP;
import static org.mailintegrator.core.MailProtocol.POP3;
import static org.mailintegrator.core.Outcome.AUTHENTICATED;
import static org.mailintegrator.core.Outcome.AUTH_FAILED;
import static org.mailintegrator.core.Outcome.NOT_TRIED;
import static org.mailintegrator.core.Outcome.SUPERSEDED;
import static org.mailintegrator.core.Outcome.REFUSED;
import static org.mailintegrator.core.Outcome.TIMED_OUT;
import static org.mailintegrator.core.Security.IMPLICIT_TLS;
import static org.mailintegrator.core.Security.NONE;
import static org.mailintegrator.core.Security.STARTTLS;
import static org.mailintegrator.testkit.MailIntegratorAssertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.ProtocolCandidate;

class IntegrationResultAssertTest {
    private static final String PASSWORD = "correct-horse-battery";
    private static final ProtocolCandidate IMAPS = ProtocolCandidate.of(IMAP, IMPLICIT_TLS, "example.test", 993);
    private static final ProtocolCandidate POPS = ProtocolCandidate.of(POP3, IMPLICIT_TLS, "example.test", 995);
    private static final ProtocolCandidate IMAP_CLEAR = ProtocolCandidate.of(IMAP, NONE, "example.test", 143);
    private static final ProtocolCandidate POP_CLEAR = ProtocolCandidate.of(POP3, NONE, "example.test", 110);

    /** The KB's "stop the IMAP service": IMAPS refused, POP over SSL selected. */
    private static final IntegrationResult POP_SELECTED = result(Duration.ofMillis(45),
            Attempt.of(IMAPS, REFUSED, Duration.ofMillis(3), "The connection was refused: nothing listens."),
            Attempt.of(POPS, AUTHENTICATED, Duration.ofMillis(40), "The server accepted the credentials."),
            Attempt.of(IMAP_CLEAR, NOT_TRIED, Duration.ZERO, "Not tried: POP over SSL authenticated first."),
            Attempt.of(POP_CLEAR, NOT_TRIED, Duration.ZERO, "Not tried: POP over SSL authenticated first."));

    /** A wrong password: every secure candidate fails or is blocked, and cleartext IMAP is told the password. */
    private static final IntegrationResult WRONG_PASSWORD = result(Duration.ofMillis(1_520),
            Attempt.of(IMAPS, TIMED_OUT, Duration.ofMillis(1_000), "Connecting took longer than 1000 ms."),
            Attempt.of(POPS, AUTH_FAILED, Duration.ofMillis(200), "The server rejected the credentials."),
            Attempt.of(IMAP_CLEAR, AUTH_FAILED, Duration.ofMillis(300), "The server rejected the credentials."),
            Attempt.of(POP_CLEAR, REFUSED, Duration.ofMillis(20), "The connection was refused."));

    @Test
    void isIntegratedPassesWhenACandidateAuthenticated() {
        assertThat(POP_SELECTED).isIntegrated();
    }

    @Test
    void isIntegratedFailsShowingEveryAttempt() {
        assertFailsShowing(() -> assertThat(WRONG_PASSWORD).isIntegrated(), WRONG_PASSWORD)
                .hasMessageContaining("Expecting alice@example.test to be integrated, but no candidate authenticated");
    }

    @Test
    void isNotIntegratedPassesWhenNoCandidateAuthenticated() {
        assertThat(WRONG_PASSWORD).isNotIntegrated();
    }

    @Test
    void isNotIntegratedFailsNamingTheSelectedCandidate() {
        assertFailsShowing(() -> assertThat(POP_SELECTED).isNotIntegrated(), POP_SELECTED)
                .hasMessageContaining("not to be integrated, but it was, with " + POPS);
    }

    @Test
    void hasSelectedPassesForTheMostPreferredAuthenticatedCandidate() {
        assertThat(POP_SELECTED).hasSelected(POPS).hasSelected(POP3, IMPLICIT_TLS);
    }

    @Test
    void hasSelectedFailsForAnotherCandidate() {
        assertFailsShowing(() -> assertThat(POP_SELECTED).hasSelected(IMAPS), POP_SELECTED)
                .hasMessageContaining("Expecting " + IMAPS + " to be selected, but " + POPS + " was");
        assertFailsShowing(() -> assertThat(WRONG_PASSWORD).hasSelected(POPS), WRONG_PASSWORD)
                .hasMessageContaining("but none was");
    }

    @Test
    void hasSelectedFailsForAnotherProtocolOrSecurity() {
        assertFailsShowing(() -> assertThat(POP_SELECTED).hasSelected(IMAP, IMPLICIT_TLS), POP_SELECTED)
                .hasMessageContaining("Expecting a IMAP/IMPLICIT_TLS candidate to be selected, but " + POPS + " was");
        assertFailsShowing(() -> assertThat(POP_SELECTED).hasSelected(POP3, NONE), POP_SELECTED)
                .hasMessageContaining("POP3/NONE");
    }

    @Test
    void hasOutcomesThenNotNeededTakesEitherWayOfNotBeingNeeded() {
        IntegrationResult superseded = IntegrationResult.of(POP_SELECTED.emailAddress(), List.of(
                POP_SELECTED.attempts().get(0), POP_SELECTED.attempts().get(1),
                Attempt.of(IMAP_CLEAR, SUPERSEDED, Duration.ofMillis(5), "Superseded: POP over SSL authenticated."),
                POP_SELECTED.attempts().get(3)), Duration.ofMillis(20));

        assertThat(POP_SELECTED).hasOutcomesThenNotNeeded(REFUSED, AUTHENTICATED);
        assertThat(superseded).hasOutcomesThenNotNeeded(REFUSED, AUTHENTICATED);
        assertFailsShowing(() -> assertThat(POP_SELECTED).hasOutcomesThenNotNeeded(REFUSED), POP_SELECTED)
                .hasMessageContaining("then only NOT_TRIED or SUPERSEDED, but found [REFUSED, AUTHENTICATED");
    }

    @Test
    void hasOutcomesPassesForTheExactSequence() {
        assertThat(POP_SELECTED).hasOutcomes(REFUSED, AUTHENTICATED, NOT_TRIED, NOT_TRIED);
    }

    @Test
    void hasOutcomesFailsForAnotherOrderOrAPrefix() {
        assertFailsShowing(() -> assertThat(POP_SELECTED).hasOutcomes(AUTHENTICATED, REFUSED, NOT_TRIED, NOT_TRIED),
                POP_SELECTED)
                .hasMessageContaining("but found [REFUSED, AUTHENTICATED, NOT_TRIED, NOT_TRIED]");
        assertFailsShowing(() -> assertThat(POP_SELECTED).hasOutcomes(REFUSED, AUTHENTICATED), POP_SELECTED)
                .hasMessageContaining("Expecting outcomes [REFUSED, AUTHENTICATED] in preference order");
    }

    @Test
    void hasCandidatesPassesForThePolicysOrderAndFailsForAnother() {
        assertThat(POP_SELECTED).hasCandidates(IMAPS, POPS, IMAP_CLEAR, POP_CLEAR);

        assertFailsShowing(() -> assertThat(POP_SELECTED).hasCandidates(POPS, IMAPS, IMAP_CLEAR, POP_CLEAR),
                POP_SELECTED)
                .hasMessageContaining("Expecting candidates [" + POPS + ", " + IMAPS);
    }

    @Test
    void attemptCountsPositionsFromOne() {
        assertThat(POP_SELECTED).attempt(1).hasCandidate(IMAPS).hasOutcome(REFUSED);
        assertThat(POP_SELECTED).attempt(4).hasCandidate(POP_CLEAR).wasNotTried();
    }

    @Test
    void attemptOutsideTheListFailsShowingEveryAttempt() {
        assertFailsShowing(() -> assertThat(POP_SELECTED).attempt(5), POP_SELECTED)
                .hasMessageContaining("Expecting an attempt at position 5 (counted from 1), but there are 4 attempts");
        assertFailsShowing(() -> assertThat(POP_SELECTED).attempt(0), POP_SELECTED)
                .hasMessageContaining("position 0");
    }

    @Test
    void aFailureOnANavigatedAttemptShowsTheAttemptAndTheWholeResult() {
        assertFailsShowing(() -> assertThat(POP_SELECTED).attempt(2).hasOutcome(REFUSED), POP_SELECTED)
                .hasMessageContaining("Expecting attempt 2 to have outcome REFUSED, but it was AUTHENTICATED")
                .hasMessageContaining("Found:" + System.lineSeparator() + POP_SELECTED.attempts().get(1));
    }

    @Test
    void attemptForFindsTheCandidatesAttempt() {
        assertThat(POP_SELECTED).attemptFor(POPS).hasOutcome(AUTHENTICATED);

        assertFailsShowing(() -> assertThat(POP_SELECTED).attemptFor(IMAPS).hasOutcome(AUTHENTICATED), POP_SELECTED)
                .hasMessageContaining("Expecting the attempt for " + IMAPS + " to have outcome AUTHENTICATED");
    }

    @Test
    void attemptForFailsForACandidateThePolicyDidNotList() {
        ProtocolCandidate starttls = ProtocolCandidate.of(IMAP, STARTTLS, "example.test", 143);

        assertFailsShowing(() -> assertThat(POP_SELECTED).attemptFor(starttls), POP_SELECTED)
                .hasMessageContaining("Expecting an attempt for " + starttls + ", but the policy did not list it");
    }

    @Test
    void tookLessThanComparesTheWholeIntegration() {
        assertThat(POP_SELECTED).tookLessThan(Duration.ofMillis(46));

        assertFailsShowing(() -> assertThat(POP_SELECTED).tookLessThan(Duration.ofMillis(45)), POP_SELECTED)
                .hasMessageContaining("to take less than 45 ms, but it took 45 ms");
    }

    @Test
    void tookBetweenIncludesBothBounds() {
        assertThat(POP_SELECTED).tookBetween(Duration.ofMillis(45), Duration.ofMillis(45))
                .tookBetween(Duration.ZERO, Duration.ofSeconds(1));

        assertFailsShowing(() -> assertThat(WRONG_PASSWORD).tookBetween(Duration.ZERO, Duration.ofSeconds(1)),
                WRONG_PASSWORD)
                .hasMessageContaining("to take between 0 ms and 1000 ms, but it took 1520 ms");
        assertFailsShowing(() -> assertThat(POP_SELECTED).tookBetween(Duration.ofMillis(46), Duration.ofSeconds(1)),
                POP_SELECTED)
                .hasMessageContaining("but it took 45 ms");
    }

    @Test
    void durationBoundsAreValidated() {
        assertThatThrownBy(() -> assertThat(POP_SELECTED).tookBetween(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("min must not be greater than max");
        assertThatThrownBy(() -> assertThat(POP_SELECTED).tookLessThan(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max must not be negative");
        assertThatThrownBy(() -> assertThat(POP_SELECTED).tookLessThan(null))
                .isInstanceOf(NullPointerException.class).hasMessage("max");
    }

    @Test
    void sentNoCredentialsInCleartextPassesWhenCleartextCandidatesNeverReachedTheVerdict() {
        assertThat(POP_SELECTED).sentNoCredentialsInCleartext();
        assertThat(result(Duration.ofMillis(5),
                Attempt.of(ProtocolCandidate.of(IMAP, STARTTLS, "example.test", 143), AUTH_FAILED,
                        Duration.ofMillis(2), "The server rejected the credentials."),
                Attempt.of(POP_CLEAR, TIMED_OUT, Duration.ofMillis(3), "The server did not answer.")))
                .sentNoCredentialsInCleartext();
    }

    @Test
    void sentNoCredentialsInCleartextFailsWhenACleartextCandidateWasRejected() {
        assertFailsShowing(() -> assertThat(WRONG_PASSWORD).sentNoCredentialsInCleartext(), WRONG_PASSWORD)
                .hasMessageContaining("these Security.NONE attempts reached the server's verdict on them: [3. "
                        + IMAP_CLEAR + " -> AUTH_FAILED]");
    }

    @Test
    void sentNoCredentialsInCleartextFailsWhenACleartextCandidateAuthenticated() {
        IntegrationResult cleartext = result(Duration.ofMillis(9),
                Attempt.of(IMAPS, REFUSED, Duration.ofMillis(3), "The connection was refused."),
                Attempt.of(POP_CLEAR, AUTHENTICATED, Duration.ofMillis(6), "The server accepted the credentials."));

        assertFailsShowing(() -> assertThat(cleartext).sentNoCredentialsInCleartext(), cleartext)
                .hasMessageContaining("[2. " + POP_CLEAR + " -> AUTHENTICATED]");
    }

    @Test
    void hasNoDetailContainingPassesWhenTheSecretAppearsNowhere() {
        assertThat(WRONG_PASSWORD).hasNoDetailContaining(PASSWORD);
    }

    @Test
    void hasNoDetailContainingFailsNamingTheAttemptWithoutRepeatingTheSecret() {
        IntegrationResult leaky = result(Duration.ofMillis(9),
                Attempt.of(IMAPS, AUTH_FAILED, Duration.ofMillis(9), "The server said: bad password " + PASSWORD));

        assertThatThrownBy(() -> assertThat(leaky).hasNoDetailContaining(PASSWORD))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("but the details of attempts [1] do")
                .hasMessageContaining("The server said: bad password ****")
                .message().doesNotContain(PASSWORD);
    }

    @Test
    void hasNoDetailContainingAlsoSearchesTheResultsText() {
        ProtocolCandidate secretHost = ProtocolCandidate.of(IMAP, IMPLICIT_TLS, PASSWORD + ".example.test", 993);
        IntegrationResult leaky = result(Duration.ofMillis(9),
                Attempt.of(secretHost, REFUSED, Duration.ofMillis(9), "The connection was refused."));

        assertThatThrownBy(() -> assertThat(leaky).hasNoDetailContaining(PASSWORD))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("but the result's text does")
                .hasMessageContaining("IMAP/IMPLICIT_TLS ****.example.test:993");
        assertThatThrownBy(() -> assertThat(leaky).hasNoDetailContaining(""))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aNullResultFailsAndADescriptionIsShown() {
        assertThatThrownBy(() -> assertThat((IntegrationResult) null).isIntegrated())
                .isInstanceOf(AssertionError.class).hasMessageContaining("Expecting actual not to be null");
        assertFailsShowing(() -> assertThat(WRONG_PASSWORD).as("Bob's first try").isIntegrated(), WRONG_PASSWORD)
                .hasMessageStartingWith("[Bob's first try] Expecting");
    }

    @Test
    void assertJsOwnAssertThatStillServesOtherTypes() {
        assertThat(List.of(1, 2)).containsExactly(1, 2);
        assertThat(POP_SELECTED.attempts().get(0)).hasOutcome(REFUSED);
    }

    private static IntegrationResult result(Duration elapsed, Attempt... attempts) {
        return IntegrationResult.of("alice@example.test", List.of(attempts), elapsed);
    }

    /** The assertion fails, and its message holds the whole result: the verdict and every attempt. */
    private static AbstractThrowableAssert<?, ? extends Throwable> assertFailsShowing(
            ThrowingCallable assertion, IntegrationResult found) {
        return assertThatThrownBy(assertion).isInstanceOf(AssertionError.class)
                .hasMessageContaining(found.toString());
    }
}
