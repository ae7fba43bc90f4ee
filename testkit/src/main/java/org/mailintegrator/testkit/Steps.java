package org.mailintegrator.testkit;

import java.io.IOException;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.testkit.ServerBehaviour.Connection;
import org.mailintegrator.testkit.ServerBehaviour.Login;
import org.mailintegrator.testkit.ServerBehaviour.Step;

/**
 * The steps the built-in behaviours ({@link HostileBehaviour}, {@link ProviderBehaviour}) are built from: the one
 * protocol a behaviour exists in, if only one, and the refusal it answers every login with, if any; plus the lines
 * and capability edits several of them send. Immutable and thread-safe.
 */
final class Steps {
    /** Both protocols, no refusal: every hook follows the protocol. */
    static final Steps NONE = new Steps(null, null, null, false);

    private final @Nullable MailProtocol only;
    private final @Nullable String imapRefusal;
    private final @Nullable String pop3Refusal;
    private final @Nullable String smtpRefusal;
    private final boolean beforeTlsOnly;

    private Steps(@Nullable MailProtocol only, @Nullable String imapRefusal, @Nullable String pop3Refusal,
            boolean beforeTlsOnly) {
        this(only, imapRefusal, pop3Refusal, null, beforeTlsOnly);
    }

    private Steps(@Nullable MailProtocol only, @Nullable String imapRefusal, @Nullable String pop3Refusal,
            @Nullable String smtpRefusal, boolean beforeTlsOnly) {
        this.only = only;
        this.imapRefusal = imapRefusal;
        this.pop3Refusal = pop3Refusal;
        this.smtpRefusal = smtpRefusal;
        this.beforeTlsOnly = beforeTlsOnly;
    }

    /**
     * Every login refused: IMAP {@code <tag> NO <imapText>}, POP3 {@code pop3Answer} and SMTP {@code smtpAnswer}
     * (its reply lines, CRLF between them) as they are.
     */
    static Steps refusing(String imapText, String pop3Answer, String smtpAnswer) {
        return new Steps(null, imapText, pop3Answer, smtpAnswer, false);
    }

    /** SMTP only, every {@code AUTH} answered {@code smtpAnswer}. */
    static Steps smtpRefusing(String smtpAnswer) {
        return new Steps(MailProtocol.SMTP, null, null, smtpAnswer, false);
    }

    /** A behaviour that exists in {@code protocol} only. */
    static Steps only(MailProtocol protocol) {
        return new Steps(protocol, null, null, false);
    }

    /** Every login refused: IMAP {@code <tag> NO <imapText>}, POP3 {@code pop3Answer} as it is. */
    static Steps refusing(String imapText, String pop3Answer) {
        return new Steps(null, imapText, pop3Answer, false);
    }

    /** IMAP only, every login refused with {@code <tag> NO <imapText>}. */
    static Steps imapRefusing(String imapText) {
        return new Steps(MailProtocol.IMAP, imapText, null, false);
    }

    /** IMAP only, every login before TLS refused with {@code <tag> NO <imapText>}; over TLS the login goes on. */
    static Steps imapRefusingBeforeTls(String imapText) {
        return new Steps(MailProtocol.IMAP, imapText, null, true);
    }

    /** POP3 only, every {@code PASS} answered {@code pop3Answer}. */
    static Steps pop3Refusing(String pop3Answer) {
        return new Steps(MailProtocol.POP3, null, pop3Answer, false);
    }

    boolean appliesTo(MailProtocol protocol) {
        return only == null || only == protocol;
    }

    Step login(Connection connection, Login login) throws IOException {
        MailProtocol protocol = connection.service().protocol();
        String refusal = protocol == MailProtocol.IMAP ? imapRefusal
                : protocol == MailProtocol.SMTP ? smtpRefusal : pop3Refusal;
        if (refusal == null || beforeTlsOnly && connection.overTls()) {
            return Step.DEFAULT;
        }
        connection.sendLine(isImap(connection) ? login.command().tag() + " NO " + refusal : refusal);
        return Step.ANSWERED;
    }

    static boolean isImap(Connection connection) {
        return connection.service().protocol() == MailProtocol.IMAP;
    }

    /** The start of a positive answer: {@code * OK} (IMAP), {@code +OK} (POP3) or {@code 220} (an SMTP greeting). */
    static String okPrefix(Connection connection) {
        return isImap(connection) ? "* OK" : isSmtp(connection) ? "220" : "+OK";
    }

    static boolean isSmtp(Connection connection) {
        return connection.service().protocol() == MailProtocol.SMTP;
    }

    static List<String> withoutStartTls(List<String> capabilities) {
        return capabilities.stream().filter(name -> !name.equals("STARTTLS") && !name.equals("STLS")).toList();
    }
}
