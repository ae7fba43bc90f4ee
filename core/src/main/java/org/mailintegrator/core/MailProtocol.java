package org.mailintegrator.core;

/**
 * An incoming-mail access protocol that a {@link ProtocolCandidate} can name. Which ports to try is the
 * {@link PreferencePolicy}'s choice, not the protocol's.
 *
 * <p>This enum is immutable and thread-safe.
 */
public enum MailProtocol {
    /** IMAP4rev1 (RFC 3501): the mailbox stays on the server. Standard ports 143 and 993 (TLS). */
    IMAP,
    /** POP3 (RFC 1939): messages are downloaded. Standard ports 110 and 995 (TLS). */
    POP3
}
