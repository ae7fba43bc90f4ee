package org.mailintegrator.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;

/**
 * A provider's autoconfig service for tests of discovery: a web server on 127.0.0.1 that serves Thunderbird
 * clientConfig documents per domain, over HTTPS with a certificate from a {@link TestCertificates} (so that a client
 * trusting {@link TestCertificates#clientSslContext()}, such as {@code fixture.clientSslContext()}, trusts it), or
 * over plain HTTP for tests of what a forged answer can do.
 *
 * <p>The real autoconfig URLs ({@code https://autoconfig.<domain>/mail/config-v1.1.xml} on port 443) cannot be
 * served by a test, so discovery is pointed here: {@code Discovery.builder().autoconfigLocations(autoconfig::locations)}.
 * The document of a domain is served at {@link #url(String)}.
 *
 * <pre>{@code
 * try (AutoconfigServer autoconfig = AutoconfigServer.start(fixture.certificates())) {
 *     autoconfig.provider("example.test", AutoconfigServer.clientConfig("example.test",
 *             ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS, "imap.example.test", 993)));
 *     Discovery discovery = Discovery.builder().autoconfigLocations(autoconfig::locations).build();
 * }
 * }</pre>
 *
 * <p>For hostile tests any path can be given a document ({@link #document}), a status ({@link #status}), or a
 * handler of its own ({@link #handle}), which may hold the request until the server is closed
 * ({@link #awaitClose()}). A path without any of these is answered 404. Every request is recorded
 * ({@link #requests()}), whatever its answer.
 *
 * <p>The certificate must name {@code 127.0.0.1}, as the default ones of {@link MailServerFixture} do; a certificate
 * for other names tests a wrong-name certificate.
 *
 * <p>Thread-safe: documents may be added while the server answers. Each request is answered on a daemon thread
 * (at most 32 at once; beyond that the server's own thread answers); {@link #close()} releases
 * handlers waiting in {@link #awaitClose()}, stops the server and ends its threads.
 */
public final class AutoconfigServer implements AutoCloseable {
    private static final int MAX_THREADS = 32;

    private static final long AWAIT_CLOSE_BOUND_SECONDS = 60;

    private final HttpServer server;
    private final ThreadPoolExecutor executor;
    private final String scheme;
    private final Map<String, HttpHandler> handlers = new ConcurrentHashMap<>();
    private final List<URI> requests = new CopyOnWriteArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

    private AutoconfigServer(HttpServer server, String scheme) {
        this.server = server;
        this.scheme = scheme;
        AtomicInteger count = new AtomicInteger();
        int port = server.getAddress().getPort();
        this.executor = new ThreadPoolExecutor(0, MAX_THREADS, 1, TimeUnit.SECONDS, new SynchronousQueue<>(),
                runnable -> {
                    Thread thread = new Thread(runnable, "testkit-autoconfig-" + port + "-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    threads.removeIf(old -> !old.isAlive());
                    threads.add(thread);
                    return thread;
                }, new ThreadPoolExecutor.CallerRunsPolicy());
        server.setExecutor(executor);
        server.createContext("/", this::dispatch);
        server.start();
    }

    /**
     * Starts an HTTPS server presenting {@code certificates}' server certificate.
     *
     * @throws IOException if no port can be bound on loopback
     */
    public static AutoconfigServer start(TestCertificates certificates) throws IOException {
        Objects.requireNonNull(certificates, "certificates");
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(certificates.serverSslContext()));
        return new AutoconfigServer(server, "https");
    }

    /**
     * Starts a plain HTTP server: what it serves comes over a connection anyone on the path could have written to,
     * so discovery does not trust the servers it names.
     *
     * @throws IOException if no port can be bound on loopback
     */
    public static AutoconfigServer startPlainHttp() throws IOException {
        return new AutoconfigServer(
                HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0), "http");
    }

    /**
     * A clientConfig 1.1 document of the provider of {@code domain}, naming {@code servers} in that order: IMAP and
     * POP3 ones as its incoming servers (type {@code imap} or {@code pop3}), SMTP ones as its outgoing servers
     * ({@code <outgoingServer type="smtp">}); socket type {@code SSL} (implicit TLS), {@code STARTTLS} or
     * {@code plain}, the login being the whole address. Host names may hold Thunderbird's placeholders such as
     * {@code %EMAILDOMAIN%}.
     */
    public static String clientConfig(String domain, ProtocolCandidate... servers) {
        Objects.requireNonNull(domain, "domain");
        StringBuilder xml = new StringBuilder()
                .append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<clientConfig version=\"1.1\">\n")
                .append("  <emailProvider id=\"").append(escape(domain)).append("\">\n")
                .append("    <domain>").append(escape(domain)).append("</domain>\n")
                .append("    <displayName>").append(escape(domain)).append("</displayName>\n");
        for (ProtocolCandidate server : servers) {
            Objects.requireNonNull(server, "server");
            String element = server.protocol().isIncoming() ? "incomingServer" : "outgoingServer";
            xml.append("    <").append(element).append(" type=\"")
                    .append(server.protocol().name().toLowerCase(Locale.ROOT)).append("\">\n")
                    .append("      <hostname>").append(escape(server.host())).append("</hostname>\n")
                    .append("      <port>").append(server.port()).append("</port>\n")
                    .append("      <socketType>").append(socketType(server.security())).append("</socketType>\n")
                    .append("      <username>%EMAILADDRESS%</username>\n")
                    .append("      <authentication>password-cleartext</authentication>\n")
                    .append("    </").append(element).append(">\n");
        }
        return xml.append("  </emailProvider>\n").append("</clientConfig>\n").toString();
    }

    /** Serves {@code clientConfig} (a document, see {@link #clientConfig}) as the autoconfig of {@code domain}. */
    public AutoconfigServer provider(String domain, String clientConfig) {
        return document(path(domain), clientConfig);
    }

    /**
     * Where discovery finds the autoconfig of {@code domain} on this server, whether or not one is served there
     * (a domain without one is answered 404).
     */
    public URI url(String domain) {
        return uri(path(domain));
    }

    /**
     * {@link #url(String)} as the only location of {@code domain}'s autoconfig, for
     * {@code Discovery.builder().autoconfigLocations(autoconfig::locations)}.
     */
    public List<URI> locations(String domain) {
        return List.of(url(domain));
    }

    /** Serves {@code path} (e.g. {@code /mail/config-v1.1.xml}) with status 200 and {@code body} as XML. */
    public AutoconfigServer document(String path, String body) {
        Objects.requireNonNull(body, "body");
        return handle(path, exchange -> respond(exchange, 200, body, null));
    }

    /** Serves {@code path} with {@code status} and a short body, e.g. 404 or 500. */
    public AutoconfigServer status(String path, int status) {
        return status(path, status, null);
    }

    /** Serves {@code path} with {@code status} (e.g. 301) and a {@code Location} header, when not null. */
    public AutoconfigServer status(String path, int status, @Nullable String location) {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("not an HTTP status: " + status);
        }
        return handle(path, exchange -> respond(exchange, status, "status " + status, location));
    }

    /**
     * Serves {@code path} (matched exactly, without the query) with {@code handler}, for answers the other methods
     * cannot give: bodies that never end, stall or lie about their length. The exchange is closed after the handler
     * returns or throws. Replaces what {@code path} served before.
     */
    public AutoconfigServer handle(String path, HttpHandler handler) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(handler, "handler");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("a path starts with '/': " + path);
        }
        handlers.put(path, handler);
        return this;
    }

    /**
     * For a {@link #handle handler}: waits until the server is closed, at most a minute, so that the request is
     * never answered; the client's timeout is what ends it.
     *
     * @throws IOException if the thread is interrupted or the minute passes
     */
    public void awaitClose() throws IOException {
        try {
            if (!closed.await(AWAIT_CLOSE_BOUND_SECONDS, TimeUnit.SECONDS)) {
                throw new IOException("the server was not closed within " + AWAIT_CLOSE_BOUND_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** The URL of {@code path} on this server, by its address ({@code 127.0.0.1}, which the certificate names). */
    public URI uri(String path) {
        Objects.requireNonNull(path, "path");
        return URI.create(scheme + "://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /**
     * The URIs of the requests received so far, as sent (path and query, e.g. {@code /mail/config-v1.1.xml}), in
     * order of arrival; also those answered 404.
     */
    public List<URI> requests() {
        return List.copyOf(requests);
    }

    /** Releases waiting handlers, stops the server and waits (at most 5 s) for its threads to end. Idempotent. */
    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
            // a terminated pool's last worker may still be finishing its run(): wait until none is alive
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            for (Thread thread : threads) {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "AutoconfigServer{" + uri("/") + ", paths=" + handlers.keySet() + ", requests=" + requests.size() + "}";
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        requests.add(exchange.getRequestURI());
        try {
            HttpHandler handler = handlers.get(exchange.getRequestURI().getRawPath());
            if (handler == null) {
                respond(exchange, 404, "not found", null);
            } else {
                handler.handle(exchange);
            }
        } finally {
            exchange.close();
        }
    }

    private static void respond(HttpExchange exchange, int status, String body, @Nullable String location)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/xml");
        if (location != null) {
            exchange.getResponseHeaders().set("Location", location);
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String path(String domain) {
        Objects.requireNonNull(domain, "domain");
        String host = domain.toLowerCase(Locale.ROOT);
        if (host.isEmpty() || !host.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '.' || c == '-')) {
            throw new IllegalArgumentException("not a domain: \"" + domain + "\"");
        }
        return "/" + host + "/mail/config-v1.1.xml";
    }

    private static String socketType(Security security) {
        return switch (security) {
            case IMPLICIT_TLS -> "SSL";
            case STARTTLS -> "STARTTLS";
            case NONE -> "plain";
        };
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
