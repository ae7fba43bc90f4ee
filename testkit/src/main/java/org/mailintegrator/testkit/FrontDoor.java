package org.mailintegrator.testkit;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * The public port of one {@link Service}: terminates TLS where the service is implicit TLS, forwards to the
 * GreenMail backend, and applies the service's {@link Fault}. The port stays the same across faults.
 */
final class FrontDoor implements Closeable {
    private static final int HANDSHAKE_TIMEOUT_MILLIS = 10_000;
    private static final byte[] GARBAGE =
            "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final Service service;
    private final InetAddress address;
    private final InetSocketAddress backend;
    private final SSLContext tls;
    private final ExecutorService workers;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final List<Socket> backlogFillers = new ArrayList<>();
    private int port;
    private ServerSocket listener;
    private Thread acceptor;
    private Fault fault;

    FrontDoor(Service service, InetAddress address, InetSocketAddress backend, SSLContext tls,
            ExecutorService workers) {
        this.service = service;
        this.address = address;
        this.backend = backend;
        this.tls = tls;
        this.workers = workers;
    }

    synchronized int port() {
        return port;
    }

    synchronized Fault fault() {
        return fault;
    }

    /** Applies {@code newFault} (null: healthy). Connections that are open are cut, as a restart would. */
    synchronized void apply(Fault newFault) {
        shutDownListener();
        closeAll(connections);
        fault = newFault;
        if (newFault == Fault.REFUSE) {
            if (port == 0) {
                bind(50);
                shutDownListener();
            }
            return;
        }
        bind(newFault == Fault.DROP ? 1 : 50);
        if (newFault == Fault.DROP) {
            fillAcceptQueue();
        } else {
            ServerSocket current = listener;
            acceptor = new Thread(() -> acceptLoop(current), "testkit-" + service + "-accept-" + port);
            acceptor.setDaemon(true);
            acceptor.start();
        }
    }

    @Override
    public synchronized void close() {
        shutDownListener();
        closeAll(connections);
    }

    private void bind(int backlog) {
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(address, port), backlog);
            listener = socket;
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for " + service + " on " + address + ":" + port, e);
        }
    }

    /**
     * Connects to the never-accepting listener until the kernel stops answering: then the accept queue is full
     * and every further SYN is dropped, which is what a DROP firewall looks like to a client.
     */
    private void fillAcceptQueue() {
        InetSocketAddress target = new InetSocketAddress(address, port);
        for (int i = 0; i < 64; i++) {
            Socket filler = new Socket();
            try {
                filler.connect(target, 250);
                backlogFillers.add(filler);
            } catch (SocketTimeoutException expected) {
                closeQuietly(filler);
                return;
            } catch (IOException e) {
                closeQuietly(filler);
                throw new UncheckedIOException("cannot fill the accept queue of " + target, e);
            }
        }
        throw new IllegalStateException("the kernel kept accepting connections on " + target
                + " beyond its backlog; a DROP fault cannot be simulated here");
    }

    private void shutDownListener() {
        if (listener != null) {
            closeQuietly(listener);
            listener = null;
        }
        closeAll(backlogFillers);
        backlogFillers.clear();
        if (acceptor != null) {
            try {
                acceptor.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            acceptor = null;
        }
    }

    private void acceptLoop(ServerSocket socket) {
        while (!socket.isClosed()) {
            Socket client;
            try {
                client = socket.accept();
            } catch (IOException closed) {
                return;
            }
            connections.add(client);
            Fault current = fault;
            workers.execute(() -> serve(client, current));
        }
    }

    private void serve(Socket raw, Fault current) {
        Socket client = raw;
        try {
            if (service.isTls()) {
                client = handshake(raw);
            }
            if (current == Fault.SILENT) {
                drain(client.getInputStream());
            } else if (current == Fault.GARBAGE) {
                client.getOutputStream().write(GARBAGE);
                client.getOutputStream().flush();
            } else {
                forward(client);
            }
        } catch (IOException | RuntimeException connectionEnded) {
            // the client went away, or the fixture is closing: nothing to report
        } finally {
            connections.remove(raw);
            closeQuietly(client);
            closeQuietly(raw);
        }
    }

    private SSLSocket handshake(Socket raw) throws IOException {
        SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(raw, null, raw.getPort(), true);
        secure.setUseClientMode(false);
        raw.setSoTimeout(HANDSHAKE_TIMEOUT_MILLIS);
        secure.startHandshake();
        raw.setSoTimeout(0);
        return secure;
    }

    private void forward(Socket client) throws IOException {
        try (Socket server = new Socket()) {
            connections.add(server);
            try {
                server.connect(backend, 5_000);
                InputStream fromServer = server.getInputStream();
                OutputStream toClient = client.getOutputStream();
                workers.execute(() -> pump(fromServer, toClient, client));
                client.getInputStream().transferTo(server.getOutputStream());
            } finally {
                connections.remove(server);
            }
        }
    }

    private static void pump(InputStream from, OutputStream to, Socket toClose) {
        try {
            from.transferTo(to);
        } catch (IOException ended) {
            // one side closed: the other side is closed below
        } finally {
            closeQuietly(toClose);
        }
    }

    private static void drain(InputStream in) throws IOException {
        byte[] sink = new byte[4096];
        while (in.read(sink) >= 0) {
            // discard
        }
    }

    private static void closeAll(Iterable<Socket> sockets) {
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // closing is best effort
        }
    }
}
