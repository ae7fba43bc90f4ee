package org.mailintegrator.core.internal.attempt;

import org.mailintegrator.core.Phase;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.function.BiFunction;
import javax.net.ssl.HandshakeCompletedListener;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.jspecify.annotations.Nullable;

/**
 * A TLS socket that runs over an attempt's {@link TrackedSocket}, so that closing the plain socket stops it at
 * once, and whose application output passes the credential gate. Created unconnected for implicit TLS (TLS is
 * layered when {@link #connect} completes), or over a connected socket for STARTTLS. Everything else is delegated
 * to the JDK's TLS socket.
 */
final class TrackedSslSocket extends SSLSocket {
    private final AttemptTransport transport;
    private final TrackedSocket plain;
    private final SSLSocketFactory factory;
    /** Set by the attempt's thread, read by whichever thread closes the socket. */
    private volatile @Nullable SSLSocket tls;

    /** Implicit TLS: unconnected until {@link #connect(SocketAddress, int)}. */
    TrackedSslSocket(AttemptTransport transport, TrackedSocket plain, SSLSocketFactory factory) {
        this.transport = transport;
        this.plain = plain;
        this.factory = factory;
    }

    /** STARTTLS: TLS over an already connected plain socket. */
    TrackedSslSocket(AttemptTransport transport, TrackedSocket plain, SSLSocketFactory factory, String host, int port,
            boolean autoClose) throws IOException {
        this(transport, plain, factory);
        plain.markLayered();
        transport.tlsStarting();
        transport.phase(Phase.TLS);
        // the certificate is checked against the candidate's host name, not the address literal Jakarta Mail has
        this.tls = (SSLSocket) factory.createSocket(plain, transport.hostName(), port, autoClose);
    }

    private SSLSocket tls() throws SocketException {
        SSLSocket layered = tls;
        if (layered == null) {
            throw new SocketException("not connected");
        }
        return layered;
    }

    private SSLSocket tlsUnchecked() {
        SSLSocket layered = tls;
        if (layered == null) {
            throw new IllegalStateException("not connected");
        }
        return layered;
    }

    @Override
    public void connect(SocketAddress endpoint) throws IOException {
        connect(endpoint, 0);
    }

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
        plain.connect(endpoint, timeout);
        plain.markLayered();
        InetSocketAddress address = (InetSocketAddress) endpoint;
        tls = (SSLSocket) factory.createSocket(plain, transport.hostName(), address.getPort(), true);
    }

    @Override
    public void bind(SocketAddress local) throws IOException {
        plain.bind(local);
    }

    @Override
    public InputStream getInputStream() throws IOException {
        return transport.driver().tap(new GuardedInputStream(tls().getInputStream(), transport::serverSpoke),
                transport.listener(true));
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        return new GatedOutputStream(tls().getOutputStream(), transport);
    }

    @Override
    public void close() throws IOException {
        try {
            SSLSocket layered = tls;
            if (layered != null) {
                layered.close();
            }
        } finally {
            plain.close();
        }
    }

    @Override
    public void startHandshake() throws IOException {
        transport.phase(Phase.TLS);
        tls().startHandshake();
        transport.phase(Phase.GREETING);
    }

    @Override
    public SSLSession getSession() {
        return tlsUnchecked().getSession();
    }

    @Override
    public SSLSession getHandshakeSession() {
        return tlsUnchecked().getHandshakeSession();
    }

    @Override
    public SSLParameters getSSLParameters() {
        return tlsUnchecked().getSSLParameters();
    }

    @Override
    public void setSSLParameters(SSLParameters params) {
        tlsUnchecked().setSSLParameters(params);
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return factory.getSupportedCipherSuites();
    }

    @Override
    public String[] getEnabledCipherSuites() {
        return tlsUnchecked().getEnabledCipherSuites();
    }

    @Override
    public void setEnabledCipherSuites(String[] suites) {
        tlsUnchecked().setEnabledCipherSuites(suites);
    }

    @Override
    public String[] getSupportedProtocols() {
        return tlsUnchecked().getSupportedProtocols();
    }

    @Override
    public String[] getEnabledProtocols() {
        return tlsUnchecked().getEnabledProtocols();
    }

    @Override
    public void setEnabledProtocols(String[] protocols) {
        tlsUnchecked().setEnabledProtocols(protocols);
    }

    @Override
    public void addHandshakeCompletedListener(HandshakeCompletedListener listener) {
        tlsUnchecked().addHandshakeCompletedListener(listener);
    }

    @Override
    public void removeHandshakeCompletedListener(HandshakeCompletedListener listener) {
        tlsUnchecked().removeHandshakeCompletedListener(listener);
    }

    @Override
    public void setUseClientMode(boolean mode) {
        tlsUnchecked().setUseClientMode(mode);
    }

    @Override
    public boolean getUseClientMode() {
        return tlsUnchecked().getUseClientMode();
    }

    @Override
    public void setNeedClientAuth(boolean need) {
        tlsUnchecked().setNeedClientAuth(need);
    }

    @Override
    public boolean getNeedClientAuth() {
        return tlsUnchecked().getNeedClientAuth();
    }

    @Override
    public void setWantClientAuth(boolean want) {
        tlsUnchecked().setWantClientAuth(want);
    }

    @Override
    public boolean getWantClientAuth() {
        return tlsUnchecked().getWantClientAuth();
    }

    @Override
    public void setEnableSessionCreation(boolean flag) {
        tlsUnchecked().setEnableSessionCreation(flag);
    }

    @Override
    public boolean getEnableSessionCreation() {
        return tlsUnchecked().getEnableSessionCreation();
    }

    @Override
    public String getApplicationProtocol() {
        return tlsUnchecked().getApplicationProtocol();
    }

    @Override
    public String getHandshakeApplicationProtocol() {
        return tlsUnchecked().getHandshakeApplicationProtocol();
    }

    @Override
    public void setHandshakeApplicationProtocolSelector(BiFunction<SSLSocket, List<String>, String> selector) {
        tlsUnchecked().setHandshakeApplicationProtocolSelector(selector);
    }

    @Override
    public BiFunction<SSLSocket, List<String>, String> getHandshakeApplicationProtocolSelector() {
        return tlsUnchecked().getHandshakeApplicationProtocolSelector();
    }

    // Socket state and options live on the plain socket underneath.

    @Override
    public @Nullable SocketChannel getChannel() {
        return null;
    }

    @Override
    public @Nullable InetAddress getInetAddress() {
        return plain.getInetAddress();
    }

    @Override
    public @Nullable InetAddress getLocalAddress() {
        return plain.getLocalAddress();
    }

    @Override
    public int getPort() {
        return plain.getPort();
    }

    @Override
    public int getLocalPort() {
        return plain.getLocalPort();
    }

    @Override
    public @Nullable SocketAddress getRemoteSocketAddress() {
        return plain.getRemoteSocketAddress();
    }

    @Override
    public @Nullable SocketAddress getLocalSocketAddress() {
        return plain.getLocalSocketAddress();
    }

    @Override
    public void setTcpNoDelay(boolean on) throws SocketException {
        plain.setTcpNoDelay(on);
    }

    @Override
    public boolean getTcpNoDelay() throws SocketException {
        return plain.getTcpNoDelay();
    }

    @Override
    public void setSoLinger(boolean on, int linger) throws SocketException {
        plain.setSoLinger(on, linger);
    }

    @Override
    public int getSoLinger() throws SocketException {
        return plain.getSoLinger();
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        plain.setSoTimeout(timeout);
    }

    @Override
    public int getSoTimeout() throws SocketException {
        return plain.getSoTimeout();
    }

    @Override
    public void setSendBufferSize(int size) throws SocketException {
        plain.setSendBufferSize(size);
    }

    @Override
    public int getSendBufferSize() throws SocketException {
        return plain.getSendBufferSize();
    }

    @Override
    public void setReceiveBufferSize(int size) throws SocketException {
        plain.setReceiveBufferSize(size);
    }

    @Override
    public int getReceiveBufferSize() throws SocketException {
        return plain.getReceiveBufferSize();
    }

    @Override
    public void setKeepAlive(boolean on) throws SocketException {
        plain.setKeepAlive(on);
    }

    @Override
    public boolean getKeepAlive() throws SocketException {
        return plain.getKeepAlive();
    }

    @Override
    public void setTrafficClass(int tc) throws SocketException {
        plain.setTrafficClass(tc);
    }

    @Override
    public int getTrafficClass() throws SocketException {
        return plain.getTrafficClass();
    }

    @Override
    public void setReuseAddress(boolean on) throws SocketException {
        plain.setReuseAddress(on);
    }

    @Override
    public boolean getReuseAddress() throws SocketException {
        return plain.getReuseAddress();
    }

    @Override
    public void shutdownInput() throws IOException {
        tls().shutdownInput();
    }

    @Override
    public void shutdownOutput() throws IOException {
        tls().shutdownOutput();
    }

    @Override
    public boolean isConnected() {
        return plain.isConnected();
    }

    @Override
    public boolean isBound() {
        return plain.isBound();
    }

    @Override
    public boolean isClosed() {
        return plain.isClosed();
    }

    @Override
    public boolean isInputShutdown() {
        SSLSocket layered = tls;
        return layered != null ? layered.isInputShutdown() : plain.isInputShutdown();
    }

    @Override
    public boolean isOutputShutdown() {
        SSLSocket layered = tls;
        return layered != null ? layered.isOutputShutdown() : plain.isOutputShutdown();
    }

    @Override
    public String toString() {
        SSLSocket layered = tls;
        return "TrackedSslSocket[" + (layered != null ? layered : plain) + "]";
    }
}
