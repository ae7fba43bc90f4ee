package org.mailintegrator.core.internal.classify;

import org.eclipse.angus.mail.iap.ProtocolException;

/**
 * The account carries a password, but what the server advertised offers no password login the library lets Jakarta
 * Mail use on this connection: IMAP {@code LOGINDISABLED} with no {@code AUTH=PLAIN} or {@code AUTH=LOGIN} (perhaps
 * {@code AUTH=NTLM} only), or, on a cleartext POP3 connection, {@code STLS} offered but neither {@code USER} nor a
 * SASL mechanism the library uses. The login stops before any credential is sent, the user name included.
 */
public final class PasswordLoginNotOfferedException extends ProtocolException {
    private static final long serialVersionUID = 1L;
    private final String advertised;
    private final boolean overTls;

    /**
     * @param advertised what the server advertised that decides it, as it wrote it
     * @param overTls whether the connection was protected by TLS
     */
    public PasswordLoginNotOfferedException(String advertised, boolean overTls) {
        super("the server offers no password login the client uses " + (overTls ? "over TLS" : "without TLS") + " ("
                + advertised + "); no credential was sent");
        this.advertised = advertised;
        this.overTls = overTls;
    }

    /** What the server advertised, as it wrote it. */
    public String advertised() {
        return advertised;
    }

    /** Whether the connection was protected by TLS. */
    public boolean overTls() {
        return overTls;
    }
}
