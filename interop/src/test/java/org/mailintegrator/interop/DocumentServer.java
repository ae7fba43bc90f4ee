package org.mailintegrator.interop;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.mailintegrator.testkit.TestCertificates;

/**
 * A small web server on 127.0.0.1 (a free port) that answers {@code GET}s of fixed documents, for autoconfig in
 * interop tests: the JDK's {@link HttpsServer} presenting a {@link TestCertificates} server certificate, or its
 * plain {@link HttpServer}. A path without a document is answered 404. Every request is counted.
 *
 * <pre>{@code
 * try (DocumentServer web = DocumentServer.https(certificates)
 *         .document("/example.test/mail/config-v1.1.xml", xml)) {
 *     URI where = web.uri("/example.test/mail/config-v1.1.xml");   // https://127.0.0.1:<port>/...
 * }
 * }</pre>
 *
 * <p>Thread-safe; {@link #close()} stops the server at once.
 */
public final class DocumentServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService handlers;
    private final String scheme;
    private final Map<String, byte[]> documents = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();

    private DocumentServer(HttpServer server, String scheme) {
        this.server = server;
        this.scheme = scheme;
        AtomicInteger threads = new AtomicInteger();
        this.handlers = Executors.newFixedThreadPool(4, runnable -> {
            Thread thread = new Thread(runnable, scheme + "-documents-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(handlers);
        server.createContext("/", this::answer);
        server.start();
    }

    /** A server speaking HTTPS with {@code certificates}' server certificate (name it {@code 127.0.0.1}). */
    public static DocumentServer https(TestCertificates certificates) {
        Objects.requireNonNull(certificates, "certificates");
        try {
            HttpsServer server = HttpsServer.create(loopback(), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(certificates.serverSslContext()));
            return new DocumentServer(server, "https");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start an HTTPS server on loopback", e);
        }
    }

    /** A server speaking plain HTTP. */
    public static DocumentServer http() {
        try {
            return new DocumentServer(HttpServer.create(loopback(), 0), "http");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start an HTTP server on loopback", e);
        }
    }

    /** Serves {@code body} (UTF-8, as {@code application/xml}) at {@code path}. */
    public DocumentServer document(String path, String body) {
        documents.put(checkedPath(path), body.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** The URL of {@code path} on this server, e.g. {@code https://127.0.0.1:40123/mail/config-v1.1.xml}. */
    public URI uri(String path) {
        return URI.create(scheme + "://127.0.0.1:" + server.getAddress().getPort() + checkedPath(path));
    }

    /** How many requests the server received so far, answered or not. */
    public int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }

    @Override
    public String toString() {
        return "DocumentServer{" + scheme + "://127.0.0.1:" + server.getAddress().getPort() + ", "
                + documents.keySet() + "}";
    }

    private void answer(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (exchange) {
            byte[] body = "GET".equals(exchange.getRequestMethod())
                    ? documents.get(exchange.getRequestURI().getPath()) : null;
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "application/xml; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static InetSocketAddress loopback() throws IOException {
        return new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0);
    }

    private static String checkedPath(String path) {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("a path starts with '/': " + path);
        }
        return path;
    }
}
