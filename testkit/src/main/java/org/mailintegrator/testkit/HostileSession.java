package org.mailintegrator.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.SSLSocket;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.testkit.ServerBehaviour.Step;

/**
 * One connection of a {@link HostileMailServer}: line I/O that records what the client sent, the TLS upgrade, and the
 * primitives a {@link ServerBehaviour} drives (resets, silence, bombs). Subclasses script the protocol and call the
 * behaviour's hooks.
 */
abstract class HostileSession extends ServerBehaviour.Connection {
    private static final int MAX_CLIENT_LINE = 8_192;
    private static final int IDLE_MILLIS = 30_000;
    private static final int TRICKLE_MILLIS = 200;

    final HostileMailServer server;
    final ServerBehaviour behaviour;
    private final Map<String, Object> attributes = new HashMap<>();
    private final Socket raw;
    private Socket current;
    private int pushedBack = -1;
    private InputStream in;
    private OutputStream out;
    private boolean tls;

    HostileSession(HostileMailServer server, Socket raw) throws IOException {
        this.server = server;
        this.behaviour = server.serverBehaviour();
        this.raw = raw;
        raw.setTcpNoDelay(true);
        raw.setSoTimeout(IDLE_MILLIS);
        this.current = raw;
        this.in = raw.getInputStream();
        this.out = raw.getOutputStream();
    }

    /** Serves the connection until the client leaves or the behaviour ends it. */
    final void run() throws IOException {
        if (server.service().isTls()) {
            upgradeToTls();
        }
        serve();
    }

    abstract void serve() throws IOException;

    /** The capabilities an honest server of this protocol advertises now. */
    abstract List<String> standardCapabilities();

    /** The name of the STARTTLS command and capability in this protocol. */
    abstract String startTlsName();

    /** {@code step}, checked: a hook of a custom behaviour that returns null ends the connection. */
    static Step checked(Step step) {
        return Objects.requireNonNull(step, "a ServerBehaviour hook returned null instead of a Step");
    }

    /** Greets through the behaviour, or with {@code standardGreeting}; false when the connection is to end. */
    final boolean greet(String standardGreeting) throws IOException {
        Step step = checked(behaviour.greet(this));
        if (step == Step.DEFAULT) {
            sendLine(standardGreeting);
            return true;
        }
        return step == Step.ANSWERED;
    }

    @Override
    public final Service service() {
        return server.service();
    }

    @Override
    public final boolean overTls() {
        return tls;
    }

    @Override
    public final List<String> capabilities() {
        List<String> standard = standardCapabilities();
        return List.copyOf(Objects.requireNonNull(behaviour.capabilities(this, standard),
                "a ServerBehaviour returned null capabilities"));
    }

    @Override
    public final boolean offersStartTls() {
        return !tls && capabilities().contains(startTlsName());
    }

    @Override
    public final boolean acceptsCredentials(String user, String password) {
        return password.equals(server.users().get(user));
    }

    @Override
    public final Map<String, Object> attributes() {
        return attributes;
    }

    @Override
    final HostileMailServer server() {
        return server;
    }

    /**
     * Reads one client line without reading past it (the bytes after a STARTTLS line are a TLS handshake), records
     * it, and returns it without its line ending; null when the client has closed the connection.
     */
    final @Nullable String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = nextByte()) >= 0) {
            if (c == '\n') {
                int end = line.length();
                String text = end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
                server.record(text, tls);
                return text;
            }
            if (line.length() >= MAX_CLIENT_LINE) {
                throw new IOException("client line longer than " + MAX_CLIENT_LINE + " bytes");
            }
            line.append((char) c);
        }
        return null;
    }

    private int nextByte() throws IOException {
        if (pushedBack >= 0) {
            int c = pushedBack;
            pushedBack = -1;
            return c;
        }
        return in.read();
    }

    @Override
    public final boolean clientSendsWithin(Duration wait) throws IOException {
        if (pushedBack >= 0) {
            return true;
        }
        current.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, wait.toMillis())));
        try {
            pushedBack = in.read();
            return pushedBack >= 0;
        } catch (SocketTimeoutException waitedForTheAnswer) {
            return false;
        } finally {
            current.setSoTimeout(IDLE_MILLIS);
        }
    }

    @Override
    public final void send(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Override
    public final void sendLine(String line) throws IOException {
        send(line + "\r\n");
    }

    @Override
    public final void upgradeToTls() throws IOException {
        SSLSocket secure = (SSLSocket) server.serverTls().getSocketFactory()
                .createSocket(raw, null, raw.getPort(), true);
        secure.setUseClientMode(false);
        secure.startHandshake();
        current = secure;
        in = secure.getInputStream();
        out = secure.getOutputStream();
        tls = true;
    }

    @Override
    public final void fallSilent() throws IOException {
        pushedBack = -1;
        byte[] sink = new byte[4096];
        while (in.read(sink) >= 0) {
            // discard
        }
    }

    @Override
    public final void reset() throws IOException {
        raw.setSoLinger(true, 0);
        raw.close();
    }

    /** Sends {@code prefix}, then bytes without a line end for as long as the client reads them, as fast as it can. */
    @Override
    final void endlessLine(String prefix) throws IOException {
        send(prefix);
        byte[] chunk = new byte[64 * 1024];
        Arrays.fill(chunk, (byte) 'A');
        while (true) {
            out.write(chunk);
            out.flush();
        }
    }

    /** Sends {@code prefix} one byte every 200 ms, then dots at that pace, never ending the line. */
    @Override
    final void trickle(String prefix) throws IOException {
        byte[] start = prefix.getBytes(StandardCharsets.ISO_8859_1);
        for (long i = 0; ; i++) {
            out.write(i < start.length ? start[(int) i] : '.');
            out.flush();
            pace();
        }
    }

    /** Sends {@code prefix} then distinct capability names until {@code size} bytes are sent, then a CRLF. */
    @Override
    final void hugeLine(String prefix, long size) throws IOException {
        send(prefix);
        StringBuilder chunk = new StringBuilder(70_000);
        long sent = prefix.length();
        for (long n = 0; sent < size; n++) {
            String atom = String.format("X-%07d ", n);
            chunk.append(atom);
            sent += atom.length();
            if (chunk.length() >= 64_000) {
                send(chunk.toString());
                chunk.setLength(0);
            }
        }
        send(chunk.append("\r\n").toString());
    }

    /**
     * Sends lines of distinct capability names, each {@code prefix} and then about {@code lineBytes} bytes, until
     * {@code size} bytes are sent.
     */
    @Override
    final void manyLines(String prefix, int lineBytes, long size) throws IOException {
        StringBuilder chunk = new StringBuilder(70_000);
        StringBuilder line = new StringBuilder(prefix);
        long sent = 0;
        for (long n = 0; sent < size; n++) {
            line.append(String.format("X-%07d", n));
            if (line.length() - prefix.length() >= lineBytes) {
                chunk.append(line).append("\r\n");
                sent += line.length() + 2;
                line.setLength(0);
                line.append(prefix);
            } else {
                line.append(' ');
            }
            if (chunk.length() >= 64_000) {
                send(chunk.toString());
                chunk.setLength(0);
            }
        }
        send(chunk.toString());
    }

    private static void pace() throws IOException {
        try {
            Thread.sleep(TRICKLE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("the server is closing");
        }
    }
}
