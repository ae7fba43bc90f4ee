package org.mailintegrator.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A raw line-protocol session (POP3, IMAP) that records exactly what the server said: each server line as
 * {@code S: ...}, each client line as {@code C: ...} (a POP3 {@code PASS} argument and an IMAP {@code LOGIN}
 * password masked), and a connection the server ended as {@code S: (connection closed by the server)} or
 * {@code S: (connection reset by the server)}. For evidence of a server's behaviour, independent of the library.
 */
final class LineTranscript implements AutoCloseable {
    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;
    private final List<String> lines = new ArrayList<>();
    private boolean ended;

    private LineTranscript(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        this.out = socket.getOutputStream();
    }

    /**
     * Connects to {@code address:port}, over TLS from the first byte when {@code tls} is not null, reads nothing
     * yet; every read waits at most {@code timeout}.
     */
    static LineTranscript connect(String address, int port, SSLContext tls, Duration timeout) {
        try {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress(address, port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            if (tls != null) {
                SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(socket, address, port, true);
                secure.startHandshake();
                socket = secure;
            }
            return new LineTranscript(socket);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect to " + address + ":" + port, e);
        }
    }

    /** Reads one line from the server: the greeting, or one more line. Null if the server ended the connection. */
    String read() {
        if (ended) {
            return null;
        }
        try {
            String line = in.readLine();
            if (line == null) {
                ended = true;
                lines.add("S: (connection closed by the server)");
                return null;
            }
            lines.add("S: " + line);
            return line;
        } catch (SocketTimeoutException e) {
            lines.add("S: (nothing within " + e.getMessage() + ")");
            return null;
        } catch (SocketException e) {
            ended = true;
            lines.add("S: (connection reset by the server: " + e.getMessage() + ")");
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends {@code command} and reads one line of answer. */
    String command(String command) {
        send(command);
        return read();
    }

    /** Sends a POP3 command whose answer is multi-line ({@code CAPA}) and reads it to the final {@code .}. */
    List<String> multiLine(String command) {
        send(command);
        List<String> answer = new ArrayList<>();
        String line = read();
        if (line == null || !line.startsWith("+OK")) {
            return line == null ? answer : List.of(line);
        }
        answer.add(line);
        while ((line = read()) != null && !line.equals(".")) {
            answer.add(line);
        }
        return answer;
    }

    /** Sends an IMAP command with tag {@code tag} and reads to its tagged answer. */
    List<String> tagged(String tag, String command) {
        send(tag + " " + command);
        List<String> answer = new ArrayList<>();
        String line;
        while ((line = read()) != null) {
            answer.add(line);
            if (line.startsWith(tag + " ")) {
                break;
            }
        }
        return answer;
    }

    private void send(String command) {
        String shown = command.regionMatches(true, 0, "PASS ", 0, 5) ? "PASS ********"
                : command.matches("(?i)\\S+ LOGIN \\S+ .*") ? command.replaceFirst("(?i)(\\S+ LOGIN \\S+ ).*",
                        "$1********") : command;
        lines.add("C: " + shown);
        try {
            out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            lines.add("C: (could not send: " + e.getMessage() + ")");
            ended = true;
        }
    }

    /** Everything so far, one line each. */
    List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public String toString() {
        return String.join("\n", lines);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
