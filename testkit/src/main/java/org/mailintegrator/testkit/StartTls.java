package org.mailintegrator.testkit;

/**
 * What a cleartext service ({@link Service#IMAP}, {@link Service#POP3}) does about IMAP {@code STARTTLS} and POP3
 * {@code STLS}. Set with {@link MailServerFixture.Builder#startTls(StartTls)} or
 * {@link MailServerFixture#startTls(Service, StartTls)}.
 *
 * <p>This enum is immutable and thread-safe.
 */
public enum StartTls {
    /** Advertised in the capabilities, and the upgrade happens for real with the fixture's certificate. */
    OFFERED,
    /** Not advertised, as on a server without TLS, or with the capability stripped by a man in the middle. */
    NOT_OFFERED,
    /** Advertised, but the command is answered with {@code NO} (IMAP) or {@code -ERR} (POP3). */
    REFUSED
}
