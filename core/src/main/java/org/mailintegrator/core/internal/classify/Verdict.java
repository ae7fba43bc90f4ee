package org.mailintegrator.core.internal.classify;

import org.mailintegrator.core.Outcome;

/**
 * What a failed attempt amounts to: its outcome, the sentence for a help-desk person, the rule that decided, and
 * the failure itself as a redacted copy of its exception chain. Immutable.
 */
public record Verdict(Outcome outcome, String detail, String rule, Throwable cause) {
}
