package org.mailintegrator.testkit;

import static org.mailintegrator.testkit.AssertionText.bound;
import static org.mailintegrator.testkit.AssertionText.bounds;
import static org.mailintegrator.testkit.AssertionText.millis;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.assertj.core.api.AbstractAssert;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;

/**
 * AssertJ assertions on one {@link Attempt}. Every failure message shows the attempt found; when reached from a
 * result ({@link IntegrationResultAssert#attempt(int)}, {@link IntegrationResultAssert#attemptFor(ProtocolCandidate)})
 * it also shows the whole result.
 *
 * <pre>{@code
 * assertThat(result).attempt(1)
 *         .hasProtocol(MailProtocol.IMAP)
 *         .hasOutcome(Outcome.TIMED_OUT)
 *         .tookAtLeast(connectTimeout);
 * }</pre>
 *
 * <p>Obtained from {@link MailIntegratorAssertions#assertThat(Attempt)}. Like every AssertJ assert, not
 * thread-safe: use it from the test's thread.
 */
public final class AttemptAssert extends AbstractAssert<AttemptAssert, Attempt> {
    private final String name;
    private final @Nullable IntegrationResult result;

    AttemptAssert(Attempt actual, String name, @Nullable IntegrationResult result) {
        super(actual, AttemptAssert.class);
        this.name = name;
        this.result = result;
    }

    /** Starts assertions on {@code actual}; same as {@link MailIntegratorAssertions#assertThat(Attempt)}. */
    public static AttemptAssert assertThat(Attempt actual) {
        return new AttemptAssert(actual, "the attempt", null);
    }

    /** Checks the outcome. */
    public AttemptAssert hasOutcome(Outcome expected) {
        Objects.requireNonNull(expected, "expected");
        isNotNull();
        if (actual.outcome() != expected) {
            fail("Expecting " + name + " to have outcome " + expected + ", but it was " + actual.outcome());
        }
        return this;
    }

    /**
     * Checks that the outcome is one of {@code expected}, for a server whose misbehaviour may end an attempt in more
     * than one acceptable way (e.g. {@link Outcome#TLS_FAILED} or {@link Outcome#TIMED_OUT}).
     *
     * @throws IllegalArgumentException if no outcome is given
     */
    public AttemptAssert hasOutcomeIn(Outcome... expected) {
        List<Outcome> outcomes = List.of(expected);
        if (outcomes.isEmpty()) {
            throw new IllegalArgumentException("expected must name at least one outcome");
        }
        isNotNull();
        if (!outcomes.contains(actual.outcome())) {
            fail("Expecting " + name + " to have one of the outcomes " + outcomes + ", but it was " + actual.outcome());
        }
        return this;
    }

    /**
     * Checks that the candidate was not needed: never started ({@link Outcome#NOT_TRIED}) or stopped when a more
     * preferred one authenticated ({@link Outcome#SUPERSEDED}); which of the two depends on timing.
     */
    public AttemptAssert wasNotNeeded() {
        return hasOutcomeIn(Outcome.NOT_TRIED, Outcome.SUPERSEDED);
    }

    /**
     * Checks that the candidate was never given the credentials ({@link Outcome#NOT_TRIED}). After a more preferred
     * candidate authenticated it may instead be {@link Outcome#SUPERSEDED}, depending on timing: use
     * {@link #wasNotNeeded()} there.
     */
    public AttemptAssert wasNotTried() {
        isNotNull();
        if (actual.outcome() != Outcome.NOT_TRIED) {
            fail("Expecting " + name + " not to have been tried, but it was, with outcome " + actual.outcome());
        }
        return this;
    }

    /** Checks that the detail sentence contains {@code expected}, case included. */
    public AttemptAssert hasDetailContaining(String expected) {
        Objects.requireNonNull(expected, "expected");
        isNotNull();
        if (!actual.detail().contains(expected)) {
            fail("Expecting the detail of " + name + " to contain \"" + expected + "\", but it was \""
                    + actual.detail() + "\"");
        }
        return this;
    }

    /** Checks the whole candidate: protocol, security, host and port. */
    public AttemptAssert hasCandidate(ProtocolCandidate expected) {
        Objects.requireNonNull(expected, "expected");
        isNotNull();
        if (!actual.candidate().equals(expected)) {
            fail("Expecting " + name + " to be for " + expected + ", but it was for " + actual.candidate());
        }
        return this;
    }

    /** Checks the candidate's protocol. */
    public AttemptAssert hasProtocol(MailProtocol expected) {
        Objects.requireNonNull(expected, "expected");
        isNotNull();
        if (actual.candidate().protocol() != expected) {
            fail("Expecting " + name + " to use " + expected + ", but it used " + actual.candidate().protocol());
        }
        return this;
    }

    /** Checks the candidate's security. */
    public AttemptAssert hasSecurity(Security expected) {
        Objects.requireNonNull(expected, "expected");
        isNotNull();
        if (actual.candidate().security() != expected) {
            fail("Expecting " + name + " to have security " + expected + ", but it had "
                    + actual.candidate().security());
        }
        return this;
    }

    /** Checks the candidate's host, exactly as the policy gave it. */
    public AttemptAssert hasHost(String expected) {
        Objects.requireNonNull(expected, "expected");
        isNotNull();
        if (!actual.candidate().host().equals(expected)) {
            fail("Expecting " + name + " to be on host " + expected + ", but it was on " + actual.candidate().host());
        }
        return this;
    }

    /** Checks the candidate's port. */
    public AttemptAssert hasPort(int expected) {
        isNotNull();
        if (actual.candidate().port() != expected) {
            fail("Expecting " + name + " to be on port " + expected + ", but it was on " + actual.candidate().port());
        }
        return this;
    }

    /** Checks that the attempt took {@code min} or longer, e.g. at least the timeout it reports. */
    public AttemptAssert tookAtLeast(Duration min) {
        bound(min, "min");
        isNotNull();
        if (actual.elapsed().compareTo(min) < 0) {
            fail("Expecting " + name + " to take at least " + millis(min) + ", but it took "
                    + millis(actual.elapsed()));
        }
        return this;
    }

    /** Checks that the attempt took less than {@code max}. */
    public AttemptAssert tookLessThan(Duration max) {
        bound(max, "max");
        isNotNull();
        if (actual.elapsed().compareTo(max) >= 0) {
            fail("Expecting " + name + " to take less than " + millis(max) + ", but it took "
                    + millis(actual.elapsed()));
        }
        return this;
    }

    /** Checks that the attempt took from {@code min} to {@code max}, both included. */
    public AttemptAssert tookBetween(Duration min, Duration max) {
        bounds(min, max);
        isNotNull();
        if (actual.elapsed().compareTo(min) < 0 || actual.elapsed().compareTo(max) > 0) {
            fail("Expecting " + name + " to take between " + millis(min) + " and " + millis(max) + ", but it took "
                    + millis(actual.elapsed()));
        }
        return this;
    }

    /** Fails with {@code expectation} (plain text, not a format), then the attempt and, if known, its result. */
    private void fail(String expectation) {
        if (result == null) {
            failWithMessage("%s. Found:%n%s", expectation, actual);
        } else {
            failWithMessage("%s. Found:%n%s%nin the result:%n%s", expectation, actual, result);
        }
    }
}
