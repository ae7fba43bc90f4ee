package org.mailintegrator.core.internal.protocol.pop3;

import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.URLName;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import javax.net.SocketFactory;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.angus.mail.util.MailConnectException;
import org.eclipse.angus.mail.util.SocketConnectException;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.internal.classify.OAuthNotOfferedException;
import org.mailintegrator.core.internal.classify.TokenRejectedException;
import org.mailintegrator.core.internal.protocol.MailSessions;
import org.mailintegrator.core.internal.protocol.OAuthSasl;

/**
 * A POP3 sign-in with an access token, for an attempt: greeting, {@code STLS} on a STARTTLS candidate,
 * {@code CAPA} (trusted only over TLS), then {@code AUTH OAUTHBEARER} or {@code AUTH XOAUTH2} (RFC 5034), with the
 * initial response on the command line when the line stays within 255 octets and on a line of its own otherwise
 * (the form Microsoft's POP3 needs for its long tokens), and {@code QUIT}. Angus Mail knows no OAUTHBEARER, and
 * takes an error challenge for success; this store only signs in and has no folders. Sockets come from the
 * session's factories like Angus's. Not thread-safe: one attempt uses it.
 */
final class OAuthPop3Store extends Store {
    private static final int MAX_LINE = 16 * 1024;
    private static final int MAX_CAPABILITIES = 256;
    private static final int MAX_AUTH_LINE = 255;
    private final boolean implicitTls;
    private @Nullable Socket socket;
    private @Nullable InputStream in;
    private @Nullable OutputStream out;
    private boolean tls;

    OAuthPop3Store(Session session, URLName url, boolean implicitTls) {
        super(session, url);
        this.implicitTls = implicitTls;
    }

    /** Whether the session ran over TLS. */
    boolean isTls() {
        return tls;
    }

    @Override
    protected synchronized boolean protocolConnect(String host, int port, String user, String token)
            throws MessagingException {
        Properties props = session.getProperties();
        String prefix = "mail." + (implicitTls ? "pop3s" : "pop3") + ".";
        int connectTimeout = Integer.parseInt(props.getProperty(prefix + "connectiontimeout", "0"));
        int readTimeout = Integer.parseInt(props.getProperty(prefix + "timeout", "0"));
        String saslHost = props.getProperty(MailSessions.SASL_HOST);
        try {
            Socket plain = ((SocketFactory) Objects.requireNonNull(props.get(prefix + "socketFactory"),
                    prefix + "socketFactory")).createSocket();
            socket = plain;
            try {
                plain.connect(new InetSocketAddress(host, port), connectTimeout);
            } catch (IOException e) {
                throw new MailConnectException(new SocketConnectException("Couldn't connect", e, host, port,
                        connectTimeout));
            }
            if (implicitTls) {
                handshake((SSLSocket) plain, readTimeout);
            }
            open(plain, readTimeout);
            String greeting = readLine();
            if (!greeting.startsWith("+OK")) {
                throw new MessagingException("Connect failed");
            }
            if (!implicitTls && Boolean.parseBoolean(props.getProperty(prefix + "starttls.required"))) {
                String answer = command("STLS");
                if (!answer.startsWith("+OK")) {
                    throw new MessagingException("STLS required but failed: " + answer);
                }
                SSLSocket layered = (SSLSocket) ((SSLSocketFactory) Objects.requireNonNull(
                        props.get(prefix + "ssl.socketFactory"), prefix + "ssl.socketFactory"))
                        .createSocket(plain, host, port, true);
                socket = layered;
                handshake(layered, readTimeout);
                open(layered, readTimeout);
            }
            List<String> capabilities = capabilities();
            String mechanism = OAuthSasl.choose(m -> capabilities.stream().anyMatch(
                    c -> c.startsWith("SASL ") && List.of(c.substring(5).split(" +")).contains(m)))
                    .orElseThrow(() -> new MessagingException("no OAuth2 mechanism", new OAuthNotOfferedException()));
            String accessToken = MailSessions.tokenAtTurn(session, token);
            authenticate(mechanism, OAuthSasl.initialResponse(mechanism, user, accessToken, saslHost, port));
            quit();
            return true;
        } catch (IOException e) {
            throw new MessagingException(e.getMessage(), e);
        } finally {
            closeSocket();
        }
    }

    /** Ends the session politely; the sign-in has succeeded whatever the server answers. */
    private void quit() {
        try {
            command("QUIT");
        } catch (IOException ignored) {
            // the sign-in is what counted
        }
    }

    private void authenticate(String mechanism, String initial) throws IOException, MessagingException {
        String oneLine = "AUTH " + mechanism + " " + initial;
        boolean separate = oneLine.length() > MAX_AUTH_LINE;
        String answer = command(separate ? "AUTH " + mechanism : oneLine);
        boolean sent = !separate;
        OAuthSasl.ErrorStatus error = null;
        while (answer.startsWith("+ ") || answer.equals("+")) {
            String reply;
            if (!sent) {
                reply = initial;
                sent = true;
            } else if (error == null) {
                error = OAuthSasl.decodeError(answer.substring(1));
                reply = OAuthSasl.errorReply(mechanism);
            } else {
                throw new MessagingException("the server sent another challenge after its error");
            }
            answer = command(reply);
        }
        if (answer.startsWith("+OK")) {
            return;
        }
        if (answer.startsWith("-ERR")) {
            throw new MessagingException("AUTH " + mechanism + " failed", new TokenRejectedException(mechanism,
                    answer.substring(4).strip(), error == null ? null : error.status(),
                    error == null ? null : error.scope()));
        }
        throw new MessagingException("unexpected answer to AUTH: " + answer);
    }

    private static void handshake(SSLSocket ssl, int readTimeout) throws IOException {
        SSLParameters parameters = ssl.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("LDAPS");
        ssl.setSSLParameters(parameters);
        ssl.setSoTimeout(readTimeout);
        ssl.startHandshake();
    }

    private void open(Socket connected, int readTimeout) throws IOException {
        connected.setSoTimeout(readTimeout);
        in = connected.getInputStream();
        out = connected.getOutputStream();
        tls = connected instanceof SSLSocket;
    }

    /** The capabilities, upper-cased; none if the server has no CAPA. */
    private List<String> capabilities() throws IOException {
        List<String> lines = new ArrayList<>();
        if (!command("CAPA").startsWith("+OK")) {
            return lines;
        }
        for (String line = readLine(); !line.equals("."); line = readLine()) {
            if (lines.size() == MAX_CAPABILITIES) {
                throw new IOException("the server's CAPA answer has more than " + MAX_CAPABILITIES + " lines");
            }
            lines.add(line.toUpperCase(Locale.ROOT).strip());
        }
        return lines;
    }

    private String command(String line) throws IOException {
        OutputStream output = out;
        if (output == null) {
            throw new IOException("not connected");
        }
        output.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        output.flush();
        return readLine();
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        InputStream input = in;
        if (input == null) {
            throw new IOException("not connected");
        }
        for (int b = input.read(); b != '\n'; b = input.read()) {
            if (b < 0) {
                throw new EOFException("EOF on socket");
            }
            if (line.size() == MAX_LINE) {
                throw new IOException("the server sent a line longer than " + MAX_LINE + " bytes");
            }
            line.write(b);
        }
        String text = line.toString(StandardCharsets.UTF_8);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    private void closeSocket() {
        Socket open = socket;
        socket = null;
        if (open != null) {
            try {
                open.close();
            } catch (IOException ignored) {
                // closing is best effort
            }
        }
    }

    @Override
    public synchronized void close() throws MessagingException {
        closeSocket();
        super.close();
    }

    @Override
    public Folder getDefaultFolder() throws MessagingException {
        throw new MessagingException("this store only checks a sign-in");
    }

    @Override
    public Folder getFolder(String name) throws MessagingException {
        throw new MessagingException("this store only checks a sign-in");
    }

    @Override
    public Folder getFolder(URLName url) throws MessagingException {
        throw new MessagingException("this store only checks a sign-in");
    }
}
