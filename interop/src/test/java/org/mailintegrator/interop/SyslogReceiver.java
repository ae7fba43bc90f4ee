package org.mailintegrator.interop;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Pattern;

/**
 * A syslog socket of a private server's own: a UNIX stream socket that glibc's {@code syslog(3)} writes to when a
 * process's {@code /dev/log} leads there (see {@link CyrusServer}, which points {@code /dev/log} at it inside a mount
 * namespace of its own). glibc first tries a datagram socket, gets {@code EPROTOTYPE} from a stream socket and
 * falls back to a stream connection, ending each message with a NUL. Each message becomes one line of the log
 * file, without its {@code <priority>} prefix: {@code Dec  4 13:28:03 cyrus/pop3s[31473]: login: ...}.
 *
 * <p>One thread serves every connection (one per server process) through a selector; {@link #close()} stops it
 * and deletes the socket.
 */
final class SyslogReceiver implements AutoCloseable {
    private static final Pattern PRIORITY = Pattern.compile("^<\\d{1,3}>");

    private final Path socket;
    private final ServerSocketChannel server;
    private final Selector selector;
    private final OutputStream log;
    private final Thread thread;
    private volatile boolean closed;

    private SyslogReceiver(Path socket, ServerSocketChannel server, Selector selector, OutputStream log) {
        this.socket = socket;
        this.server = server;
        this.selector = selector;
        this.log = log;
        this.thread = new Thread(this::serve, "syslog-" + socket.getParent().getFileName());
        this.thread.setDaemon(true);
    }

    /**
     * Binds {@code socket} (any user may write to it, as to {@code /dev/log}) and starts appending what arrives to
     * {@code logFile}.
     */
    static SyslogReceiver start(Path socket, Path logFile) {
        try {
            Files.deleteIfExists(socket);
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
            server.configureBlocking(false);
            Selector selector = Selector.open();
            server.register(selector, SelectionKey.OP_ACCEPT);
            OutputStream log = Files.newOutputStream(logFile, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            SyslogReceiver receiver = new SyslogReceiver(socket, server, selector, log);
            receiver.thread.start();
            return receiver;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for syslog messages on " + socket, e);
        }
    }

    private void serve() {
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        try {
            while (!closed) {
                selector.select(500);
                for (SelectionKey key : selector.selectedKeys()) {
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        SocketChannel client = server.accept();
                        if (client != null) {
                            client.configureBlocking(false);
                            client.register(selector, SelectionKey.OP_READ, new ByteArrayOutputStream());
                        }
                    } else if (key.isReadable()) {
                        read(key, buffer);
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            if (!closed) {
                throw new UncheckedIOException("syslog receiver on " + socket + " failed", e);
            }
        }
    }

    private void read(SelectionKey key, ByteBuffer buffer) throws IOException {
        SocketChannel client = (SocketChannel) key.channel();
        ByteArrayOutputStream pending = (ByteArrayOutputStream) key.attachment();
        buffer.clear();
        int read;
        try {
            read = client.read(buffer);
        } catch (IOException reset) {
            read = -1;
        }
        if (read > 0) {
            for (int i = 0; i < read; i++) {
                byte b = buffer.get(i);
                if (b == 0 || b == '\n') {
                    write(pending);
                } else {
                    pending.write(b);
                }
            }
        }
        if (read < 0) {
            write(pending);
            key.cancel();
            client.close();
        }
    }

    private void write(ByteArrayOutputStream pending) throws IOException {
        if (pending.size() == 0) {
            return;
        }
        String message = PRIORITY.matcher(pending.toString(StandardCharsets.UTF_8)).replaceFirst("");
        pending.reset();
        synchronized (log) {
            log.write((message + "\n").getBytes(StandardCharsets.UTF_8));
            log.flush();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        selector.wakeup();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            for (SelectionKey key : selector.keys()) {
                key.channel().close();
            }
            selector.close();
            server.close();
            synchronized (log) {
                log.close();
            }
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the syslog socket " + socket, e);
        }
    }
}
