package org.mailintegrator.core.internal.attempt;

import org.mailintegrator.core.Phase;
import org.mailintegrator.core.Security;
import org.mailintegrator.core.internal.Timeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * An attempt's plain connection, registered with its {@link AttemptTransport}, whose cleartext commands pass the
 * credential gate.
 *
 * <p>{@link #connect} races the host's addresses ({@link AttemptTransport#targets()}) the way RFC 8305 does: the
 * first address at once, each next one when the previous has failed or the address stagger has passed, the first
 * established connection wins and the others are closed, all within the connect timeout. The winning connection
 * is the delegate of every other method. The endpoint Jakarta Mail passes is ignored: it is the first address as
 * a literal.
 */
final class TrackedSocket extends Socket {
    private final AttemptTransport transport;
    private final Object lock = new Object();
    private volatile @Nullable Socket delegate;
    private volatile boolean layered;
    private volatile boolean closed;
    private @Nullable Selector race;
    private final List<SocketChannel> racing = new ArrayList<>();
    private int soTimeout;
    private @Nullable SocketAddress localAddress;

    TrackedSocket(AttemptTransport transport) throws SocketException {
        this.transport = transport;
        transport.register(this);
    }

    @Override
    public void connect(SocketAddress endpoint) throws IOException {
        connect(endpoint, 0);
    }

    @Override
    public void connect(SocketAddress ignored, int timeout) throws IOException {
        transport.phase(Phase.CONNECT);
        List<InetSocketAddress> targets = transport.targets();
        Timeline clock = transport.timeline();
        AddressRace rules = new AddressRace(targets.size(), transport.addressStagger(),
                Duration.ofMillis(Math.max(timeout, 0)), clock.nanoTime());
        List<IOException> failures = new ArrayList<>();
        SocketChannel winner = null;
        InetSocketAddress winnerAddress = null;
        try {
            synchronized (lock) {
                checkOpen();
                race = Selector.open();
            }
            while (winner == null) {
                checkOpen();
                long now = clock.nanoTime();
                AddressRace.Step step = rules.step(now);
                if (step == AddressRace.Step.START) {
                    InetSocketAddress target = targets.get(rules.started(now));
                    SocketChannel channel = open();
                    try {
                        if (channel.connect(target)) {
                            winner = channel;
                            winnerAddress = target;
                        } else {
                            channel.register(race, SelectionKey.OP_CONNECT, target);
                            rules.pending();
                        }
                    } catch (IOException e) {
                        failures.add(e);
                        transport.addressFailed(target, e);
                        closeQuietly(channel);
                    }
                    continue;
                }
                if (step == AddressRace.Step.FAIL) {
                    throw failure(failures, null);
                }
                if (step == AddressRace.Step.TIME_OUT) {
                    SocketTimeoutException timedOut = new SocketTimeoutException("connect timed out");
                    for (SelectionKey key : race.keys()) {
                        if (key.isValid()) {
                            transport.addressFailed((InetSocketAddress) key.attachment(), timedOut);
                        }
                    }
                    throw failure(failures, timedOut);
                }
                if (rules.unansweredNow(now)) {
                    transport.connectUnanswered();
                }
                race.select(rules.waitMillis(now));
                for (SelectionKey key : race.selectedKeys()) {
                    SocketChannel channel = (SocketChannel) key.channel();
                    InetSocketAddress target = (InetSocketAddress) key.attachment();
                    try {
                        if (channel.finishConnect()) {
                            winner = channel;
                            winnerAddress = target;
                            break;
                        }
                    } catch (IOException e) {
                        failures.add(e);
                        transport.addressFailed(target, e);
                        key.cancel();
                        closeQuietly(channel);
                        rules.failed(clock.nanoTime());
                    }
                }
                race.selectedKeys().clear();
            }
            for (SelectionKey key : race.keys()) {
                if (key.isValid() && key.channel() != winner) {
                    transport.addressFailed((InetSocketAddress) key.attachment(),
                            new SocketTimeoutException("still connecting when another address answered"));
                }
            }
        } finally {
            synchronized (lock) {
                if (race != null) {
                    closeQuietly(race);
                    race = null;
                }
                for (SocketChannel channel : racing) {
                    if (channel != winner) {
                        closeQuietly(channel);
                    }
                }
                racing.clear();
            }
        }
        winner.configureBlocking(true);
        Socket socket = winner.socket();
        socket.setSoTimeout(soTimeout);
        synchronized (lock) {
            delegate = socket;
            if (closed) {
                closeQuietly(winner);
                throw new SocketException("Socket closed");
            }
        }
        transport.connected(Objects.requireNonNull(winnerAddress, "winnerAddress"));
    }

    private SocketChannel open() throws IOException {
        SocketChannel channel = SocketChannel.open();
        synchronized (lock) {
            racing.add(channel);
            if (closed) {
                closeQuietly(channel);
                throw new SocketException("Socket closed");
            }
        }
        channel.configureBlocking(false);
        // mail protocols exchange short lines; without this, a command written in two pieces waits for the
        // server's delayed acknowledgement (Nagle's algorithm), typically 40 ms per exchange
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        if (localAddress != null) {
            channel.bind(localAddress);
        }
        return channel;
    }

    private void checkOpen() throws SocketException {
        if (closed) {
            throw new SocketException("Socket closed");
        }
    }

    /** The first address's failure, the others suppressed; a timeout comes first when the race ran out of time. */
    private static IOException failure(List<IOException> failures, @Nullable IOException timedOut) {
        IOException first = timedOut != null ? timedOut : failures.get(0);
        for (IOException other : failures) {
            if (other != first) {
                first.addSuppressed(other);
            }
        }
        return first;
    }

    /** From now on TLS runs over this socket: its bytes are ciphertext, not commands. */
    void markLayered() {
        layered = true;
    }

    private Socket connected() throws SocketException {
        Socket socket = delegate;
        if (socket == null) {
            throw new SocketException(closed ? "Socket closed" : "Socket is not connected");
        }
        return socket;
    }

    @Override
    public InputStream getInputStream() throws IOException {
        InputStream in = new ClosedAsSocketException(connected().getInputStream());
        if (layered) {
            return in;
        }
        InputStream guarded = new GuardedInputStream(in, transport::serverSpoke);
        if (transport.security() == Security.STARTTLS) {
            // nothing said before TLS is heard: it could come from anyone on the path
            return transport.driver().beforeTls(guarded);
        }
        return transport.driver().tap(guarded, transport.listener(false));
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        OutputStream out = connected().getOutputStream();
        return layered ? out : new GatedOutputStream(out, transport);
    }

    @Override
    public void close() throws IOException {
        Socket socket;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            socket = delegate;
            racing.forEach(TrackedSocket::closeQuietly);
            if (race != null) {
                race.wakeup();
            }
        }
        try {
            if (socket != null) {
                socket.close();
            }
        } finally {
            transport.closed(this);
        }
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // closing is best effort
        }
    }

    @Override
    public void bind(SocketAddress local) {
        this.localAddress = local;
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        soTimeout = timeout;
        Socket socket = delegate;
        if (socket != null) {
            socket.setSoTimeout(timeout);
        }
    }

    @Override
    public int getSoTimeout() {
        return soTimeout;
    }

    @Override
    public void setTcpNoDelay(boolean on) throws SocketException {
        Socket socket = delegate;
        if (socket != null) {
            socket.setTcpNoDelay(on);
        }
    }

    @Override
    public boolean getTcpNoDelay() throws SocketException {
        return delegate == null || delegate.getTcpNoDelay();
    }

    @Override
    public void setKeepAlive(boolean on) throws SocketException {
        connected().setKeepAlive(on);
    }

    @Override
    public boolean getKeepAlive() throws SocketException {
        return connected().getKeepAlive();
    }

    @Override
    public void setSoLinger(boolean on, int linger) throws SocketException {
        connected().setSoLinger(on, linger);
    }

    @Override
    public int getSoLinger() throws SocketException {
        return connected().getSoLinger();
    }

    @Override
    public int getSendBufferSize() throws SocketException {
        return connected().getSendBufferSize();
    }

    @Override
    public int getReceiveBufferSize() throws SocketException {
        return connected().getReceiveBufferSize();
    }

    @Override
    public @Nullable InetAddress getInetAddress() {
        Socket socket = delegate;
        return socket == null ? null : socket.getInetAddress();
    }

    @Override
    public @Nullable InetAddress getLocalAddress() {
        Socket socket = delegate;
        return socket == null ? null : socket.getLocalAddress();
    }

    @Override
    public int getPort() {
        Socket socket = delegate;
        return socket == null ? 0 : socket.getPort();
    }

    @Override
    public int getLocalPort() {
        Socket socket = delegate;
        return socket == null ? -1 : socket.getLocalPort();
    }

    @Override
    public @Nullable SocketAddress getRemoteSocketAddress() {
        Socket socket = delegate;
        return socket == null ? null : socket.getRemoteSocketAddress();
    }

    @Override
    public @Nullable SocketAddress getLocalSocketAddress() {
        Socket socket = delegate;
        return socket == null ? null : socket.getLocalSocketAddress();
    }

    @Override
    public java.nio.channels.@Nullable SocketChannel getChannel() {
        return null;
    }

    @Override
    public void shutdownInput() throws IOException {
        connected().shutdownInput();
    }

    @Override
    public void shutdownOutput() throws IOException {
        connected().shutdownOutput();
    }

    @Override
    public boolean isConnected() {
        Socket socket = delegate;
        return socket != null && socket.isConnected();
    }

    @Override
    public boolean isBound() {
        Socket socket = delegate;
        return socket != null && socket.isBound();
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public boolean isInputShutdown() {
        Socket socket = delegate;
        return socket != null && socket.isInputShutdown();
    }

    @Override
    public boolean isOutputShutdown() {
        Socket socket = delegate;
        return socket != null && socket.isOutputShutdown();
    }

    /**
     * Reports a read on a connection closed by another thread (a loser, a deadline) as a plain socket does, with a
     * {@link SocketException}, instead of the channel's {@code AsynchronousCloseException}, which Jakarta Mail does
     * not expect.
     */
    private static final class ClosedAsSocketException extends java.io.FilterInputStream {
        ClosedAsSocketException(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return in.read();
            } catch (java.nio.channels.ClosedChannelException e) {
                throw closed(e);
            }
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            try {
                return in.read(buffer, offset, length);
            } catch (java.nio.channels.ClosedChannelException e) {
                throw closed(e);
            }
        }

        private static SocketException closed(java.nio.channels.ClosedChannelException cause) {
            SocketException closed = new SocketException("Socket closed");
            closed.initCause(cause);
            return closed;
        }
    }

    @Override
    public String toString() {
        Socket socket = delegate;
        return "TrackedSocket[" + transport.hostName() + (socket == null ? "" : " " + socket) + "]";
    }
}
