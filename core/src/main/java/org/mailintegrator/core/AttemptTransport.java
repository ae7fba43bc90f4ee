package org.mailintegrator.core;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;

/**
 * The sockets of one attempt. Jakarta Mail creates them through the factories given here, which lets the
 * negotiation (1) close them at once from another thread (a loser, a deadline, a cancellation), and (2) hold the
 * first credential-bearing command until it is this candidate's turn to authenticate ({@link Gate}).
 */
final class AttemptTransport {
    /** Decides when an attempt may send its credentials. */
    interface Gate {
        /**
         * Blocks until the attempt may authenticate.
         *
         * @throws IOException if it never may (it lost, or the integration ended)
         */
        void awaitTurn() throws IOException;
    }

    /** Tracked sockets not yet closed, across all attempts: lets tests prove that nothing is left open. */
    static final AtomicInteger OPEN_SOCKETS = new AtomicInteger();

    private final MailProtocol protocol;
    private final Security security;
    private final SSLSocketFactory sslSocketFactory;
    private volatile Gate gate;
    private final Set<TrackedSocket> sockets = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private volatile boolean connected;
    private volatile boolean credentialsStarted;
    private volatile boolean credentialsOverTls;

    AttemptTransport(MailProtocol protocol, Security security, SSLSocketFactory sslSocketFactory, Gate gate) {
        this.protocol = protocol;
        this.security = security;
        this.sslSocketFactory = sslSocketFactory;
        this.gate = gate;
    }

    /** For {@code mail.<protocol>.socketFactory}: a tracked plain socket, or for implicit TLS a tracked TLS socket. */
    SocketFactory socketFactory(boolean implicitTls) {
        return new SocketFactory() {
            @Override
            public Socket createSocket() throws SocketException {
                TrackedSocket plain = new TrackedSocket(AttemptTransport.this);
                return implicitTls ? new TrackedSslSocket(AttemptTransport.this, plain, sslSocketFactory) : plain;
            }

            @Override
            public Socket createSocket(String host, int port) throws IOException {
                Socket socket = createSocket();
                socket.connect(new InetSocketAddress(host, port));
                return socket;
            }

            @Override
            public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
                Socket socket = createSocket();
                socket.bind(new InetSocketAddress(localHost, localPort));
                socket.connect(new InetSocketAddress(host, port));
                return socket;
            }

            @Override
            public Socket createSocket(InetAddress host, int port) throws IOException {
                Socket socket = createSocket();
                socket.connect(new InetSocketAddress(host, port));
                return socket;
            }

            @Override
            public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                    throws IOException {
                Socket socket = createSocket();
                socket.bind(new InetSocketAddress(localAddress, localPort));
                socket.connect(new InetSocketAddress(address, port));
                return socket;
            }
        };
    }

    /** For {@code mail.<protocol>.ssl.socketFactory}: layers TLS over the tracked plain socket on STARTTLS. */
    SSLSocketFactory startTlsSocketFactory() {
        return new LayeringSslSocketFactory(this, sslSocketFactory);
    }

    MailProtocol protocol() {
        return protocol;
    }

    Security security() {
        return security;
    }

    void register(TrackedSocket socket) throws SocketException {
        if (closed) {
            throw new SocketException("the attempt was stopped");
        }
        sockets.add(socket);
        OPEN_SOCKETS.incrementAndGet();
    }

    void closed(TrackedSocket socket) {
        if (sockets.remove(socket)) {
            OPEN_SOCKETS.decrementAndGet();
        }
    }

    /** Closes every socket of the attempt now, from any thread; blocked reads and connects fail at once. */
    void closeAll() {
        closed = true;
        for (TrackedSocket socket : sockets) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing is best effort
            }
        }
    }

    void connected() {
        connected = true;
    }

    /** Whether a TCP connection to the server was established. */
    boolean isConnected() {
        return connected;
    }

    /** Called by the stream that is about to write the first credential-bearing command. */
    void beforeCredentials(boolean overTls) throws IOException {
        credentialsStarted = true;
        credentialsOverTls = overTls;
        gate.awaitTurn();
        if (closed) {
            throw new SocketException("the attempt was stopped before sending credentials");
        }
    }

    /**
     * Closes every socket and forgets the gate. Jakarta Mail stores are finalizable and keep their session (and so
     * these factories) until the finalizer runs; detaching keeps the negotiation out of that backlog.
     */
    void detach() {
        closeAll();
        gate = () -> {
            throw new SocketException("the attempt has ended");
        };
    }

    /** Whether the client began to send credentials (USER/PASS/AUTH/APOP, LOGIN/AUTHENTICATE). */
    boolean credentialsStarted() {
        return credentialsStarted;
    }

    boolean credentialsOverTls() {
        return credentialsOverTls;
    }
}
