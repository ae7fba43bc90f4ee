package org.mailintegrator.testkit;

import static org.mailintegrator.testkit.AssertionText.bound;
import static org.mailintegrator.testkit.AssertionText.bounds;
import static org.mailintegrator.testkit.AssertionText.millis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.assertj.core.api.AbstractAssert;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;

/**
 * AssertJ assertions on an {@link IntegrationResult}. Every failure message ends with the whole result: the verdict,
 * then each attempt in preference order, numbered from 1 as in the knowledge-base list.
 *
 * <pre>{@code
 * assertThat(result)
 *         .isIntegrated()
 *         .hasSelected(MailProtocol.IMAP, Security.IMPLICIT_TLS)
 *         .hasNoDetailContaining(password);
 * }</pre>
 *
 * <p>Obtained from {@link MailIntegratorAssertions#assertThat(IntegrationResult)}. Like every AssertJ assert, not
 * thread-safe: use it from the test's thread.
 */
public final class IntegrationResultAssert extends AbstractAssert<IntegrationResultAssert, IntegrationResult> {
    private static final String MASK = "****";

    private IntegrationResultAssert(IntegrationResult actual) {
        super(actual, IntegrationResultAssert.class);
    }

    /** Starts assertions on {@code actual}; same as {@link MailIntegratorAssertions#assertThat(IntegrationResult)}. */
    public static IntegrationResultAssert assertThat(IntegrationResult actual) {
        return new IntegrationResultAssert(actual);
    }

    /** Checks that a candidate authenticated, so that the account is configured. */
    public IntegrationResultAssert isIntegrated() {
        isNotNull();
        if (!actual.isIntegrated()) {
            fail("Expecting " + actual.emailAddress() + " to be integrated, but no candidate authenticated");
        }
        return this;
    }

    /** Checks that no candidate authenticated. */
    public IntegrationResultAssert isNotIntegrated() {
        isNotNull();
        actual.selected().ifPresent(selected -> fail(
                "Expecting " + actual.emailAddress() + " not to be integrated, but it was, with " + selected));
        return this;
    }

    /** Checks that {@code expected} is the selected candidate: the most preferred one that authenticated. */
    public IntegrationResultAssert hasSelected(ProtocolCandidate expected) {
        Objects.requireNonNull(expected, "expected");
        isNotNull();
        if (!actual.selected().equals(Optional.of(expected))) {
            fail("Expecting " + expected + " to be selected, but " + selectedText());
        }
        return this;
    }

    /**
     * Checks the protocol and security of the selected candidate, whatever its host and port (a test server's are
     * often dynamic).
     */
    public IntegrationResultAssert hasSelected(MailProtocol protocol, Security security) {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(security, "security");
        isNotNull();
        boolean matches = actual.selected()
                .filter(selected -> selected.protocol() == protocol && selected.security() == security)
                .isPresent();
        if (!matches) {
            fail("Expecting a " + protocol + "/" + security + " candidate to be selected, but " + selectedText());
        }
        return this;
    }

    /** Checks the outcome of every attempt: exactly these, in preference order. */
    public IntegrationResultAssert hasOutcomes(Outcome... expected) {
        List<Outcome> expectedOutcomes = List.of(expected);
        isNotNull();
        List<Outcome> outcomes = actual.attempts().stream().map(Attempt::outcome).toList();
        if (!outcomes.equals(expectedOutcomes)) {
            fail("Expecting outcomes " + expectedOutcomes + " in preference order, but found " + outcomes);
        }
        return this;
    }

    /**
     * Checks the outcomes of the first attempts, in preference order, and that every later one was not needed
     * ({@link Outcome#NOT_TRIED} if it had not started when a more preferred candidate authenticated,
     * {@link Outcome#SUPERSEDED} if it had: which of the two depends on timing, the rest of the result does not).
     */
    public IntegrationResultAssert hasOutcomesThenNotNeeded(Outcome... first) {
        List<Outcome> expectedOutcomes = List.of(first);
        isNotNull();
        List<Outcome> outcomes = actual.attempts().stream().map(Attempt::outcome).toList();
        boolean matches = outcomes.size() >= expectedOutcomes.size()
                && outcomes.subList(0, expectedOutcomes.size()).equals(expectedOutcomes)
                && outcomes.subList(expectedOutcomes.size(), outcomes.size()).stream()
                        .allMatch(outcome -> outcome == Outcome.NOT_TRIED || outcome == Outcome.SUPERSEDED);
        if (!matches) {
            fail("Expecting outcomes " + expectedOutcomes + " in preference order, then only NOT_TRIED or SUPERSEDED, "
                    + "but found " + outcomes);
        }
        return this;
    }

    /** Checks the candidates that were tried: exactly these, in preference order. */
    public IntegrationResultAssert hasCandidates(ProtocolCandidate... expected) {
        List<ProtocolCandidate> expectedCandidates = List.of(expected);
        isNotNull();
        List<ProtocolCandidate> candidates = actual.attempts().stream().map(Attempt::candidate).toList();
        if (!candidates.equals(expectedCandidates)) {
            fail("Expecting candidates " + expectedCandidates + " in preference order, but found " + candidates);
        }
        return this;
    }

    /**
     * Checks that there is an attempt at {@code position} and continues with assertions on it. Positions count
     * from 1, in preference order, as in the knowledge-base list; a failure on the attempt shows the whole result.
     */
    public AttemptAssert attempt(int position) {
        isNotNull();
        List<Attempt> attempts = actual.attempts();
        if (position < 1 || position > attempts.size()) {
            fail("Expecting an attempt at position " + position + " (counted from 1), but there are "
                    + attempts.size() + " attempts");
        }
        return new AttemptAssert(attempts.get(position - 1), "attempt " + position, actual);
    }

    /**
     * Checks that the policy listed {@code candidate} and continues with assertions on its attempt; a failure on
     * the attempt shows the whole result.
     */
    public AttemptAssert attemptFor(ProtocolCandidate candidate) {
        Objects.requireNonNull(candidate, "candidate");
        isNotNull();
        Optional<Attempt> attempt = actual.attempt(candidate);
        if (attempt.isEmpty()) {
            fail("Expecting an attempt for " + candidate + ", but the policy did not list it");
        }
        return new AttemptAssert(attempt.get(), "the attempt for " + candidate, actual);
    }

    /** Checks that the whole integration took less than {@code max}. */
    public IntegrationResultAssert tookLessThan(Duration max) {
        bound(max, "max");
        isNotNull();
        if (actual.elapsed().compareTo(max) >= 0) {
            fail("Expecting the integration to take less than " + millis(max) + ", but it took "
                    + millis(actual.elapsed()));
        }
        return this;
    }

    /** Checks that the whole integration took from {@code min} to {@code max}, both included. */
    public IntegrationResultAssert tookBetween(Duration min, Duration max) {
        bounds(min, max);
        isNotNull();
        if (actual.elapsed().compareTo(min) < 0 || actual.elapsed().compareTo(max) > 0) {
            fail("Expecting the integration to take between " + millis(min) + " and " + millis(max)
                    + ", but it took " + millis(actual.elapsed()));
        }
        return this;
    }

    /**
     * Checks that no {@link Security#NONE} attempt got as far as the server's verdict on the credentials, i.e. that
     * none has the outcome {@link Outcome#AUTHENTICATED} or {@link Outcome#AUTH_FAILED}: such an attempt certainly
     * sent the password in cleartext.
     *
     * <p>This is what the client side can know. A cleartext attempt that ended otherwise (a timeout or a broken
     * connection after the login command) may still have sent the credentials; the server's record of the commands
     * it received is the proof from the other side: with a {@link MailServerFixture}, also check that
     * {@link MailServerFixture#receivedInCleartext(String) receivedInCleartext(password)} is false.
     */
    public IntegrationResultAssert sentNoCredentialsInCleartext() {
        isNotNull();
        List<String> cleartext = new ArrayList<>();
        List<Attempt> attempts = actual.attempts();
        for (int i = 0; i < attempts.size(); i++) {
            Attempt attempt = attempts.get(i);
            boolean verdict = attempt.outcome() == Outcome.AUTHENTICATED || attempt.outcome() == Outcome.AUTH_FAILED;
            if (attempt.candidate().security() == Security.NONE && verdict) {
                cleartext.add((i + 1) + ". " + attempt.candidate() + " -> " + attempt.outcome());
            }
        }
        if (!cleartext.isEmpty()) {
            fail("Expecting no credentials sent in cleartext, but these Security.NONE attempts reached the server's"
                    + " verdict on them: " + cleartext);
        }
        return this;
    }

    /**
     * Checks that no attempt's detail, nor the result's text ({@link IntegrationResult#toString()}), contains
     * {@code secret}, typically the password. A failure message names the attempts that do, and shows the result
     * with the secret replaced by {@code ****}, so that the report does not spread it further.
     *
     * @throws IllegalArgumentException if {@code secret} is empty
     */
    public IntegrationResultAssert hasNoDetailContaining(String secret) {
        Objects.requireNonNull(secret, "secret");
        if (secret.isEmpty()) {
            throw new IllegalArgumentException("secret must not be empty");
        }
        isNotNull();
        List<Integer> positions = new ArrayList<>();
        List<Attempt> attempts = actual.attempts();
        for (int i = 0; i < attempts.size(); i++) {
            if (attempts.get(i).detail().contains(secret)) {
                positions.add(i + 1);
            }
        }
        String text = actual.toString();
        if (!positions.isEmpty() || text.contains(secret)) {
            String where = positions.isEmpty() ? "the result's text does"
                    : "the details of attempts " + positions + " do";
            failWithMessage("Expecting no detail to contain the secret (shown here as %s), but %s. Found:%n%s",
                    MASK, where, text.replace(secret, MASK));
        }
        return this;
    }

    private String selectedText() {
        return actual.selected().map(selected -> selected + " was").orElse("none was");
    }

    /** Fails with {@code expectation} (plain text, not a format), then the whole result. */
    private void fail(String expectation) {
        failWithMessage("%s. Found:%n%s", expectation, actual);
    }
}
