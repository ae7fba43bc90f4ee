package org.mailintegrator.core.internal.protocol;

import jakarta.mail.Session;
import jakarta.mail.Service;
import jakarta.mail.URLName;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;

/**
 * Builds the Jakarta Mail {@link Session} and {@link Service} (a store, or an SMTP transport) for one candidate, with every bound set: Jakarta
 * Mail's own defaults wait forever, fall back to the JDK's socket factory when ours fails, and take STARTTLS as
 * optional. With a password, only the SASL mechanisms that are safe on every kind of connection are allowed
 * (each {@link ProtocolDriver#configure}; README, "Which SASL mechanisms"): never NTLM, never the JDK's SASL
 * client, never APOP. Immutable and thread-safe.
 */
public final class MailSessions {
    /** The session property that names the server for an OAUTHBEARER sign-in (the connection uses an address). */
    public static final String SASL_HOST = "org.mailintegrator.sasl.host";
    /** The session property that holds an attempt's {@link TokenAtTurn}. */
    public static final String TOKEN_AT_TURN = "org.mailintegrator.token.at.turn";

    /** Gives an attempt its access token once it is the attempt's turn to sign in; blocks until then. */
    @FunctionalInterface
    public interface TokenAtTurn {
        /** @throws IOException if the turn never comes (the attempt lost, or the integration ended) */
        String await() throws IOException;
    }

    /** The token for a sign-in: from the session's {@link TokenAtTurn} if it has one, else {@code given}. */
    public static String tokenAtTurn(Session session, String given) throws IOException {
        Object source = session.getProperties().get(TOKEN_AT_TURN);
        return source instanceof TokenAtTurn ? ((TokenAtTurn) source).await() : given;
    }

    /** The session property that holds an attempt's {@link CapabilitySink}. */
    public static final String CAPABILITY_SINK = "org.mailintegrator.capability.sink";

    /** Hears the capabilities a store saw before its login, for the attempt's classification and credential gate. */
    @FunctionalInterface
    public interface CapabilitySink {
        void advertised(List<String> capabilities, boolean overTls);
    }

    /** Tells the session's {@link CapabilitySink}, if it has one, what the server advertised before the login. */
    public static void reportCapabilities(Session session, Collection<String> capabilities, boolean overTls) {
        Object sink = session.getProperties().get(CAPABILITY_SINK);
        if (sink instanceof CapabilitySink) {
            ((CapabilitySink) sink).advertised(List.copyOf(capabilities), overTls);
        }
    }
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
            SSLSocketFactory startTlsSockets, boolean token) {
        Properties props = common(candidate);
        if (token) {
            tokenOnly(props, prefix(candidate));
        }
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
        props.setProperty(SASL_HOST, candidate.host());
        props.setProperty(candidate.protocol().isIncoming() ? "mail.store.protocol" : "mail.transport.protocol",
                driver.storeName(candidate.security()));
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

    /**
     * Lets Angus sign in with SASL XOAUTH2 alone: every other mechanism, and SASL through the JDK, off, and on POP3
     * the initial response on a line of its own (which every server takes, and Microsoft's needs for long
     * tokens). The IMAP driver's store signs in itself before Angus would, and would fall back to {@code LOGIN}.
     */
    private static void tokenOnly(Properties props, String prefix) {
        props.setProperty(prefix + "auth.mechanisms", "XOAUTH2");
        props.setProperty(prefix + "auth.xoauth2.two.line.authentication.format", "true");
        props.setProperty(prefix + "auth.xoauth2.disable", "false");
        props.setProperty(prefix + "auth.login.disable", "true");
        props.setProperty(prefix + "auth.plain.disable", "true");
        props.setProperty(prefix + "auth.ntlm.disable", "true");
        props.setProperty(prefix + "auth.digest-md5.disable", "true");
        props.setProperty(prefix + "sasl.enable", "false");
        props.setProperty(prefix + "apop.enable", "false");
    }

    private static String prefix(ProtocolCandidate candidate) {
        return "mail." + ProtocolDriver.of(candidate.protocol()).storeName(candidate.security()) + ".";
    }

    /**
     * A store or transport for an application: not connected, with the settings of
     * {@link #properties(ProtocolCandidate)}, and with {@code token} signing in through an OAuth2 mechanism only.
     */
    public Service newService(ProtocolCandidate candidate, String username, boolean token) {
        Properties props = properties(candidate);
        if (token) {
            tokenOnly(props, prefix(candidate));
        }
        ProtocolDriver driver = ProtocolDriver.of(candidate.protocol());
        return driver.newService(Session.getInstance(props), url(candidate, candidate.host(), username),
                candidate.security(), token);
    }

    /** A store or transport for one attempt: not connected, with the attempt's properties. */
    public Service newAttemptService(ProtocolCandidate candidate, String connectHost, String username, Properties props,
            boolean token) {
        ProtocolDriver driver = ProtocolDriver.of(candidate.protocol());
        return driver.newAttemptService(Session.getInstance(props), url(candidate, connectHost, username),
                candidate.security(), token);
    }

    private static URLName url(ProtocolCandidate candidate, String connectHost, String username) {
        return new URLName(ProtocolDriver.of(candidate.protocol()).storeName(candidate.security()), connectHost,
                candidate.port(), null, username, null);
    }
}
