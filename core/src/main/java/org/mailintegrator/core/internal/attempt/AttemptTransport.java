package org.mailintegrator.core.internal.attempt;

import org.eclipse.angus.mail.iap.ProtocolException;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.Phase;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;
import org.mailintegrator.core.internal.Timeline;
import org.mailintegrator.core.internal.classify.Advertised;
import org.mailintegrator.core.internal.classify.OAuthRequiredException;
import org.mailintegrator.core.internal.classify.Observed;
import org.mailintegrator.core.internal.classify.PasswordLoginNotOfferedException;
import org.mailintegrator.core.internal.protocol.ProtocolDriver;
import org.mailintegrator.core.internal.racing.Connection;
import org.mailintegrator.core.internal.racing.ConnectionLimiter;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;

/**
 * The sockets of one attempt. Jakarta Mail creates them through the factories given here, which lets the
 * negotiation (1) close them at once from another thread (a loser, a deadline, a cancellation), and (2) hold the
 * first credential-bearing command until it is this candidate's turn to authenticate ({@link Gate}). It also holds
 * what the attempt learned on the way: the host's addresses, the phase it is in, the address that answered and the
 * failures of the others.
 */
public final class AttemptTransport implements Connection {
    /** Hears the attempt move from one phase to the next; called on the attempt's thread, never under a lock. */
    public interface PhaseListener {
        void changed(Phase from, Phase to);
    }

    /** Decides when an attempt may send its credentials. */
    public interface Gate {
        /**
         * Blocks until the attempt may authenticate.
         *
         * @throws IOException if it never may (it lost, or the integration ended)
         */
        void awaitTurn() throws IOException;
    }

    private final ProtocolDriver driver;
    private final Security security;
    private final String hostName;
    private final int port;
    private final Duration addressStagger;
    private final Timeline timeline;
    private final Duration authTimeout;
    private final SSLSocketFactory sslSocketFactory;
    private volatile List<InetSocketAddress> targets = List.of();
    private volatile Phase phase = Phase.NOT_STARTED;
    private volatile PhaseListener phaseListener = (from, to) -> { };
    private volatile @Nullable InetSocketAddress connectedAddress;
    private volatile ConnectionLimiter.@Nullable Ticket permit;
    private volatile boolean permitSuspended;
    private volatile boolean serverSpoke;
    private final List<String> addressFailures = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile Gate gate;
    private final Set<TrackedSocket> sockets = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private volatile boolean connected;
    private volatile boolean credentialsStarted;
    private volatile boolean credentialsReleased;
    private volatile Advertised advertised;
    private volatile @Nullable Boolean firstLoginAnswerPositive;
    private volatile @Nullable ProtocolException withheld;
    private final boolean token;

    /**
     * {@code token}: whether the credentials are an access token rather than a password; {@code timeline}: the
     * clock the address race decides on.
     */
    public AttemptTransport(ProtocolCandidate candidate, Duration addressStagger, Timeline timeline,
            Duration authTimeout, SSLSocketFactory sslSocketFactory, boolean token, Gate gate) {
        this.token = token;
        this.timeline = timeline;
        this.driver = ProtocolDriver.of(candidate.protocol());
        this.security = candidate.security();
        this.hostName = candidate.host();
        this.port = candidate.port();
        this.addressStagger = addressStagger;
        this.authTimeout = authTimeout;
        this.sslSocketFactory = sslSocketFactory;
        this.gate = gate;
        this.advertised = Advertised.none(candidate.protocol());
    }

    /**
     * Sets the addresses to race, in the order RFC 8305 tries them: the resolver's first address, then
     * alternating between the address families, each family in the resolver's order.
     */
    public void addresses(List<InetAddress> resolved) {
        LinkedList<InetAddress> first = new LinkedList<>();
        LinkedList<InetAddress> other = new LinkedList<>();
        boolean firstIsV6 = resolved.get(0) instanceof Inet6Address;
        for (InetAddress address : resolved) {
            ((address instanceof Inet6Address) == firstIsV6 ? first : other).add(address);
        }
        List<InetSocketAddress> ordered = new ArrayList<>();
        while (!first.isEmpty() || !other.isEmpty()) {
            if (!first.isEmpty()) {
                ordered.add(new InetSocketAddress(first.poll(), port));
            }
            if (!other.isEmpty()) {
                ordered.add(new InetSocketAddress(other.poll(), port));
            }
        }
        targets = List.copyOf(ordered);
    }

    /** The addresses to race, in order; the port is the candidate's. */
    public List<InetSocketAddress> targets() {
        return targets;
    }

    /**
     * The host Jakarta Mail is told to connect to: the first address as a literal, so that it never looks the
     * name up itself (an unbounded lookup); the sockets here race every address and check certificates against
     * {@link #hostName()}.
     */
    public String connectHost() {
        return targets.get(0).getAddress().getHostAddress();
    }

    /** The candidate's host name, for TLS (SNI and the certificate check). */
    public String hostName() {
        return hostName;
    }

    Duration addressStagger() {
        return addressStagger;
    }

    /** The clock the address race decides on. */
    Timeline timeline() {
        return timeline;
    }

    public void phase(Phase next) {
        Phase previous = phase;
        phase = next;
        if (previous != next) {
            phaseListener.changed(previous, next);
        }
    }

    public void phaseListener(PhaseListener listener) {
        this.phaseListener = listener;
    }

    /** The phase the attempt is in. */
    @Override
    public Phase phase() {
        return phase;
    }

    void addressFailed(InetSocketAddress address, IOException failure) {
        addressFailures.add(address.getAddress().getHostAddress() + ": " + describe(failure));
    }

    private static String describe(IOException failure) {
        if (failure instanceof java.net.ConnectException) {
            return "connection refused";
        }
        if (failure instanceof java.net.SocketTimeoutException) {
            return "no answer";
        }
        if (failure instanceof java.net.NoRouteToHostException) {
            return "no route";
        }
        return failure.getClass().getSimpleName();
    }

    /** What went wrong with the addresses that did not win the race, e.g. {@code 127.0.0.5: connection refused}. */
    public List<String> addressFailures() {
        return List.copyOf(addressFailures);
    }

    /** The address whose connection was established, or null. */
    public @Nullable InetSocketAddress connectedAddress() {
        return connectedAddress;
    }
    /** For {@code mail.<protocol>.socketFactory}: a tracked plain socket, or for implicit TLS a tracked TLS socket. */
    public SocketFactory socketFactory(boolean implicitTls) {
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
    public SSLSocketFactory startTlsSocketFactory() {
        return new LayeringSslSocketFactory(this, sslSocketFactory);
    }

    ProtocolDriver driver() {
        return driver;
    }

    Security security() {
        return security;
    }

    void register(TrackedSocket socket) throws SocketException {
        if (closed) {
            throw new SocketException("the attempt was stopped");
        }
        sockets.add(socket);
    }

    void closed(TrackedSocket socket) {
        sockets.remove(socket);
    }

    /** Closes every socket of the attempt now, from any thread; blocked reads and connects fail at once. */
    @Override
    public void closeAll() {
        closed = true;
        for (TrackedSocket socket : sockets) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing is best effort
            }
        }
    }

    /** The connection permit this attempt holds, so that an unanswered connect can stop counting against it. */
    public void permit(ConnectionLimiter.@Nullable Ticket ticket) {
        this.permit = ticket;
    }

    /**
     * The server's first byte at the application layer arrived (the start of its greeting; on implicit TLS, after the
     * handshake): it serves this client now, which its connection permit tells the limiter. Called on the reading
     * thread, which holds no lock of the race.
     */
    void serverSpoke() {
        if (serverSpoke) {
            return;
        }
        serverSpoke = true;
        ConnectionLimiter.Ticket ticket = permit;
        if (ticket != null) {
            ticket.accepted();
        }
    }

    /** Whether the server sent anything at the application layer: its greeting began. */
    public boolean serverSpokeYet() {
        return serverSpoke;
    }

    /** Whether the attempt's sockets were closed on request (the race stopped it), before it detached. */
    public boolean stoppedHere() {
        return closed;
    }

    /** The connect has not been answered for a while: the server is not loaded by it, so it stops counting. */
    void connectUnanswered() {
        ConnectionLimiter.Ticket ticket = permit;
        if (ticket != null && !permitSuspended) {
            permitSuspended = true;
            ticket.suspend();
        }
    }

    void connected(InetSocketAddress address) {
        ConnectionLimiter.Ticket ticket = permit;
        if (ticket != null) {
            // counted again if it was suspended, and as a connection the server holds
            ticket.connected();
        }
        connectedAddress = address;
        connected = true;
        phase(security == Security.IMPLICIT_TLS ? Phase.TLS : Phase.GREETING);
    }

    /** Whether a TCP connection to the server was established. */
    @Override
    public boolean isConnected() {
        return connected;
    }

    /**
     * Called by the stream that is about to write the first credential-bearing command. With a password, first
     * checks what the server advertised: over TLS, OAuth2 only; on a cleartext candidate, no password login the
     * library uses without TLS. Either way nothing is sent, the user name included.
     */
    void beforeCredentials() throws IOException {
        if (credentialsReleased) {
            return;
        }
        ProtocolException refusal = token ? null : refusalAdvertised();
        if (refusal != null) {
            // Jakarta Mail may swallow the exception of a write: closing makes its next read fail at once
            withheld = refusal;
            closeAll();
            throw new SocketException(refusal.getMessage());
        }
        credentialsStarted = true;
        gate.awaitTurn();
        if (closed) {
            throw new SocketException("the attempt was stopped before sending credentials");
        }
        credentialsReleased = true;
        phase(Phase.LOGIN);
        // servers delay their answer to a login on purpose after failures: give it the authentication timeout
        int timeout = (int) Math.min(authTimeout.toMillis(), Integer.MAX_VALUE);
        for (TrackedSocket socket : sockets) {
            socket.setSoTimeout(timeout);
        }
    }

    /**
     * Closes every socket and forgets the gate. Jakarta Mail stores are finalizable and keep their session (and so
     * these factories) until the finalizer runs; detaching keeps the negotiation out of that backlog.
     */
    public void detach() {
        closeAll();
        ConnectionLimiter.Ticket ticket = permit;
        if (ticket != null) {
            ticket.disconnected();
        }
        gate = () -> {
            throw new SocketException("the attempt has ended");
        };
    }

    /**
     * Whether the gate let the credentials go. Jakarta Mail writes commands through a {@code PrintWriter}, which
     * swallows the exception of a gate that refused; such a session must never count as authenticated.
     */
    public boolean credentialsReleased() {
        return credentialsReleased;
    }

    /**
     * Why a password cannot be used, from what the server advertised on the connection's current layer: over TLS,
     * only OAuth2 mechanisms; on a cleartext candidate, no password login the library uses without TLS (on a
     * STARTTLS candidate, what was advertised before TLS is never trusted, and credentials go only after it). Null
     * when nothing advertised stands in the way.
     */
    private @Nullable ProtocolException refusalAdvertised() {
        Advertised seen = advertised;
        if (seen.overTls()) {
            Optional<String> oauthOnly = driver.oauthOnly(seen);
            return oauthOnly.isPresent() ? new OAuthRequiredException(oauthOnly.get()) : null;
        }
        if (security == Security.NONE) {
            Optional<String> refused = driver.passwordLoginRefused(seen);
            return refused.isPresent() ? new PasswordLoginNotOfferedException(refused.get(), false) : null;
        }
        return null;
    }

    /** What the protocol's stream or store saw the server advertise before the login, on the current layer. */
    void capabilitiesSeen(List<String> capabilities, boolean overTls) {
        advertised = new Advertised(advertised.protocol(), capabilities, overTls);
    }

    /** A status line the server sent (POP3): the first after the credentials started answers the first command. */
    void statusSeen(String line) {
        if (credentialsReleased && firstLoginAnswerPositive == null) {
            firstLoginAnswerPositive = line.startsWith("+");
        }
    }

    /** TLS starts over the connection (STARTTLS/STLS): nothing the server advertised before it is trusted after it. */
    void tlsStarting() {
        advertised = Advertised.none(advertised.protocol());
    }

    /** A listener that records what the server says on a cleartext ({@code overTls} false) or TLS layer. */
    ProtocolDriver.Listener listener(boolean overTls) {
        return new ProtocolDriver.Listener() {
            @Override
            public void capabilities(List<String> capabilities) {
                capabilitiesSeen(capabilities, overTls);
            }

            @Override
            public void status(String line) {
                statusSeen(line);
            }
        };
    }

    /** For the session's {@link org.mailintegrator.core.internal.protocol.MailSessions.CapabilitySink}. */
    public void capabilitiesReported(List<String> capabilities, boolean overTls) {
        capabilitiesSeen(capabilities, overTls);
    }

    /**
     * Why the credentials were held back before anything was sent, from what the server advertised: an
     * {@link OAuthRequiredException} (over TLS, OAuth2 only) or a {@link PasswordLoginNotOfferedException}; null
     * when they were not held back.
     */
    public @Nullable ProtocolException withheld() {
        return withheld;
    }

    /** What the attempt saw of the server on the way, for the classification of its failure. */
    public Observed observed() {
        return new Observed(advertised, firstLoginAnswerPositive);
    }

    /** Whether the client began to send credentials (USER/PASS/AUTH/APOP, LOGIN/AUTHENTICATE). */
    public boolean credentialsStarted() {
        return credentialsStarted;
    }
}
