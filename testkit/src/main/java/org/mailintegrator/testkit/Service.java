package org.mailintegrator.testkit;

import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.Security;

/**
 * A mail service that a {@link MailServerFixture} can run, with the standard port it stands in for.
 *
 * <p>This enum is immutable and thread-safe.
 */
public enum Service {
    /** IMAP in cleartext, standing in for port 143. */
    IMAP(MailProtocol.IMAP, Security.NONE, 143),
    /** IMAP over implicit TLS, standing in for port 993. */
    IMAPS(MailProtocol.IMAP, Security.IMPLICIT_TLS, 993),
    /** POP3 in cleartext, standing in for port 110. */
    POP3(MailProtocol.POP3, Security.NONE, 110),
    /** POP3 over implicit TLS, standing in for port 995. */
    POP3S(MailProtocol.POP3, Security.IMPLICIT_TLS, 995);

    private final MailProtocol protocol;
    private final Security security;
    private final int standardPort;

    Service(MailProtocol protocol, Security security, int standardPort) {
        this.protocol = protocol;
        this.security = security;
        this.standardPort = standardPort;
    }

    public MailProtocol protocol() {
        return protocol;
    }

    /** {@link Security#IMPLICIT_TLS} or {@link Security#NONE}: what the service speaks from the first byte. */
    public Security security() {
        return security;
    }

    /** The IANA port this service stands in for: 143, 993, 110 or 995. */
    public int standardPort() {
        return standardPort;
    }

    boolean isTls() {
        return security == Security.IMPLICIT_TLS;
    }

    /** The service that stands in for {@code port}, or null. */
    static Service forStandardPort(int port) {
        for (Service service : values()) {
            if (service.standardPort == port) {
                return service;
            }
        }
        return null;
    }

    /**
     * The service a client of {@code protocol} with {@code security} talks to: implicit TLS goes to
     * {@link #IMAPS} or {@link #POP3S}; cleartext and STARTTLS go to {@link #IMAP} or {@link #POP3}, which offer
     * STARTTLS/STLS.
     */
    public static Service speaking(MailProtocol protocol, Security security) {
        boolean tls = security == Security.IMPLICIT_TLS;
        if (protocol == MailProtocol.IMAP) {
            return tls ? IMAPS : IMAP;
        }
        return tls ? POP3S : POP3;
    }
}
