package org.mailintegrator.core;

/**
 * An incoming-mail access protocol that a {@link ProtocolCandidate} can name.
 *
 * <p>This enum is immutable and thread-safe.
 */
public enum MailProtocol {
    /** IMAP4rev1 (RFC 3501): the mailbox stays on the server. Standard ports 143 and 993 (TLS). */
    IMAP(143, 993),
    /** POP3 (RFC 1939): messages are downloaded. Standard ports 110 and 995 (TLS). */
    POP3(110, 995);

    private final int standardPort;
    private final int standardTlsPort;

    MailProtocol(int standardPort, int standardTlsPort) {
        this.standardPort = standardPort;
        this.standardTlsPort = standardTlsPort;
    }

    /**
     * The IANA port for cleartext or STARTTLS access: 143 for IMAP, 110 for POP3.
     *
     * @deprecated unused by the library, and ports belong to policies; to be removed
     */
    @Deprecated(since = "0.1.0", forRemoval = true)
    public int standardPort() {
        return standardPort;
    }

    /**
     * The IANA port for implicit TLS (RFC 8314): 993 for IMAP, 995 for POP3.
     *
     * @deprecated unused by the library, and ports belong to policies; to be removed
     */
    @Deprecated(since = "0.1.0", forRemoval = true)
    public int standardTlsPort() {
        return standardTlsPort;
    }
}
