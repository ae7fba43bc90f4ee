package org.mailintegrator.core.internal.classify;

import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.MailProtocol;

/**
 * What an attempt saw of the server on its way to the failure, besides the failure itself: what the server
 * advertised before the login, and, for POP3, whether it accepted the first credential command ({@code USER}), so
 * that the {@code PASS} that followed, and not the user name, is what its last answer refused. Immutable.
 *
 * @param firstLoginAnswerPositive whether the server's answer to the first credential command was positive
 *     ({@code +OK}); null when no answer was seen, or the protocol has no such step
 */
public record Observed(Advertised advertised, @Nullable Boolean firstLoginAnswerPositive) {
    /** Nothing seen: no capabilities, no answer to a credential command. */
    public static Observed nothing(MailProtocol protocol) {
        return new Observed(Advertised.none(protocol), null);
    }
}
