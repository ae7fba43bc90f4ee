package org.mailintegrator.core.internal.classify;

import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.Explanation;
import org.mailintegrator.core.Outcome;

/**
 * What a failed attempt amounts to: its outcome, the sentence for a help-desk person, the rule that decided, the
 * failure itself as a redacted copy of its exception chain, and, where the outcome alone does not tell it, the cause
 * in {@link Explanation}'s terms (which of the ways TLS can fail); null when the outcome and phase say it all.
 * Immutable.
 */
public record Verdict(Outcome outcome, String detail, String rule, Throwable cause,
        Explanation.@Nullable Cause explainedAs) {
}
