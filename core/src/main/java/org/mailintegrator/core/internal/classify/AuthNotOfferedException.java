package org.mailintegrator.core.internal.classify;

import org.eclipse.angus.mail.iap.ProtocolException;

/**
 * An SMTP server's {@code EHLO} answer offered no {@code AUTH}: it would take mail without checking who sends it, or
 * offers sign-in only after a STARTTLS the candidate did not do. Nothing was sent, and the candidate is not verified.
 */
public final class AuthNotOfferedException extends ProtocolException {
    private static final long serialVersionUID = 1L;
    private final boolean startTlsOffered;

    /** {@code startTlsOffered}: the server offered STARTTLS on a connection the candidate keeps without TLS. */
    public AuthNotOfferedException(boolean startTlsOffered) {
        super("the server offers no AUTH" + (startTlsOffered ? " before STARTTLS" : "")
                + "; no credential was sent");
        this.startTlsOffered = startTlsOffered;
    }

    /** Whether the server offered STARTTLS on a connection the candidate keeps without TLS. */
    public boolean startTlsOffered() {
        return startTlsOffered;
    }
}
