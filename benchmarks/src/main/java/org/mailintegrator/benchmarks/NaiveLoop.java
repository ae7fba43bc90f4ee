package org.mailintegrator.benchmarks;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import javax.net.ssl.SSLSocketFactory;
import org.mailintegrator.core.ProtocolCandidate;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.Security;

/**
 * The baseline of the benchmarks: what a user writes by hand with Jakarta Mail. Each candidate in turn, with the
 * same connect and read timeouts as the library, Jakarta Mail's defaults otherwise (its socket factory fallback
 * included), until one authenticates. Stateless and thread-safe.
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

    /** Whether {@code candidate} authenticates {@code user}; the store is closed again. */
    public static boolean connectAndClose(ProtocolCandidate candidate, String user, String password,
            Duration connectTimeout, Duration readTimeout, SSLSocketFactory sslSocketFactory) {
        boolean tls = candidate.security() == Security.IMPLICIT_TLS;
        String protocol = candidate.protocol().name().toLowerCase(Locale.ROOT) + (tls ? "s" : "");
        Properties props = new Properties();
        props.setProperty("mail." + protocol + ".connectiontimeout", Long.toString(connectTimeout.toMillis()));
        props.setProperty("mail." + protocol + ".timeout", Long.toString(readTimeout.toMillis()));
        props.put("mail." + protocol + ".ssl.socketFactory", sslSocketFactory);
        try {
            Store store = Session.getInstance(props).getStore(protocol);
            store.connect(candidate.host(), candidate.port(), user, password);
            store.close();
            return true;
        } catch (MessagingException e) {
            return false;
        }
    }
}
