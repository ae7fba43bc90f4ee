package org.mailintegrator.testkit;

import java.time.Duration;
import java.util.Objects;

/**
 * A way a service can misbehave, as an administrator, a firewall or a broken server would make it. Set with
 * {@link MailServerFixture#fault(Service, Fault)}, undone with {@link MailServerFixture#heal(Service)}; the
 * service keeps its port.
 *
 * <p>Instances are immutable values and thread-safe.
 */
public final class Fault {
    enum Kind { REFUSE, DROP, SILENT, GARBAGE, STALL_TLS, SLOW, RESET }

    /** Nothing listens on the port: connections are refused, as when the service is stopped. */
    public static final Fault REFUSE = new Fault(Kind.REFUSE, Duration.ZERO, 0);
    /**
     * Connection attempts go unanswered, as behind a firewall that drops packets: a client's connect times out.
     * Made without root: the port's listener never accepts and its accept queue is kept full, so the kernel drops
     * new SYNs.
     */
    public static final Fault DROP = new Fault(Kind.DROP, Duration.ZERO, 0);
    /** The connection is accepted (and TLS completed on a TLS service) but the server never says a word. */
    public static final Fault SILENT = new Fault(Kind.SILENT, Duration.ZERO, 0);
    /** The server answers with something that is not the expected protocol (an HTTP error page), then closes. */
    public static final Fault GARBAGE = new Fault(Kind.GARBAGE, Duration.ZERO, 0);
    /**
     * The TLS handshake never completes: on a TLS service the connection is accepted and the client's hello
     * ignored; on a cleartext service STARTTLS/STLS is accepted and then the handshake stalls the same way.
     */
    public static final Fault STALL_TLS = new Fault(Kind.STALL_TLS, Duration.ZERO, 0);

    private final Kind kind;
    private final Duration delay;
    private final long bytes;

    private Fault(Kind kind, Duration delay, long bytes) {
        this.kind = kind;
        this.delay = delay;
        this.bytes = bytes;
    }

    /**
     * Added latency: every chunk of data is held for {@code perDirection} before it is passed on, in each
     * direction, so a command and its answer take at least twice as long.
     *
     * @throws IllegalArgumentException if the delay is negative or longer than a minute
     */
    public static Fault slow(Duration perDirection) {
        Objects.requireNonNull(perDirection, "perDirection");
        if (perDirection.isNegative() || perDirection.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("perDirection must be between 0 and 1 minute, was " + perDirection);
        }
        return new Fault(Kind.SLOW, perDirection, 0);
    }

    /**
     * The connection is reset (TCP RST) once the server has received {@code bytes} bytes from the client after
     * the greeting (counted on the decrypted stream), e.g. in the middle of a login command.
     *
     * @throws IllegalArgumentException if {@code bytes} is negative
     */
    public static Fault resetAfter(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must not be negative, was " + bytes);
        }
        return new Fault(Kind.RESET, Duration.ZERO, bytes);
    }

    Kind kind() {
        return kind;
    }

    Duration delay() {
        return delay;
    }

    long bytes() {
        return bytes;
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof Fault)) {
            return false;
        }
        Fault that = (Fault) other;
        return kind == that.kind && delay.equals(that.delay) && bytes == that.bytes;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, delay, bytes);
    }

    @Override
    public String toString() {
        switch (kind) {
            case SLOW:
                return "SLOW(" + delay.toMillis() + " ms per direction)";
            case RESET:
                return "RESET(after " + bytes + " bytes)";
            default:
                return kind.name();
        }
    }
}
