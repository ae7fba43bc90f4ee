package org.mailintegrator.testkit;

import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.IntegrationResult;

/**
 * Entry point for the AssertJ assertions on Mail Integrator's results. Import its {@code assertThat} methods next to
 * AssertJ's own; overload resolution picks these for an {@link IntegrationResult} or an {@link Attempt}.
 *
 * <pre>{@code
 * import static org.mailintegrator.testkit.MailIntegratorAssertions.assertThat;
 *
 * IntegrationResult result = integrator.integrate(account);
 *
 * assertThat(result)
 *         .isIntegrated()
 *         .hasSelected(MailProtocol.POP3, Security.IMPLICIT_TLS)
 *         .hasOutcomesThenNotNeeded(Outcome.REFUSED, Outcome.AUTHENTICATED)   // then NOT_TRIED or SUPERSEDED
 *         .sentNoCredentialsInCleartext();
 * assertThat(result).attempt(1).hasDetailContaining("refused");
 * }</pre>
 *
 * <p>A failed assertion shows what was found: the whole result, one line per attempt. Stateless: its methods may be
 * called from any thread; each assertion object they return belongs to the thread that uses it, as AssertJ's do.
 */
public final class MailIntegratorAssertions {
    private MailIntegratorAssertions() {
    }

    /** Starts assertions on an integration result. */
    public static IntegrationResultAssert assertThat(IntegrationResult actual) {
        return IntegrationResultAssert.assertThat(actual);
    }

    /** Starts assertions on one attempt. */
    public static AttemptAssert assertThat(Attempt actual) {
        return AttemptAssert.assertThat(actual);
    }

    /** Starts assertions on what a fixture's services received, e.g. {@code submittedNoMessage()}. */
    public static ServerAssert assertThat(MailServerFixture actual) {
        return new ServerAssert(actual.received(), "the fixture " + actual);
    }

    /** Starts assertions on what a hostile server received, e.g. {@code submittedNoMessage()}. */
    public static ServerAssert assertThat(HostileMailServer actual) {
        return new ServerAssert(actual.received(), "the server " + actual);
    }
}
