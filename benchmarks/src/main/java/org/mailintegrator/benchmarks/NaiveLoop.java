package org.mailintegrator.benchmarks;

import jakarta.mail.MessagingException;
import jakarta.mail.Service;
import jakarta.mail.Session;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import javax.net.ssl.SSLSocketFactory;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;

/**
 * The baseline of the benchmarks: what a user writes by hand with Jakarta Mail. Each candidate in turn, with the
 * same connect and read timeouts as the library, Jakarta Mail's defaults otherwise (its socket factory fallback
 * included), until one authenticates. For SMTP it sets what a hand-written sender sets, {@code mail.smtp.auth} and,
 * on a STARTTLS candidate, {@code mail.smtp.starttls.enable}, and takes a {@code Transport.connect} that returns as
 * success: Jakarta Mail returns without signing in when the server offers no {@code AUTH}, and goes on in cleartext
 * when STARTTLS is not offered. Stateless and thread-safe.
 */
public final class NaiveLoop {
    private NaiveLoop() {
    }

    /** The first candidate of {@code chain} that authenticates {@code user}, or null. */
    public static @Nullable ProtocolCandidate walk(List<ProtocolCandidate> chain, String user, String password,
            Duration connectTimeout, Duration readTimeout, SSLSocketFactory sslSocketFactory) {
        for (ProtocolCandidate candidate : chain) {
            if (connectAndClose(candidate, user, password, connectTimeout, readTimeout, sslSocketFactory)) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * Whether {@code candidate} authenticates {@code user} (for SMTP: whether {@code Transport.connect} returns); the
     * store or transport is closed again.
     */
    public static boolean connectAndClose(ProtocolCandidate candidate, String user, String password,
            Duration connectTimeout, Duration readTimeout, SSLSocketFactory sslSocketFactory) {
        boolean tls = candidate.security() == Security.IMPLICIT_TLS;
        String protocol = candidate.protocol().name().toLowerCase(Locale.ROOT) + (tls ? "s" : "");
        Properties props = new Properties();
        props.setProperty("mail." + protocol + ".connectiontimeout", Long.toString(connectTimeout.toMillis()));
        props.setProperty("mail." + protocol + ".timeout", Long.toString(readTimeout.toMillis()));
        props.put("mail." + protocol + ".ssl.socketFactory", sslSocketFactory);
        boolean smtp = candidate.protocol() == MailProtocol.SMTP;
        if (smtp) {
            props.setProperty("mail." + protocol + ".auth", "true");
            if (candidate.security() == Security.STARTTLS) {
                props.setProperty("mail." + protocol + ".starttls.enable", "true");
            }
        }
        try {
            Session session = Session.getInstance(props);
            Service service = smtp ? session.getTransport(protocol) : session.getStore(protocol);
            service.connect(candidate.host(), candidate.port(), user, password);
            service.close();
            return true;
        } catch (MessagingException e) {
            return false;
        }
    }
}
