package org.mailintegrator.core.internal.protocol.imap;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import java.io.IOException;
import java.util.Locale;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;
import org.eclipse.angus.mail.util.MailLogger;
import org.mailintegrator.core.internal.protocol.MailSessions;

/**
 * The IMAP store the integrator uses, for attempts and for applications: after TLS and before any credential, an
 * account with an access token signs in through {@link OAuthImapProtocol#signIn} (never Angus's fallback to
 * {@code LOGIN} with the token as a password), and a password is not sent to a server that accepts only OAuth2,
 * nor to one that advertises no password login the library uses ({@link OAuthImapProtocol#requirePasswordLogin}).
 * Thread-safe as {@link IMAPStore} is.
 */
final class GuardedImapStore extends IMAPStore {
    private final boolean token;
    private volatile String user = "";
    private volatile String secret = "";
    private volatile int port = -1;

    GuardedImapStore(Session session, URLName url, String name, boolean ssl, boolean token) {
        super(session, url, name, ssl);
        this.token = token;
        // Angus names its loggers after the store's class: keep the names it documents for the protocol trace
        this.logger = new MailLogger(IMAPStore.class, "DEBUG " + name.toUpperCase(Locale.ROOT), session.getDebug(),
                session.getDebugOut());
    }

    @Override
    protected synchronized boolean protocolConnect(String host, int port, String user, String password)
            throws MessagingException {
        if (user != null && password != null) {
            this.user = user;
            this.secret = password;
            this.port = port;
        }
        return super.protocolConnect(host, port, user, password);
    }

    @Override
    protected IMAPProtocol newIMAPProtocol(String host, int port) throws IOException, ProtocolException {
        return new OAuthImapProtocol(name, host, port, session.getProperties(), isSSL, logger);
    }

    /**
     * Before any credential: reports what the server advertised (after TLS, on a STARTTLS candidate) to the
     * attempt, then signs in with the token, or checks that a password login is offered at all.
     */
    @Override
    protected void preLogin(IMAPProtocol protocol) throws ProtocolException {
        OAuthImapProtocol imap = (OAuthImapProtocol) protocol;
        MailSessions.reportCapabilities(session, imap.getCapabilities().keySet().stream()
                .filter(name -> !name.startsWith("__")).toList(), imap.isSSL());
        if (token) {
            String accessToken;
            try {
                accessToken = MailSessions.tokenAtTurn(session, secret);
            } catch (IOException e) {
                throw new ProtocolException("not signed in: " + e.getMessage(), e);
            }
            imap.signIn(user, accessToken, session.getProperty(MailSessions.SASL_HOST), port);
        } else {
            imap.requirePasswordLogin();
        }
    }
}
