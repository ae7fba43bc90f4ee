package org.mailintegrator.core;

import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.URLName;
import java.time.Duration;
import java.util.Properties;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.angus.mail.imap.IMAPSSLStore;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.eclipse.angus.mail.pop3.POP3SSLStore;
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

    SSLSocketFactory sslSocketFactory() {
        return sslSocketFactory;
    }

    /** The properties an application can use for {@code candidate}: no credentials, the caller's TLS factory. */
    Properties properties(ProtocolCandidate candidate) {
        Properties props = common(candidate);
        props.put(prefix(candidate) + "ssl.socketFactory", sslSocketFactory);
        return props;
    }

    /** The properties of one attempt: its sockets come from {@code transport}, so they can be held and closed. */
    Properties properties(ProtocolCandidate candidate, AttemptTransport transport) {
        Properties props = common(candidate);
        // Jakarta Mail would look the name up itself, without a bound; it gets an address literal instead
        props.setProperty(prefix(candidate) + "host", transport.connectHost());
        boolean implicitTls = candidate.security() == Security.IMPLICIT_TLS;
        props.put(prefix(candidate) + "socketFactory", transport.socketFactory(implicitTls));
        if (!implicitTls) {
            props.put(prefix(candidate) + "ssl.socketFactory", transport.startTlsSocketFactory());
        }
        return props;
    }

    private Properties common(ProtocolCandidate candidate) {
        String store = candidate.protocol().storeName(candidate.security());
        String prefix = prefix(candidate);
        Properties props = new Properties();
        props.setProperty("mail.store.protocol", store);
        props.setProperty(prefix + "host", candidate.host());
        props.setProperty(prefix + "port", Integer.toString(candidate.port()));
        props.setProperty(prefix + "connectiontimeout", Long.toString(connectTimeout.toMillis()));
        props.setProperty(prefix + "timeout", Long.toString(readTimeout.toMillis()));
        props.setProperty(prefix + "socketFactory.fallback", "false");
        // never let a protocol trace (mail.debug, or Angus's FINEST logging) carry credentials
        props.setProperty("mail.debug.auth", "false");
        props.setProperty("mail.debug.auth.username", "false");
        props.setProperty("mail.debug.auth.password", "false");
        props.setProperty(prefix + "ssl.checkserveridentity", "true");
        boolean startTls = candidate.security() == Security.STARTTLS;
        props.setProperty(prefix + "starttls.enable", Boolean.toString(startTls));
        props.setProperty(prefix + "starttls.required", Boolean.toString(startTls));
        if (candidate.protocol() == MailProtocol.IMAP) {
            props.setProperty(prefix + "referralexception", "false");
        }
        return props;
    }

    private static String prefix(ProtocolCandidate candidate) {
        return "mail." + candidate.protocol().storeName(candidate.security()) + ".";
    }

    /** A store for an application: not connected, with the settings of {@link #properties(ProtocolCandidate)}. */
    Store newStore(ProtocolCandidate candidate, String username) {
        return newStore(candidate, candidate.host(), username, properties(candidate));
    }

    /** A store for one attempt: not connected, its sockets made by {@code transport}. */
    Store newStore(ProtocolCandidate candidate, String username, AttemptTransport transport) {
        return newStore(candidate, transport.connectHost(), username, properties(candidate, transport));
    }

    private static Store newStore(ProtocolCandidate candidate, String host, String username, Properties props) {
        Session session = Session.getInstance(props);
        String name = candidate.protocol().storeName(candidate.security());
        URLName url = new URLName(name, host, candidate.port(), null, username, null);
        boolean implicitTls = candidate.security() == Security.IMPLICIT_TLS;
        if (candidate.protocol() == MailProtocol.IMAP) {
            return implicitTls ? new IMAPSSLStore(session, url) : new IMAPStore(session, url);
        }
        return implicitTls ? new POP3SSLStore(session, url) : new POP3Store(session, url);
    }
}
