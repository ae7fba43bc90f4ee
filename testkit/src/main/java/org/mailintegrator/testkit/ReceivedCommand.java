package org.mailintegrator.testkit;

import java.util.Objects;

/**
 * One line a client sent to a {@link MailServerFixture} service, as the server received it, and whether it came
 * over TLS. Lines are recorded as sent, credentials included: that is what lets a test prove that a password did
 * or did not cross a connection in cleartext.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ReceivedCommand {
    private final Service service;
    private final String line;
    private final boolean overTls;

    ReceivedCommand(Service service, String line, boolean overTls) {
        this.service = service;
        this.line = line;
        this.overTls = overTls;
    }

    /** The service that received the line. */
    public Service service() {
        return service;
    }

    /** The line without its line ending; at most 1,000 characters are kept. */
    public String line() {
        return line;
    }

    /** Whether the line came over TLS (implicit, or after STARTTLS/STLS). */
    public boolean overTls() {
        return overTls;
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof ReceivedCommand)) {
            return false;
        }
        ReceivedCommand that = (ReceivedCommand) other;
        return service == that.service && line.equals(that.line) && overTls == that.overTls;
    }

    @Override
    public int hashCode() {
        return Objects.hash(service, line, overTls);
    }

    /** For example {@code IMAP (cleartext): A1 LOGIN alice secret}. */
    @Override
    public String toString() {
        return service.name() + (overTls ? " (TLS): " : " (cleartext): ") + line;
    }
}
