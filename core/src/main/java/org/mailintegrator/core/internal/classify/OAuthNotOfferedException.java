package org.mailintegrator.core.internal.classify;

import org.eclipse.angus.mail.iap.ProtocolException;

/**
 * The account carries an OAuth2 access token, but the server advertises neither {@code OAUTHBEARER} nor
 * {@code XOAUTH2}: the login stops before any credential is sent, instead of letting Jakarta Mail fall back to a
 * password command with the token in it.
 */
public final class OAuthNotOfferedException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    public OAuthNotOfferedException() {
        super("the server advertises no OAuth2 SASL mechanism; the access token was not sent");
    }
}
