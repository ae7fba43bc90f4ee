package org.mailintegrator.core;

import java.util.Objects;

/**
 * One way to reach a mailbox: a protocol, a transport security, a host and a port. A {@link PreferencePolicy}
 * returns candidates in preference order; the {@link Integrator} tries them.
 *
 * <p>Instances are immutable values (equal when all four parts are equal) and thread-safe.
 */
public final class ProtocolCandidate {
    private final MailProtocol protocol;
    private final Security security;
    private final String host;
    private final int port;

    private ProtocolCandidate(MailProtocol protocol, Security security, String host, int port) {
        this.protocol = protocol;
        this.security = security;
        this.host = host;
        this.port = port;
    }

    /**
     * Creates a candidate.
     *
     * @throws NullPointerException if any argument is null
     * <p>An internationalised host name is kept in its IDNA (punycode) form, which DNS and certificate checks use.
     *
     * @throws IllegalArgumentException if the host is blank or holds white space or control characters, is not a
     *     valid internationalised domain name, or the port is outside 1..65535
     */
    public static ProtocolCandidate of(MailProtocol protocol, Security security, String host, int port) {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(security, "security");
        return new ProtocolCandidate(protocol, security, Validation.host(host, "host"), Validation.port(port));
    }

    public MailProtocol protocol() {
        return protocol;
    }

    public Security security() {
        return security;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /**
     * A copy of this candidate on another host, e.g. to route a policy's standard host to a test server.
     *
     * @deprecated routing belongs to the testkit ({@code Routing}); build the candidate you mean with
     *     {@link #of(MailProtocol, Security, String, int)}
     */
    @Deprecated(since = "0.1.0", forRemoval = true)
    public ProtocolCandidate withHost(String newHost) {
        return of(protocol, security, newHost, port);
    }

    /**
     * A copy of this candidate on another port, e.g. to route a policy's standard port to a test server.
     *
     * @deprecated routing belongs to the testkit ({@code Routing}); build the candidate you mean with
     *     {@link #of(MailProtocol, Security, String, int)}
     */
    @Deprecated(since = "0.1.0", forRemoval = true)
    public ProtocolCandidate withPort(int newPort) {
        return of(protocol, security, host, newPort);
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof ProtocolCandidate)) {
            return false;
        }
        ProtocolCandidate that = (ProtocolCandidate) other;
        return port == that.port && protocol == that.protocol && security == that.security && host.equals(that.host);
    }

    @Override
    public int hashCode() {
        return Objects.hash(protocol, security, host, port);
    }

    /** For example {@code IMAP/IMPLICIT_TLS imap.example.com:993}. */
    @Override
    public String toString() {
        return protocol + "/" + security + " " + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
