package org.mailintegrator.core.internal.classify;

import org.eclipse.angus.mail.iap.ProtocolException;
import org.jspecify.annotations.Nullable;

/**
 * The server refused an OAuth2 access token: its final answer, and the error status it sent as a SASL challenge
 * before it (RFC 7628's JSON, which Gmail and Dovecot also send for XOAUTH2), decoded. Neither holds the token.
 */
public final class TokenRejectedException extends ProtocolException {
    private static final long serialVersionUID = 1L;
    private final String mechanism;
    private final String answer;
    private final @Nullable String status;
    private final @Nullable String scope;

    /**
     * @param answer the server's final answer, without tag or status word
     * @param status the {@code status} of the JSON error challenge, if one came
     * @param scope the {@code scope} the JSON error names, if any
     */
    public TokenRejectedException(String mechanism, String answer, @Nullable String status, @Nullable String scope) {
        super(mechanism + " login refused: " + answer + (status == null ? "" : " (status " + status + ")"));
        this.mechanism = mechanism;
        this.answer = answer;
        this.status = status;
        this.scope = scope;
    }

    public String mechanism() {
        return mechanism;
    }

    public String answer() {
        return answer;
    }

    public @Nullable String status() {
        return status;
    }

    public @Nullable String scope() {
        return scope;
    }
}
