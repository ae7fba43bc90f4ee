package org.mailintegrator.testkit;

import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.Security;

/**
 * A mail service that a {@link MailServerFixture} or a {@link HostileMailServer} can run, with the standard port it
 * stands in for: a protocol, and whether the service speaks TLS from the first byte.
 *
 * <p>{@link #IMAP} and {@link #POP3} are the <em>cleartext</em> services (ports 143 and 110), where a client upgrades
 * with STARTTLS/STLS; they do not mean "IMAP" or "POP3" in general: a {@link Security#STARTTLS} candidate talks to
 * them too ({@link #speaking(MailProtocol, Security)}). The implicit TLS services are {@link #IMAPS} and
 * {@link #POP3S}; {@link #SMTP} and {@link #SMTPS} are the submission services (587 and 465). The names stay as they are, because an enum constant cannot have an alias that a {@code switch},
 * {@link #valueOf(String)} or JUnit's {@code @EnumSource(names = ...)} would accept; {@link #toString()} spells the
 * meaning out in messages and test names.
 *
 * <p>This enum is immutable and thread-safe.
 */
public enum Service {
    /**
     * The cleartext IMAP service, standing in for port 143: it starts without TLS, and serves both
     * {@link Security#NONE} and {@link Security#STARTTLS} candidates (a {@link MailServerFixture} offers STARTTLS here
     * unless told otherwise). Not IMAP in general: implicit TLS is {@link #IMAPS}.
     */
    IMAP(MailProtocol.IMAP, Security.NONE, 143),
    /** IMAP over implicit TLS, standing in for port 993. */
    IMAPS(MailProtocol.IMAP, Security.IMPLICIT_TLS, 993),
    /**
     * The cleartext POP3 service, standing in for port 110: it starts without TLS, and serves both
     * {@link Security#NONE} and {@link Security#STARTTLS} (STLS) candidates. Not POP3 in general: implicit TLS is
     * {@link #POP3S}.
     */
    POP3(MailProtocol.POP3, Security.NONE, 110),
    /** POP3 over implicit TLS, standing in for port 995. */
    POP3S(MailProtocol.POP3, Security.IMPLICIT_TLS, 995),
    /**
     * SMTP submission that starts without TLS, standing in for port 587 (and 25): it serves both
     * {@link Security#NONE} and {@link Security#STARTTLS} candidates (a {@link MailServerFixture} offers STARTTLS here
     * unless told otherwise). Implicit TLS is {@link #SMTPS}.
     */
    SMTP(MailProtocol.SMTP, Security.NONE, 587),
    /** SMTP submission over implicit TLS, standing in for port 465. */
    SMTPS(MailProtocol.SMTP, Security.IMPLICIT_TLS, 465);

    private final MailProtocol protocol;
    private final Security security;
    private final int standardPort;

    Service(MailProtocol protocol, Security security, int standardPort) {
        this.protocol = protocol;
        this.security = security;
        this.standardPort = standardPort;
    }

    /** The protocol the service speaks. */
    public MailProtocol protocol() {
        return protocol;
    }

    /** {@link Security#IMPLICIT_TLS} or {@link Security#NONE}: what the service speaks from the first byte. */
    public Security security() {
        return security;
    }

    /** The IANA port this service stands in for: 143, 993, 110, 995, 587 or 465. */
    public int standardPort() {
        return standardPort;
    }

    boolean isTls() {
        return security == Security.IMPLICIT_TLS;
    }

    /** The service that stands in for {@code port}, or null. */
    static @Nullable Service forStandardPort(int port) {
        for (Service service : values()) {
            if (service.standardPort == port) {
                return service;
            }
        }
        return null;
    }

    /**
     * The constant's name and what it means, e.g. {@code IMAP (cleartext or STARTTLS, as on port 143)} or
     * {@code POP3S (implicit TLS, as on port 995)}; {@link #name()} is the bare name.
     */
    @Override
    public String toString() {
        String start = isTls() ? "implicit TLS" : protocol == MailProtocol.POP3 ? "cleartext or STLS"
                : "cleartext or STARTTLS";
        return name() + " (" + start + ", as on port " + standardPort + ")";
    }

    /**
     * The service a client of {@code protocol} with {@code security} talks to: implicit TLS goes to
     * {@link #IMAPS}, {@link #POP3S} or {@link #SMTPS}; cleartext and STARTTLS go to {@link #IMAP}, {@link #POP3} or
     * {@link #SMTP}, which offer STARTTLS/STLS.
     */
    public static Service speaking(MailProtocol protocol, Security security) {
        boolean tls = security == Security.IMPLICIT_TLS;
        if (protocol == MailProtocol.IMAP) {
            return tls ? IMAPS : IMAP;
        }
        if (protocol == MailProtocol.SMTP) {
            return tls ? SMTPS : SMTP;
        }
        return tls ? POP3S : POP3;
    }
}
