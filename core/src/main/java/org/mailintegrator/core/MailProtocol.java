package org.mailintegrator.core;

/**
 * An incoming-mail access protocol that a {@link ProtocolCandidate} can name.
 *
 * <p>This enum is immutable and thread-safe.
 */
public enum MailProtocol {
    /** IMAP4rev1 (RFC 3501): the mailbox stays on the server. Standard ports 143 and 993 (TLS). */
    IMAP("imap", 143, 993),
    /** POP3 (RFC 1939): messages are downloaded. Standard ports 110 and 995 (TLS). */
    POP3("pop3", 110, 995);

    private final String storeName;
    private final int standardPort;
    private final int standardTlsPort;

    MailProtocol(String storeName, int standardPort, int standardTlsPort) {
        this.storeName = storeName;
        this.standardPort = standardPort;
        this.standardTlsPort = standardTlsPort;
    }

    /** The IANA port for cleartext or STARTTLS access: 143 for IMAP, 110 for POP3. */
    public int standardPort() {
        return standardPort;
    }

    /** The IANA port for implicit TLS (RFC 8314): 993 for IMAP, 995 for POP3. */
    public int standardTlsPort() {
        return standardTlsPort;
    }

    /** The Jakarta Mail store protocol name for this protocol with the given security, e.g. {@code imaps}. */
    String storeName(Security security) {
        return security == Security.IMPLICIT_TLS ? storeName + "s" : storeName;
    }
}
