package org.mailintegrator.discovery;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.internal.DaemonPools;
import org.mailintegrator.core.spi.DiscoveryContext;
import org.mailintegrator.core.spi.HostResolver;

/**
 * Bounded HTTP GETs for the sources that fetch clientConfig documents (autoconfig, the live ISPDB): HTTP/1.1 over
 * a socket of its own, so that the host name is resolved by the integrator's {@link HostResolver}
 * ({@link DiscoveryContext#resolver()}) like every other name the integrator connects to. The connection goes to
 * the resolved address (the addresses in the resolver's order, each within what is left of the deadline); over
 * HTTPS, TLS runs with the integrator's TLS context, the URL's host name sent as SNI and the certificate checked
 * against that name ({@code HTTPS} endpoint identification), never against the address; the request names the host
 * in its {@code Host} header. An IP address literal in the URL is used as it is, without asking the resolver.
 *
 * <p>Every lookup has a connect bound and an overall deadline, follows no redirect, accepts only status 200, and
 * caps the body at {@link #MAX_BODY_BYTES} while reading it (a declared length beyond the cap is refused before
 * reading; a longer body, chunked or not, fails at the cap and the connection is closed), so that an endless or
 * huge body fails after the cap instead of filling the heap. Headers are capped too.
 *
 * <p>Redirects are never followed: a provider's autoconfig is expected at the URL itself, and following a
 * redirect would let whoever answers first send the lookup elsewhere; a 3xx answer is reported with its
 * {@code Location} in a note. A name that does not resolve is noted as a DNS failure, not as a refused connection.
 *
 * <p>Each request runs on a daemon thread of its own ({@code mailintegrator-http-<n>}); a request that is no
 * longer wanted has its socket closed and its thread interrupted. Stateless and thread-safe.
 */
final class CappedHttp {
    /** The largest body read: 1 MiB, the clientConfig parser's own limit. */
    static final int MAX_BODY_BYTES = ClientConfig.MAX_BYTES;

    /** The largest status line or header line read. */
    private static final int MAX_LINE_BYTES = 8 * 1024;

    /** The most header bytes read, all lines together. */
    private static final int MAX_HEADER_BYTES = 64 * 1024;

    private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    /** Where the requests run: daemon threads that end a second after their work. */
    private static final ThreadPoolExecutor REQUESTS = DaemonPools.unbounded("mailintegrator-http");

    /**
     * Reads a 200 answer's body. Returns the value when the body is a good answer, or null when it is not (having
     * said why in {@code notes}); an {@link IOException}'s message becomes the note.
     */
    @FunctionalInterface
    interface BodyReader<T> {
        @Nullable T read(URI uri, byte[] body, List<String> notes) throws IOException;
    }

    /** A good answer and the URL that gave it. */
    record Answer<T>(URI uri, T value) {
    }

    /** A body longer than the cap. */
    static final class BodyTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        BodyTooLargeException(String message) {
            super(message);
        }
    }

    /** A host name the integrator's resolver did not resolve. */
    static final class NameNotResolvedException extends IOException {
        private static final long serialVersionUID = 1L;

        NameNotResolvedException(String host, @Nullable Throwable cause) {
            super("the name " + host + " was not found (DNS)", cause);
        }
    }

    /** An answer: its status, its {@code Location} header (empty when none), and the body of a 200. */
    record Response(int status, String location, byte[] body) {
    }

    private CappedHttp() {
    }

    /**
     * Fetches every one of {@code uris} concurrently and returns the first good answer in the order of the list: an
     * earlier URL's answer is waited for (within the deadline) before a later one is accepted, so the answer does
     * not depend on which server is faster. What happened to each URL examined is added to {@code notes}, prefixed
     * with {@code label}. The requests still running when this returns are cancelled.
     *
     * @param context the integrator's TLS context and host resolver
     * @param timeout the connect timeout, and the deadline of the whole call (all URLs, bodies included)
     * @throws InterruptedException if interrupted; the requests are cancelled
     */
    static <T> @Nullable Answer<T> firstGood(String label, List<URI> uris, DiscoveryContext context, Duration timeout,
            BodyReader<T> reader, List<String> notes) throws InterruptedException {
        if (uris.isEmpty()) {
            return null;
        }
        long end = System.nanoTime() + timeout.toNanos();
        List<Request> running = new ArrayList<>();
        try {
            for (URI uri : uris) {
                Request request = new Request(uri, context, end);
                running.add(request);
                request.start();
            }
            for (int i = 0; i < uris.size(); i++) {
                URI uri = uris.get(i);
                Request request = running.get(i);
                String prefix = label + " " + uri + ": ";
                Response response;
                try {
                    response = request.result.get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    notes.add(prefix + request.late(timeout));
                    request.cancel();
                    continue;
                } catch (ExecutionException e) {
                    notes.add(prefix + describe(e.getCause(), timeout));
                    continue;
                } catch (CancellationException e) {
                    notes.add(prefix + "cancelled");
                    continue;
                }
                int status = response.status();
                if (status != 200) {
                    String location = response.location();
                    notes.add(prefix + "HTTP " + status + (status / 100 == 3 && !location.isEmpty()
                            ? " (redirect to " + abbreviate(location) + " not followed)" : ""));
                    continue;
                }
                List<String> readerNotes = new ArrayList<>();
                try {
                    T value = reader.read(uri, response.body(), readerNotes);
                    readerNotes.forEach(note -> notes.add(prefix + note));
                    if (value != null) {
                        return new Answer<>(uri, value);
                    }
                } catch (IOException e) {
                    readerNotes.forEach(note -> notes.add(prefix + note));
                    notes.add(prefix + e.getMessage());
                }
            }
            return null;
        } finally {
            running.forEach(Request::cancel);
        }
    }

    /** A sentence for a failed request. */
    private static String describe(@Nullable Throwable failure, Duration timeout) {
        if (failure instanceof NameNotResolvedException) {
            return String.valueOf(failure.getMessage());
        }
        if (failure instanceof BodyTooLargeException) {
            return String.valueOf(failure.getMessage());
        }
        if (failure instanceof SSLException) {
            return "TLS failed (" + abbreviate(String.valueOf(failure.getMessage())) + ")";
        }
        if (failure instanceof ConnectException) {
            return "connection refused";
        }
        if (failure instanceof NoRouteToHostException) {
            return "no route to the host";
        }
        if (failure instanceof ConnectTimeoutException) {
            return "no connection within " + timeout.toMillis() + " ms";
        }
        if (failure instanceof SocketTimeoutException) {
            return "no answer within " + timeout.toMillis() + " ms";
        }
        if (failure instanceof IOException && failure.getCause() instanceof SSLException) {
            return describe(failure.getCause(), timeout);
        }
        if (failure == null) {
            return "failed";
        }
        String message = failure.getMessage();
        return "failed (" + failure.getClass().getSimpleName()
                + (message == null ? "" : ": " + abbreviate(message)) + ")";
    }

    private static String abbreviate(String value) {
        return Printable.abbreviate(value, 200);
    }

    /** A connect that did not complete within what was left of the deadline. */
    static final class ConnectTimeoutException extends SocketTimeoutException {
        private static final long serialVersionUID = 1L;

        ConnectTimeoutException(String message) {
            super(message);
        }
    }

    /** Bytes a part of the answer may still take; {@code exceeded} says what went over. */
    private static final class Budget {
        private long left;
        private final Supplier<IOException> exceeded;

        Budget(long bytes, Supplier<IOException> exceeded) {
            this.left = bytes;
            this.exceeded = exceeded;
        }

        void take(long bytes) throws IOException {
            left -= bytes;
            if (left < 0) {
                throw exceeded.get();
            }
        }
    }

    /** What one request is doing, for the note when it is late. */
    private enum Stage { RESOLVING, CONNECTING, ANSWERING }

    /** One GET on a thread of its own; its result completes with the response or the failure. */
    private static final class Request implements Runnable {
        private final URI uri;
        private final DiscoveryContext context;
        private final long end;
        private final CompletableFuture<Response> result = new CompletableFuture<>();
        private volatile Stage stage = Stage.RESOLVING;
        private @Nullable Socket socket;
        private @Nullable Future<?> running;
        private boolean cancelled;

        Request(URI uri, DiscoveryContext context, long end) {
            this.uri = uri;
            this.context = context;
            this.end = end;
        }

        void start() {
            Future<?> submitted = REQUESTS.submit(this);
            synchronized (this) {
                running = submitted;
                if (cancelled) {
                    submitted.cancel(true);
                }
            }
        }

        /** Stops the request: its socket is closed and its thread interrupted; idempotent. */
        void cancel() {
            Socket open;
            Future<?> thread;
            synchronized (this) {
                if (cancelled) {
                    return;
                }
                cancelled = true;
                open = socket;
                thread = running;
            }
            closeQuietly(open);
            if (thread != null) {
                thread.cancel(true);
            }
            result.cancel(false);
        }

        /** Why it had no answer by the deadline, from what it was doing then. */
        String late(Duration timeout) {
            return switch (stage) {
                case RESOLVING -> "the name " + host(uri) + " was not resolved within " + timeout.toMillis()
                        + " ms (DNS)";
                case CONNECTING -> "no connection within " + timeout.toMillis() + " ms";
                case ANSWERING -> "no answer within " + timeout.toMillis() + " ms";
            };
        }

        @Override
        public void run() {
            try {
                result.complete(fetch());
            } catch (IOException | RuntimeException e) {
                result.completeExceptionally(e);
            } finally {
                Socket open;
                synchronized (this) {
                    open = socket;
                }
                closeQuietly(open);
            }
        }

        private Response fetch() throws IOException {
            boolean https = "https".equalsIgnoreCase(uri.getScheme());
            String host = host(uri);
            int port = uri.getPort() >= 0 ? uri.getPort() : https ? 443 : 80;
            boolean literal = isAddressLiteral(host);
            List<InetAddress> addresses = literal ? List.of(InetAddress.getByName(host)) : resolve(host);
            stage = Stage.CONNECTING;
            Socket connected = connect(addresses, port);
            if (https) {
                connected = tls(connected, host, port, literal);
            }
            stage = Stage.ANSWERING;
            connected.setSoTimeout(remainingMillis());
            OutputStream out = connected.getOutputStream();
            out.write(requestHead(host, port, https).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return read(new BufferedInputStream(connected.getInputStream()));
        }

        private List<InetAddress> resolve(String host) throws IOException {
            List<InetAddress> addresses;
            try {
                addresses = context.resolver().resolve(host);
            } catch (UnknownHostException e) {
                throw new NameNotResolvedException(host, e);
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException("cancelled while resolving " + host);
            }
            if (addresses == null || addresses.isEmpty()) {
                throw new NameNotResolvedException(host, null);
            }
            return addresses;
        }

        /** A connection to the first address that takes one within what is left of the deadline. */
        private Socket connect(List<InetAddress> addresses, int port) throws IOException {
            IOException last = null;
            for (InetAddress address : addresses) {
                int left = remainingMillis();
                Socket attempt = register(new Socket());
                try {
                    attempt.connect(new InetSocketAddress(address, port), left);
                    return attempt;
                } catch (SocketTimeoutException e) {
                    closeQuietly(attempt);
                    last = new ConnectTimeoutException("connecting to " + address.getHostAddress() + ":" + port
                            + " timed out");
                } catch (IOException e) {
                    closeQuietly(attempt);
                    last = e;
                }
                if (cancelledNow()) {
                    break;
                }
            }
            throw last != null ? last : new ConnectTimeoutException("no address to connect to");
        }

        /** TLS over {@code plain}: the name as SNI, and the certificate checked against the name. */
        private Socket tls(Socket plain, String host, int port, boolean literal) throws IOException {
            SSLSocket tls = (SSLSocket) context.sslContext().getSocketFactory().createSocket(plain, host, port, true);
            register(tls);
            SSLParameters parameters = tls.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            if (!literal) {
                try {
                    parameters.setServerNames(List.of(new SNIHostName(host)));
                } catch (IllegalArgumentException notAHostName) {
                    // a name SNI cannot carry: the certificate is still checked against it
                }
            }
            tls.setSSLParameters(parameters);
            tls.setSoTimeout(remainingMillis());
            tls.startHandshake();
            return tls;
        }

        private String requestHead(String host, int port, boolean https) {
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            if (uri.getRawQuery() != null) {
                path += "?" + uri.getRawQuery();
            }
            String name = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
            boolean defaultPort = port == (https ? 443 : 80);
            return "GET " + path + " HTTP/1.1\r\n"
                    + "Host: " + name + (defaultPort ? "" : ":" + port) + "\r\n"
                    + "Accept: application/xml, text/xml;q=0.9, */*;q=0.1\r\n"
                    + "Connection: close\r\n"
                    + "\r\n";
        }

        /** The answer: status line and headers (skipping interim 1xx answers), then the body of a 200. */
        private Response read(InputStream in) throws IOException {
            Budget headerBytes = new Budget(MAX_HEADER_BYTES, () -> new IOException("the answer's headers are "
                    + "larger than the " + MAX_HEADER_BYTES + " bytes accepted"));
            while (true) {
                String statusLine = line(in, headerBytes);
                int status = status(statusLine);
                String location = "";
                long length = -1;
                boolean chunked = false;
                for (String header = line(in, headerBytes); !header.isEmpty(); header = line(in, headerBytes)) {
                    int colon = header.indexOf(':');
                    if (colon <= 0) {
                        throw new IOException("a malformed header line in the answer");
                    }
                    String name = header.substring(0, colon).strip().toLowerCase(Locale.ROOT);
                    String value = header.substring(colon + 1).strip();
                    if (name.equals("location")) {
                        location = value;
                    } else if (name.equals("content-length")) {
                        length = contentLength(value);
                    } else if (name.equals("transfer-encoding")) {
                        chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                    }
                }
                if (status >= 100 && status < 200) {
                    continue;
                }
                if (status != 200) {
                    return new Response(status, location, new byte[0]);
                }
                if (chunked) {
                    return new Response(status, location, chunkedBody(in));
                }
                if (length > MAX_BODY_BYTES) {
                    throw new BodyTooLargeException("the body declares " + length + " bytes, more than the "
                            + MAX_BODY_BYTES + " accepted");
                }
                return new Response(status, location, length >= 0 ? exactly(in, (int) length) : untilClosed(in));
            }
        }

        private static int status(String statusLine) throws IOException {
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || parts[1].length() != 3) {
                throw new IOException("not an HTTP/1.1 answer: \"" + abbreviate(statusLine) + "\"");
            }
            try {
                return Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                throw new IOException("not an HTTP status: \"" + abbreviate(parts[1]) + "\"", e);
            }
        }

        private static long contentLength(String value) throws IOException {
            try {
                long length = Long.parseLong(value);
                if (length < 0) {
                    throw new NumberFormatException(value);
                }
                return length;
            } catch (NumberFormatException e) {
                throw new IOException("a malformed Content-Length: \"" + abbreviate(value) + "\"", e);
            }
        }

        private static byte[] exactly(InputStream in, int length) throws IOException {
            byte[] body = in.readNBytes(length);
            if (body.length < length) {
                throw new EOFException("the body ended after " + body.length + " of the " + length + " bytes declared");
            }
            return body;
        }

        private static byte[] untilClosed(InputStream in) throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                if (body.size() + read > MAX_BODY_BYTES) {
                    throw tooLarge();
                }
                body.write(buffer, 0, read);
            }
            return body.toByteArray();
        }

        /** A chunked body; its framing (sizes, trailer) counts against the cap as well as its data. */
        private static byte[] chunkedBody(InputStream in) throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            Budget framing = new Budget(MAX_BODY_BYTES, Request::tooLarge);
            while (true) {
                String sizeLine = line(in, framing);
                int semicolon = sizeLine.indexOf(';');
                String hex = (semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).strip();
                long size;
                try {
                    size = Long.parseLong(hex, 16);
                } catch (NumberFormatException e) {
                    throw new IOException("a malformed chunk size: \"" + abbreviate(hex) + "\"", e);
                }
                if (size < 0) {
                    throw new IOException("a malformed chunk size: \"" + abbreviate(hex) + "\"");
                }
                if (size == 0) {
                    // the trailer, if any, ends with an empty line
                    while (!line(in, framing).isEmpty()) {
                        continue;
                    }
                    return body.toByteArray();
                }
                if (body.size() + size > MAX_BODY_BYTES) {
                    throw tooLarge();
                }
                body.write(exactly(in, (int) size));
                if (!line(in, framing).isEmpty()) {
                    throw new IOException("a chunk longer than its size");
                }
            }
        }

        private static BodyTooLargeException tooLarge() {
            return new BodyTooLargeException("the body is larger than the " + MAX_BODY_BYTES + " bytes accepted");
        }

        /** One line without its CR LF, in ISO-8859-1, its bytes taken from {@code budget}. */
        private static String line(InputStream in, Budget budget) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            while (true) {
                int b = in.read();
                if (b < 0) {
                    throw new EOFException("the server closed the connection in the middle of its answer");
                }
                budget.take(1);
                if (b == '\n') {
                    byte[] bytes = line.toByteArray();
                    int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                    return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
                }
                if (line.size() >= MAX_LINE_BYTES) {
                    throw new IOException("a line of the answer is longer than the " + MAX_LINE_BYTES
                            + " bytes accepted");
                }
                line.write(b);
            }
        }

        private Socket register(Socket opened) throws IOException {
            synchronized (this) {
                if (!cancelled) {
                    socket = opened;
                    return opened;
                }
            }
            closeQuietly(opened);
            throw new InterruptedIOException("cancelled");
        }

        private synchronized boolean cancelledNow() {
            return cancelled;
        }

        /** What is left of the deadline, at least 1 ms (0 would mean no bound to a socket). */
        private int remainingMillis() throws SocketTimeoutException {
            long left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
            if (left <= 0) {
                throw stage == Stage.CONNECTING ? new ConnectTimeoutException("the deadline passed")
                        : new SocketTimeoutException("the deadline passed");
            }
            return (int) Math.min(left, Integer.MAX_VALUE);
        }
    }

    /** The URL's host, without the brackets of an IPv6 literal. */
    private static String host(URI uri) {
        String host = uri.getHost();
        if (host == null) {
            throw new IllegalArgumentException("no host in " + uri);
        }
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** Whether {@code host} is an IP address literal, which is used without a lookup. */
    private static boolean isAddressLiteral(String host) {
        return host.indexOf(':') >= 0 || IPV4_LITERAL.matcher(host).matches();
    }

    private static void closeQuietly(@Nullable Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // nothing more to do with it
            }
        }
    }
}
