package org.mailintegrator.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;

/** A plain socket registered with its {@link AttemptTransport}, whose cleartext commands pass the credential gate. */
final class TrackedSocket extends Socket {
    private final AttemptTransport transport;
    private volatile boolean layered;

    TrackedSocket(AttemptTransport transport) throws SocketException {
        this.transport = transport;
        // mail protocols exchange short lines; without this, a command written in two pieces waits for the
        // server's delayed acknowledgement (Nagle's algorithm), typically 40 ms per exchange
        setTcpNoDelay(true);
        transport.register(this);
    }

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
        super.connect(endpoint, timeout);
        transport.connected();
    }

    /** From now on TLS runs over this socket: its bytes are ciphertext, not commands. */
    void markLayered() {
        layered = true;
    }

    @Override
    public InputStream getInputStream() throws IOException {
        InputStream in = super.getInputStream();
        if (layered) {
            return in;
        }
        InputStream guarded = new GuardedInputStream(in);
        return transport.protocol() == MailProtocol.POP3 && transport.security() == Security.STARTTLS
                ? new PreTlsCapabilityFilter(guarded) : guarded;
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        OutputStream out = super.getOutputStream();
        return layered ? out : new GatedOutputStream(out, transport, false);
    }

    @Override
    public synchronized void close() throws IOException {
        try {
            super.close();
        } finally {
            transport.closed(this);
        }
    }
}
