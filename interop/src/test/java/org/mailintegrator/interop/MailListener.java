package org.mailintegrator.interop;

/**
 * The four services a mail client may reach on a server fixture ({@link CyrusServer}, {@link CourierServer}), each
 * with the IANA port it stands in for. (Dovecot's fixture has its own {@link DovecotServer.Listener}.)
 */
public enum MailListener {
    /** IMAP, cleartext with STARTTLS when TLS is configured; stands for port 143. */
    IMAP(143, false),
    /** IMAP over implicit TLS; stands for port 993. */
    IMAPS(993, true),
    /** POP3, cleartext with STLS when TLS is configured; stands for port 110. */
    POP3(110, false),
    /** POP3 over implicit TLS; stands for port 995. */
    POP3S(995, true);

    private final int standardPort;
    private final boolean implicitTls;

    MailListener(int standardPort, boolean implicitTls) {
        this.standardPort = standardPort;
        this.implicitTls = implicitTls;
    }

    /** The port this listener stands in for: 143, 993, 110 or 995. */
    public int standardPort() {
        return standardPort;
    }

    /** Whether the listener speaks TLS from the first byte. */
    public boolean implicitTls() {
        return implicitTls;
    }

    /** Whether the listener speaks IMAP (else POP3). */
    public boolean isImap() {
        return this == IMAP || this == IMAPS;
    }

    /** The listener that stands for {@code standardPort}. */
    public static MailListener forStandardPort(int standardPort) {
        for (MailListener listener : values()) {
            if (listener.standardPort == standardPort) {
                return listener;
            }
        }
        throw new IllegalArgumentException("no listener stands for port " + standardPort
                + " (expected 143, 993, 110 or 995)");
    }
}
