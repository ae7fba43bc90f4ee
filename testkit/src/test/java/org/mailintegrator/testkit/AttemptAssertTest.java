package org.mailintegrator.testkit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mailintegrator.core.MailProtocol.IMAP;
import static org.mailintegrator.core.MailProtocol.POP3;
import static org.mailintegrator.core.Outcome.AUTHENTICATED;
import static org.mailintegrator.core.Outcome.NOT_TRIED;
import static org.mailintegrator.core.Outcome.TIMED_OUT;
import static org.mailintegrator.core.Security.IMPLICIT_TLS;
import static org.mailintegrator.core.Security.NONE;
import static org.mailintegrator.testkit.MailIntegratorAssertions.assertThat;

import java.time.Duration;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.ProtocolCandidate;

class AttemptAssertTest {
    private static final ProtocolCandidate IMAPS = ProtocolCandidate.of(IMAP, IMPLICIT_TLS, "imap.example.test", 993);
    private static final Attempt DROPPED = Attempt.of(IMAPS, TIMED_OUT, Duration.ofMillis(700),
            "Connecting to imap.example.test:993 took longer than 700 ms: a firewall may be dropping packets.");
    private static final Attempt SKIPPED = Attempt.of(ProtocolCandidate.of(POP3, NONE, "pop.example.test", 110),
            NOT_TRIED, Duration.ZERO, "Not tried: a more preferred candidate authenticated.");

    @Test
    void hasOutcomePassesForTheOutcomeAndFailsForAnother() {
        assertThat(DROPPED).hasOutcome(TIMED_OUT);

        assertFailsShowing(() -> assertThat(DROPPED).hasOutcome(AUTHENTICATED), DROPPED)
                .hasMessageContaining("Expecting the attempt to have outcome AUTHENTICATED, but it was TIMED_OUT");
    }

    @Test
    void hasOutcomeInPassesForAnyOfTheOutcomesAndFailsForOthers() {
        assertThat(DROPPED).hasOutcomeIn(TIMED_OUT);
        assertThat(DROPPED).hasOutcomeIn(AUTHENTICATED, TIMED_OUT);

        assertFailsShowing(() -> assertThat(DROPPED).hasOutcomeIn(AUTHENTICATED, NOT_TRIED), DROPPED)
                .hasMessageContaining("to have one of the outcomes [AUTHENTICATED, NOT_TRIED], but it was TIMED_OUT");
        assertThatThrownBy(() -> assertThat(DROPPED).hasOutcomeIn()).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void wasNotTriedPassesOnlyForNotTried() {
        assertThat(SKIPPED).wasNotTried();

        assertFailsShowing(() -> assertThat(DROPPED).wasNotTried(), DROPPED)
                .hasMessageContaining("not to have been tried, but it was, with outcome TIMED_OUT");
    }

    @Test
    void hasDetailContainingSearchesTheSentence() {
        assertThat(DROPPED).hasDetailContaining("dropping packets");

        assertFailsShowing(() -> assertThat(DROPPED).hasDetailContaining("refused"), DROPPED)
                .hasMessageContaining("to contain \"refused\", but it was \"Connecting to imap.example.test:993");
    }

    @Test
    void candidateAssertionsCheckEachPart() {
        assertThat(DROPPED).hasCandidate(IMAPS).hasProtocol(IMAP).hasSecurity(IMPLICIT_TLS)
                .hasHost("imap.example.test").hasPort(993);

        assertFailsShowing(() -> assertThat(DROPPED).hasCandidate(ProtocolCandidate.of(IMAP, IMPLICIT_TLS, "imap.example.test", 143)), DROPPED)
                .hasMessageContaining("to be for IMAP/IMPLICIT_TLS imap.example.test:143, but it was for " + IMAPS);
        assertFailsShowing(() -> assertThat(DROPPED).hasProtocol(POP3), DROPPED)
                .hasMessageContaining("to use POP3, but it used IMAP");
        assertFailsShowing(() -> assertThat(DROPPED).hasSecurity(NONE), DROPPED)
                .hasMessageContaining("to have security NONE, but it had IMPLICIT_TLS");
        assertFailsShowing(() -> assertThat(DROPPED).hasHost("pop.example.test"), DROPPED)
                .hasMessageContaining("to be on host pop.example.test, but it was on imap.example.test");
        assertFailsShowing(() -> assertThat(DROPPED).hasPort(995), DROPPED)
                .hasMessageContaining("to be on port 995, but it was on 993");
    }

    @Test
    void tookAtLeastIncludesTheBound() {
        assertThat(DROPPED).tookAtLeast(Duration.ofMillis(700));

        assertFailsShowing(() -> assertThat(DROPPED).tookAtLeast(Duration.ofMillis(701)), DROPPED)
                .hasMessageContaining("to take at least 701 ms, but it took 700 ms");
    }

    @Test
    void tookLessThanExcludesTheBound() {
        assertThat(DROPPED).tookLessThan(Duration.ofMillis(701));

        assertFailsShowing(() -> assertThat(DROPPED).tookLessThan(Duration.ofMillis(700)), DROPPED)
                .hasMessageContaining("to take less than 700 ms, but it took 700 ms");
    }

    @Test
    void tookBetweenIncludesBothBoundsAndShowsFractionsOfAMillisecond() {
        assertThat(DROPPED).tookBetween(Duration.ofMillis(700), Duration.ofMillis(700));

        assertFailsShowing(() -> assertThat(DROPPED).tookBetween(Duration.ZERO, Duration.ofNanos(699_500_000)), DROPPED)
                .hasMessageContaining("to take between 0 ms and 699.5 ms, but it took 700 ms");
        assertThatThrownBy(() -> assertThat(DROPPED).tookBetween(Duration.ofSeconds(1), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aNullAttemptFails() {
        assertThatThrownBy(() -> assertThat((Attempt) null).hasOutcome(TIMED_OUT))
                .isInstanceOf(AssertionError.class).hasMessageContaining("Expecting actual not to be null");
    }

    /** The assertion fails, and its message shows the attempt found. */
    private static AbstractThrowableAssert<?, ? extends Throwable> assertFailsShowing(
            ThrowingCallable assertion, Attempt found) {
        return assertThatThrownBy(assertion).isInstanceOf(AssertionError.class)
                .hasMessageContaining("Found:" + System.lineSeparator() + found);
    }
}
