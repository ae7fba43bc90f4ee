package org.mailintegrator.core;

/**
 * A mail protocol that a {@link ProtocolCandidate} can name: two to read mail (IMAP, POP3), one to send it (SMTP
 * submission). Which ports to try is the
 * {@link PreferencePolicy}'s choice, not the protocol's.
 *
 * <p>This enum is immutable and thread-safe.
 */
public enum MailProtocol {
    /** IMAP4rev1 (RFC 3501): the mailbox stays on the server. Standard ports 143 and 993 (TLS). */
    IMAP,
    /** POP3 (RFC 1939): messages are downloaded. Standard ports 110 and 995 (TLS). */
    POP3,
    /**
     * SMTP submission (RFC 6409, RFC 8314): the server that sends the account's mail. A candidate is verified by
     * signing in, never by sending a message. Standard ports 465 (TLS) and 587 (STARTTLS).
     */
    SMTP;

    /** Whether this protocol reads the account's mail (IMAP, POP3) rather than sending it (SMTP). */
    public boolean isIncoming() {
        return this != SMTP;
    }
}
