package org.mailintegrator.core.internal.attempt;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.ssl.SSLSocketFactory;

/** Layers TLS over an attempt's tracked plain socket for STARTTLS/STLS; the result is tracked too. */
final class LayeringSslSocketFactory extends SSLSocketFactory {
    private final AttemptTransport transport;
    private final SSLSocketFactory delegate;

    LayeringSslSocketFactory(AttemptTransport transport, SSLSocketFactory delegate) {
        this.transport = transport;
        this.delegate = delegate;
    }

    @Override
    public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
        if (!(socket instanceof TrackedSocket)) {
            throw new IOException("cannot start TLS over a socket this attempt did not create");
        }
        return new TrackedSslSocket(transport, (TrackedSocket) socket, delegate, host, port, autoClose);
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return delegate.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        throw new IOException("only layering over an existing connection is supported");
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        throw new IOException("only layering over an existing connection is supported");
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        throw new IOException("only layering over an existing connection is supported");
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        throw new IOException("only layering over an existing connection is supported");
    }
}
