package org.mailintegrator.core;

import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.URLName;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;
import org.eclipse.angus.mail.pop3.POP3Store;

/**
 * Builds the Jakarta Mail {@link Session} and {@link Store} for one candidate, with every bound set: Jakarta
 * Mail's own defaults wait forever, fall back to the JDK's socket factory when ours fails, and take STARTTLS as
 * optional.
 */
final class MailSessions {
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final SSLSocketFactory sslSocketFactory;

    MailSessions(Duration connectTimeout, Duration readTimeout, SSLSocketFactory sslSocketFactory) {
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.sslSocketFactory = sslSocketFactory;
    }

    Properties properties(ProtocolCandidate candidate) {
        String store = candidate.protocol().storeName(candidate.security());
        String prefix = "mail." + store + ".";
        Properties props = new Properties();
        props.setProperty("mail.store.protocol", store);
        props.setProperty(prefix + "host", candidate.host());
        props.setProperty(prefix + "port", Integer.toString(candidate.port()));
        props.setProperty(prefix + "connectiontimeout", Long.toString(connectTimeout.toMillis()));
        props.setProperty(prefix + "timeout", Long.toString(readTimeout.toMillis()));
        props.setProperty(prefix + "socketFactory.fallback", "false");
        props.setProperty(prefix + "ssl.checkserveridentity", "true");
        props.put(prefix + "ssl.socketFactory", sslSocketFactory);
        boolean startTls = candidate.security() == Security.STARTTLS;
        props.setProperty(prefix + "starttls.enable", Boolean.toString(startTls));
        props.setProperty(prefix + "starttls.required", Boolean.toString(startTls));
        if (candidate.protocol() == MailProtocol.IMAP) {
            props.setProperty(prefix + "referralexception", "false");
        }
        return props;
    }

    /**
     * A store for {@code candidate}, not yet connected.
     *
     * @param loginStarted set when the IMAP client has finished connecting (and any STARTTLS) and begins to
     *     authenticate; POP3 offers no such hook and leaves it untouched
     */
    Store newStore(ProtocolCandidate candidate, String username, AtomicBoolean loginStarted) {
        Session session = Session.getInstance(properties(candidate));
        String name = candidate.protocol().storeName(candidate.security());
        URLName url = new URLName(name, candidate.host(), candidate.port(), null, username, null);
        boolean implicitTls = candidate.security() == Security.IMPLICIT_TLS;
        if (candidate.protocol() == MailProtocol.IMAP) {
            return new IMAPStore(session, url, name, implicitTls) {
                @Override
                protected void preLogin(IMAPProtocol protocol) {
                    loginStarted.set(true);
                }
            };
        }
        return new POP3Store(session, url, name, implicitTls);
    }
}
