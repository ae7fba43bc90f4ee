package org.mailintegrator.testkit;

/**
 * A way a service can misbehave, as an administrator or a network would make it. Set with
 * {@link MailServerFixture#fault(Service, Fault)}, undone with {@link MailServerFixture#heal(Service)}.
 *
 * <p>This enum is immutable and thread-safe.
 */
public enum Fault {
    /** Nothing listens on the port: connections are refused, as when the service is stopped. */
    REFUSE,
    /**
     * Connection attempts go unanswered, as behind a firewall that drops packets: a client's connect times out.
     * Made without root: the port's listener never accepts and its accept queue is kept full, so the kernel
     * drops new SYNs.
     */
    DROP,
    /** The connection is accepted (and TLS completed on a TLS service) but the server never says a word. */
    SILENT,
    /** The server answers with something that is not the expected protocol (an HTTP error page). */
    GARBAGE
}
