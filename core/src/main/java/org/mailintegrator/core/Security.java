package org.mailintegrator.core;

/**
 * How a {@link ProtocolCandidate} protects the connection, and so the credentials.
 *
 * <p>This enum is immutable and thread-safe.
 */
public enum Security {
    /** TLS from the first byte (RFC 8314), as on ports 993 and 995. */
    IMPLICIT_TLS,
    /**
     * A cleartext connection upgraded with IMAP {@code STARTTLS} or POP3 {@code STLS} before any credential is
     * sent. The upgrade is required: a server that does not offer it, or refuses it, never sees the credentials.
     */
    STARTTLS,
    /** Cleartext throughout: the password crosses the network readable by anyone on the path. */
    NONE;

    /** Whether credentials sent on a candidate with this security are protected by TLS. */
    public boolean protectsCredentials() {
        return this != NONE;
    }
}
