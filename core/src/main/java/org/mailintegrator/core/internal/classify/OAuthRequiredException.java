package org.mailintegrator.core.internal.classify;

import org.eclipse.angus.mail.iap.ProtocolException;

/**
 * The account carries a password, but the server (over TLS) offers only OAuth2 mechanisms and no password login:
 * the login stops before the password is sent.
 */
public final class OAuthRequiredException extends ProtocolException {
    private static final long serialVersionUID = 1L;
    private final String mechanisms;

    /** {@code mechanisms}: what the server advertised, as it wrote them. */
    public OAuthRequiredException(String mechanisms) {
        super("the server offers only OAuth2 sign-in (" + mechanisms + "); the password was not sent");
        this.mechanisms = mechanisms;
    }

    public String mechanisms() {
        return mechanisms;
    }
}
