package org.mailintegrator.core.internal.protocol;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Service;
import jakarta.mail.URLName;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.Security;
import org.mailintegrator.core.internal.classify.Advertised;
import org.mailintegrator.core.internal.protocol.imap.ImapDriver;
import org.mailintegrator.core.internal.protocol.pop3.Pop3Driver;
import org.mailintegrator.core.internal.protocol.smtp.SmtpDriver;

/**
 * Everything the engine knows about one mail protocol: its Jakarta Mail service (a {@code Store} to read mail, a
 * {@code Transport} to submit it) and properties, which commands carry
 * credentials, what must be distrusted before TLS, and how its failures read. One implementation per protocol;
 * implementations are stateless and thread-safe.
 */
public interface ProtocolDriver {
    /** The driver for {@code protocol}. */
    static ProtocolDriver of(MailProtocol protocol) {
        return switch (protocol) {
            case IMAP -> ImapDriver.INSTANCE;
            case POP3 -> Pop3Driver.INSTANCE;
            case SMTP -> SmtpDriver.INSTANCE;
        };
    }

    /**
     * Jakarta Mail's name for the store or transport: {@code imap}, {@code imaps}, {@code pop3}, {@code pop3s},
     * {@code smtp}, {@code smtps}.
     */
    String storeName(Security security);

    /**
     * A new, unconnected store (IMAP, POP3) or transport (SMTP) of this protocol for an application. With
     * {@code token}, it signs in through an OAuth2 mechanism only and fails, without sending anything, when the server
     * advertises none.
     */
    Service newService(Session session, URLName url, Security security, boolean token);

    /** A new, unconnected service for one attempt: as {@link #newService}, unless the protocol signs in its own way. */
    default Service newAttemptService(Session session, URLName url, Security security, boolean token) {
        return newService(session, url, security, token);
    }

    /**
     * Checks, after a service from {@link #newService} reported a login with an access token, that the server really
     * accepted it. Nothing to check by default.
     *
     * @throws MessagingException if it did not
     */
    default void confirmTokenLogin(Service service) throws MessagingException {
        // the store's own report can be trusted
    }

    /**
     * Adds the protocol's own session properties, among them the SASL mechanisms Jakarta Mail may use with a
     * password (README, "Which SASL mechanisms"); {@code prefix} is {@code mail.<store name>.}.
     */
    void configure(Properties properties, String prefix);

    /**
     * Whether a command line sent by the client carries credentials, so that it must wait for the candidate's
     * turn. {@code head} is the start of the line, upper-cased.
     */
    boolean carriesCredentials(String head);

    /** Wraps the input read before TLS on a STARTTLS candidate: nothing the server says before TLS is trusted. */
    InputStream beforeTls(InputStream in);

    /**
     * Hears what a server says before the login that the attempt must know before it sends credentials. Called on
     * the attempt's thread, as the bytes are read.
     */
    interface Listener {
        /** A complete list of capabilities: POP3 the lines of a {@code CAPA} answer. */
        void capabilities(List<String> capabilities);

        /** A status line: POP3 {@code +OK ...} or {@code -ERR ...}. */
        void status(String line);
    }

    /**
     * Wraps the input of a connection so that {@code listener} hears the server's capabilities and status lines as
     * they are read. POP3 taps the stream (Angus Mail keeps its capabilities to itself until after the login); IMAP
     * reports its capabilities from the store instead ({@link MailSessions#reportCapabilities}), and leaves the
     * stream unchanged, as by default.
     */
    default InputStream tap(InputStream in, Listener listener) {
        return in;
    }

    /**
     * The mechanisms, as the server listed them, when what it advertised over TLS offers only OAuth2, so that no
     * password can work; empty otherwise, and by default (IMAP decides this in its store).
     */
    default Optional<String> oauthOnly(Advertised overTls) {
        return Optional.empty();
    }

    /**
     * What the server advertised without TLS that says it takes no password login the library uses there, as it
     * wrote it (POP3: {@code STLS} offered, but neither {@code USER} nor a SASL mechanism the library uses); empty
     * when it may take one, when it advertised nothing, and by default (IMAP decides {@code LOGINDISABLED} in its
     * store).
     */
    default Optional<String> passwordLoginRefused(Advertised cleartext) {
        return Optional.empty();
    }

    /** Whether the connected store or transport runs over TLS. */
    boolean isTls(Service service);

    /** The command that upgrades to TLS: {@code STARTTLS} or {@code STLS}. */
    String startTlsCommand();

    /** What a failure message of this protocol's store means, in the library's words, if it is one it knows. */
    Optional<String> knownFailure(String failureMessage);
}
