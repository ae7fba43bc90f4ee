package org.mailintegrator.core.internal.protocol.imap;

import jakarta.mail.Session;
import jakarta.mail.URLName;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;
import org.mailintegrator.core.internal.classify.XoauthNotOfferedException;

/**
 * The IMAP store of an account that carries an OAuth2 access token. Angus tries the listed mechanisms (XOAUTH2
 * alone, by the session's properties) and, when the server advertises none of them, falls back to {@code LOGIN}
 * with the secret as a password; this store stops before that, after TLS and before any credential-bearing
 * command, when the server does not advertise {@code AUTH=XOAUTH2}. Not thread-safe beyond what
 * {@link IMAPStore} guarantees.
 */
final class XoauthOnlyImapStore extends IMAPStore {
    XoauthOnlyImapStore(Session session, URLName url, String name, boolean ssl) {
        super(session, url, name, ssl);
    }

    @Override
    protected void preLogin(IMAPProtocol protocol) throws ProtocolException {
        if (!protocol.hasCapability("AUTH=XOAUTH2")) {
            throw new XoauthNotOfferedException();
        }
    }
}
