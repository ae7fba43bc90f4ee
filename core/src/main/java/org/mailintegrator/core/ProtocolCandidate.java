package org.mailintegrator.core;

import java.util.Objects;

/**
 * One way to reach a mailbox: a protocol, a transport security, a host and a port. A {@link PreferencePolicy}
 * returns candidates in preference order; the {@link Integrator} tries them.
 *
 * <p>An immutable value, equal to another when all four parts are equal; thread-safe.
 *
 * @param protocol the mail protocol
 * @param security how the connection is protected
 * @param host the host name or IP address; an internationalised name in its IDNA (ASCII) form
 * @param port the TCP port, 1 to 65535
 */
public record ProtocolCandidate(MailProtocol protocol, Security security, String host, int port) {
    /**
     * Creates a candidate. An internationalised host name is kept in its IDNA (punycode) form, which DNS and
     * certificate checks use.
     *
     * @throws NullPointerException if any argument is null
     * @throws IllegalArgumentException if the host is blank or holds white space or control characters, is not a
     *     valid internationalised domain name, or the port is outside 1..65535
     */
    public ProtocolCandidate {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(security, "security");
        host = Validation.host(host, "host");
        port = Validation.port(port);
    }

    /**
     * Creates a candidate; the same as the constructor.
     *
     * @throws NullPointerException if any argument is null
     * @throws IllegalArgumentException if the host is blank or holds white space or control characters, is not a
     *     valid internationalised domain name, or the port is outside 1..65535
     */
    public static ProtocolCandidate of(MailProtocol protocol, Security security, String host, int port) {
        return new ProtocolCandidate(protocol, security, host, port);
    }

    /** For example {@code IMAP/IMPLICIT_TLS imap.example.com:993}; an IPv6 literal in brackets. */
    @Override
    public String toString() {
        return protocol + "/" + security + " " + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
