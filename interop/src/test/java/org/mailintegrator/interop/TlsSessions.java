package org.mailintegrator.interop;

import java.util.Enumeration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;

/**
 * Makes a client's next TLS connections full handshakes, as an account's first integration has them: the sessions a
 * client {@link SSLContext} cached (TLS 1.3 tickets included) are invalidated, so none is resumed. For timings that
 * compare runs: a resumed handshake is quicker, and with Postfix it changes whether the greeting waits for a delayed
 * acknowledgement, so a run's time would otherwise depend on what ran before it. Stateless.
 */
final class TlsSessions {
    private TlsSessions() {
    }

    /** Invalidates every client session cached by each of {@code contexts}. */
    static void forget(SSLContext... contexts) {
        for (SSLContext context : contexts) {
            SSLSessionContext sessions = context.getClientSessionContext();
            for (Enumeration<byte[]> ids = sessions.getIds(); ids.hasMoreElements();) {
                SSLSession session = sessions.getSession(ids.nextElement());
                if (session != null) {
                    session.invalidate();
                }
            }
        }
    }
}
