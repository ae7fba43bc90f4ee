package org.mailintegrator.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.net.ssl.SSLSocket;

/**
 * One connection of a {@link HostileMailServer}: line I/O that records what the client sent, the TLS upgrade, and the
 * misbehaviours every protocol shares (resets, junk, bombs). Subclasses script the protocol.
 */
abstract class HostileSession {
    private static final int MAX_CLIENT_LINE = 8_192;
    private static final int IDLE_MILLIS = 30_000;
    private static final int TRICKLE_MILLIS = 200;
    private static final byte[] BINARY = {0, 1, 2, 3, (byte) 0xff, (byte) 0xfe, 0x16, 0x03, 0x01, '\r', '\n'};
    private static final byte[] JUNK =
            "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    final HostileMailServer server;
    final HostileBehaviour behaviour;
    private final Socket raw;
    private Socket current;
    private int pushedBack = -1;
    private InputStream in;
    private OutputStream out;
    private boolean tls;

    HostileSession(HostileMailServer server, Socket raw) throws IOException {
        this.server = server;
        this.behaviour = server.behaviour();
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
            upgrade();
        }
        serve();
    }

    abstract void serve() throws IOException;

    /**
     * Sends the greeting of the behaviours that end the session at once, the same for every protocol but for the
     * protocol's {@code okPrefix} ({@code "* OK"} or {@code "+OK"}).
     *
     * @return true when the behaviour ended the session this way, false when the protocol greets on its own
     */
    final boolean greetedHostilely(String okPrefix) throws IOException {
        switch (behaviour) {
            case GARBAGE_BANNER:
                send("SSH-2.0-OpenSSH_9.6p1 Debian-3\r\n");
                send(new String(BINARY, StandardCharsets.ISO_8859_1));
                return true;
            case ENDLESS_LINE:
                endlessLine(okPrefix + " ");
                return true;
            case TRICKLER:
                trickle(okPrefix + " HostileMailServer trickles");
                return true;
            default:
                return false;
        }
    }

    /** Whether the connection is protected by TLS now (implicit, or after STARTTLS/STLS). */
    final boolean overTls() {
        return tls;
    }

    /** Whether this cleartext service advertises STARTTLS/STLS now. */
    final boolean offersStartTls() {
        return !tls && !server.service().isTls() && behaviour != HostileBehaviour.STARTTLS_STRIPPED
                && behaviour != HostileBehaviour.PREAUTH;
    }

    /**
     * Reads one client line without reading past it (the bytes after a STARTTLS line are a TLS handshake), records
     * it, and returns it without its line ending; null when the client has closed the connection.
     */
    final String readLine() throws IOException {
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

    /**
     * Whether the client sends more within {@code millis} without waiting for an answer: the way to see that it
     * pipelines commands. A client that waits for the answer sends nothing, so this costs {@code millis} then.
     */
    final boolean clientSendsWithin(int millis) throws IOException {
        if (pushedBack >= 0) {
            return true;
        }
        current.setSoTimeout(millis);
        try {
            pushedBack = in.read();
            return pushedBack >= 0;
        } catch (SocketTimeoutException waitedForTheAnswer) {
            return false;
        } finally {
            current.setSoTimeout(IDLE_MILLIS);
        }
    }

    /** Sends {@code text} in one write; lines must carry their CRLF. */
    final void send(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Sends {@code line} and a CRLF. */
    final void sendLine(String line) throws IOException {
        send(line + "\r\n");
    }

    /** The TLS handshake as the server, over the connection as it is now. */
    final void upgrade() throws IOException {
        SSLSocket secure = (SSLSocket) server.serverTls().getSocketFactory()
                .createSocket(raw, null, raw.getPort(), true);
        secure.setUseClientMode(false);
        secure.startHandshake();
        current = secure;
        in = secure.getInputStream();
        out = secure.getOutputStream();
        tls = true;
    }

    /** Waits for the client's first handshake bytes, then answers them with something that is not TLS. */
    final void answerHandshakeWithJunk() throws IOException {
        if (in.read() >= 0) {
            out.write(JUNK);
            out.flush();
        }
    }

    /** Says nothing more, reading (and discarding) whatever the client sends until it leaves. */
    final void fallSilent() throws IOException {
        byte[] sink = new byte[4096];
        while (in.read(sink) >= 0) {
            // discard
        }
    }

    /** Cuts the connection with a TCP reset. */
    final void reset() throws IOException {
        raw.setSoLinger(true, 0);
        raw.close();
    }

    /** Sends {@code prefix}, then bytes without a line end for as long as the client reads them, as fast as it can. */
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
    final void trickle(String prefix) throws IOException {
        byte[] start = prefix.getBytes(StandardCharsets.ISO_8859_1);
        for (long i = 0; ; i++) {
            out.write(i < start.length ? start[(int) i] : '.');
            out.flush();
            pace();
        }
    }

    /** Sends {@code prefix} then distinct capability names until {@code size} bytes are sent, then a CRLF. */
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

    /** The user's password, or null for an unknown user. */
    final String passwordOf(String user) {
        return server.users().get(user);
    }
}
