package org.mailintegrator.core.internal.attempt;

import jakarta.mail.MessagingException;
import java.io.EOFException;
import java.net.SocketTimeoutException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mailintegrator.core.Outcome;

/**
 * Whether a failed try ended because the server closed or reset an established connection before it said anything:
 * before its greeting, or, on implicit TLS, during or right after the handshake. What the attempt itself can tell;
 * whether the close was a connection limit ("not now") is the
 * {@link org.mailintegrator.core.internal.racing.ConnectionLimiter}'s to say, from the other connections the server
 * holds ({@link org.mailintegrator.core.internal.racing.TryEnd#closedBeforeGreeting()}).
 *
 * <p>It is such a close when every one of these holds:
 * <ul>
 *   <li>the TCP connection was established, and the server sent nothing at the application layer (no byte of a
 *       greeting), and no credential was sent;</li>
 *   <li>the race did not close it (a stop, a deadline, a cancellation);</li>
 *   <li>the failure says the peer went away: an {@link EOFException} in the chain, or the words of one that the
 *       mail store or the JDK keep as a message ({@code EOF on socket}, {@code Connection reset},
 *       {@code Remote host terminated the handshake}, {@code peer shut down}, {@code Broken pipe});</li>
 *   <li>no certificate is at fault, and no read timed out (a silent server is slow, not closed);</li>
 *   <li>the classifier's outcome is one such a close produces: {@link Outcome#NETWORK_ERROR},
 *       {@link Outcome#PROTOCOL_ERROR} (closed) or {@link Outcome#TLS_FAILED} (the handshake, or on a
 *       {@code STARTTLS} candidate the upgrade never offered because the server said nothing at all).</li>
 * </ul>
 * A TLS handshake the server answers with an alert, or with bytes that are not TLS ("no TLS on the port"), is not
 * such a close. Stateless.
 */
final class EarlyClose {
    private static final List<String> GONE = List.of("eof on socket", "connection reset",
            "remote host terminated the handshake", "peer shut down", "broken pipe");

    private EarlyClose() {
    }

    /**
     * @param stoppedHere whether the attempt's sockets had been closed on the race's request when it failed
     */
    static boolean of(Throwable failure, Outcome outcome, AttemptTransport transport, boolean stoppedHere) {
        if (outcome != Outcome.NETWORK_ERROR && outcome != Outcome.PROTOCOL_ERROR && outcome != Outcome.TLS_FAILED) {
            return false;
        }
        if (!transport.isConnected() || transport.serverSpokeYet() || transport.credentialsStarted()
                || stoppedHere) {
            return false;
        }
        boolean gone = false;
        for (Throwable t : chain(failure)) {
            if (t instanceof CertificateException || t instanceof CertPathValidatorException
                    || t instanceof SocketTimeoutException) {
                return false;
            }
            String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            gone |= t instanceof EOFException || GONE.stream().anyMatch(message::contains);
        }
        return gone;
    }

    /** The failure, its causes, Jakarta Mail's next exceptions and suppressed ones, each once. */
    private static List<Throwable> chain(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        List<Throwable> pending = new ArrayList<>(List.of(failure));
        while (!pending.isEmpty() && chain.size() < 64) {
            Throwable t = pending.remove(0);
            if (t == null || seen.put(t, Boolean.TRUE) != null) {
                continue;
            }
            chain.add(t);
            pending.add(t.getCause());
            if (t instanceof MessagingException messaging) {
                pending.add(messaging.getNextException());
            }
            pending.addAll(List.of(t.getSuppressed()));
        }
        return chain;
    }
}
