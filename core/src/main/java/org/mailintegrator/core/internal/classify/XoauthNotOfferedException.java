package org.mailintegrator.core.internal.classify;

import org.eclipse.angus.mail.iap.ProtocolException;

/**
 * The account carries an OAuth2 access token, but the IMAP server does not advertise {@code AUTH=XOAUTH2}: the
 * login stops before any credential is sent, instead of letting Jakarta Mail fall back to {@code LOGIN} with the
 * token as a password.
 */
public final class XoauthNotOfferedException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    public XoauthNotOfferedException() {
        super("the server does not advertise AUTH=XOAUTH2; the access token was not sent");
    }
}
