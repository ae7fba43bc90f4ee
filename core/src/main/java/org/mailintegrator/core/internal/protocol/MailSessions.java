package org.mailintegrator.core.internal.protocol;

import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.URLName;
import java.time.Duration;
import java.util.Properties;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;

/**
 * Builds the Jakarta Mail {@link Session} and {@link Store} for one candidate, with every bound set: Jakarta
 * Mail's own defaults wait forever, fall back to the JDK's socket factory when ours fails, and take STARTTLS as
 * optional. Immutable and thread-safe.
 */
public final class MailSessions {
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final SSLSocketFactory sslSocketFactory;

    public MailSessions(Duration connectTimeout, Duration readTimeout, SSLSocketFactory sslSocketFactory) {
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.sslSocketFactory = sslSocketFactory;
    }

    public SSLSocketFactory sslSocketFactory() {
        return sslSocketFactory;
    }

    /** The properties an application can use for {@code candidate}: no credentials, the caller's TLS factory. */
    public Properties properties(ProtocolCandidate candidate) {
        Properties props = common(candidate);
        props.put(prefix(candidate) + "ssl.socketFactory", sslSocketFactory);
        return props;
    }

    /**
     * The properties of one attempt, whose sockets come from the attempt's own factories so that they can be held
     * and closed. {@code connectHost} is an address literal: Jakarta Mail would look a name up itself, unbounded.
     */
    public Properties properties(ProtocolCandidate candidate, String connectHost, SocketFactory sockets,
            SSLSocketFactory startTlsSockets) {
        Properties props = common(candidate);
        props.setProperty(prefix(candidate) + "host", connectHost);
        props.put(prefix(candidate) + "socketFactory", sockets);
        if (candidate.security() != Security.IMPLICIT_TLS) {
            props.put(prefix(candidate) + "ssl.socketFactory", startTlsSockets);
        }
        return props;
    }

    private Properties common(ProtocolCandidate candidate) {
        ProtocolDriver driver = ProtocolDriver.of(candidate.protocol());
        String prefix = prefix(candidate);
        Properties props = new Properties();
        props.setProperty("mail.store.protocol", driver.storeName(candidate.security()));
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
        driver.configure(props, prefix);
        return props;
    }

    private static String prefix(ProtocolCandidate candidate) {
        return "mail." + ProtocolDriver.of(candidate.protocol()).storeName(candidate.security()) + ".";
    }

    /** A store for an application: not connected, with the settings of {@link #properties(ProtocolCandidate)}. */
    public Store newStore(ProtocolCandidate candidate, String username) {
        return newStore(candidate, candidate.host(), username, properties(candidate));
    }

    /** A store for one attempt: not connected, with the attempt's properties. */
    public Store newStore(ProtocolCandidate candidate, String connectHost, String username, Properties props) {
        Session session = Session.getInstance(props);
        ProtocolDriver driver = ProtocolDriver.of(candidate.protocol());
        URLName url = new URLName(driver.storeName(candidate.security()), connectHost, candidate.port(), null,
                username, null);
        return driver.newStore(session, url, candidate.security());
    }
}
