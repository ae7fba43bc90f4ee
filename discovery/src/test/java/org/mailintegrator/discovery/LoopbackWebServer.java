package org.mailintegrator.discovery;

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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.testkit.TestCertificates;

/**
 * A web server on 127.0.0.1 for the sources that fetch documents: HTTPS with a certificate of the given test CA,
 * or plain HTTP. Handlers are registered per path; every request's URI is recorded. {@link #close()} releases
 * handlers that wait on {@link #release()} and stops the server. Thread-safe.
 */
final class LoopbackWebServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;
    private final String scheme;
    private final List<URI> requests = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    private LoopbackWebServer(HttpServer server, ExecutorService executor, String scheme) {
        this.server = server;
        this.executor = executor;
        this.scheme = scheme;
    }

    /** An HTTPS server presenting {@code certificates}' server certificate (issued for 127.0.0.1). */
    static LoopbackWebServer https(TestCertificates certificates) throws IOException {
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(certificates.serverSslContext()));
        return start(server, "https");
    }

    /** A plain HTTP server. */
    static LoopbackWebServer http() throws IOException {
        return start(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0), "http");
    }

    private static LoopbackWebServer start(HttpServer server, String scheme) {
        AtomicInteger count = new AtomicInteger();
        ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "loopback-web-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.start();
        return new LoopbackWebServer(server, executor, scheme);
    }

    /** Serves {@code path} with {@code handler}. */
    LoopbackWebServer handle(String path, HttpHandler handler) {
        server.createContext(path, exchange -> {
            requests.add(exchange.getRequestURI());
            try {
                handler.handle(exchange);
            } finally {
                exchange.close();
            }
        });
        return this;
    }

    /** Serves {@code path} with status 200 and {@code body} as XML. */
    LoopbackWebServer document(String path, String body) {
        return handle(path, exchange -> respond(exchange, 200, body, null));
    }

    /** Serves {@code path} with {@code status} and a short body. */
    LoopbackWebServer status(String path, int status, @Nullable String location) {
        return handle(path, exchange -> respond(exchange, status, "status " + status, location));
    }

    static void respond(HttpExchange exchange, int status, String body, @Nullable String location)
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

    /** The URL of {@code path} on this server, by its address (the test certificate names 127.0.0.1). */
    URI uri(String path) {
        return URI.create(scheme + "://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** The request URIs received so far, in order of arrival. */
    List<URI> requests() {
        return List.copyOf(requests);
    }

    /** Blocks a handler until {@link #close()}: a server that never answers. */
    void awaitRelease() throws IOException {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
