package org.mailintegrator.cli.serve;

import com.fasterxml.jackson.jr.ob.JSON;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.MailProtocol;

/**
 * The help-desk page's HTTP server (the JDK's {@code HttpServer}): the page, its script and style, a POST that starts
 * an integration, the integration's events as a server-sent event stream, and its saved result. It receives
 * passwords, so: a password or token is read from a POST body only, used once and never logged, stored, echoed or
 * put in an event; every POST carries the page's CSRF token and a same-origin {@code Origin}; requests for another
 * {@code Host} are refused (DNS rebinding); every response has a strict content security policy and is not cached;
 * a client runs one integration at a time, a bounded queue holds the rest ({@code 429}, {@code 503}); request bodies
 * are limited ({@code 413}); and the hosts an integration may reach are those of the address's domain or the
 * allowed lists, checked before any connection. Thread-safe.
 */
public final class HelpDeskServer implements AutoCloseable {
    static final int MAX_BODY = 16 * 1024;
    private static final int WORKERS = 2;
    private static final int QUEUE = 8;
    private static final int KEPT = 64;
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            + "img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    private final HttpServer http;
    private final Function<Boolean, Integrator.Builder> integrators;
    private final Set<String> allowedDomains;
    private final Set<String> allowedHosts;
    private final String csrfToken;
    private final ThreadPoolExecutor pool;
    private final Map<String, String> activeByClient = new ConcurrentHashMap<>();
    private final Map<String, LiveIntegration> integrations = java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, LiveIntegration> eldest) {
                    return size() > KEPT;
                }
            });
    private final @Nullable String prefill;

    /**
     * Starts serving.
     *
     * @param address where to listen, normally 127.0.0.1 and a port
     * @param integrators a new integrator builder for incoming ({@code false}) or outgoing ({@code true}) mail
     * @param allowedDomains domains whose hosts any address may reach
     * @param allowedHosts hosts any address may reach
     * @param prefill an address to put in the form, or null
     * @throws IOException if the port cannot be bound
     */
    public HelpDeskServer(InetSocketAddress address, Function<Boolean, Integrator.Builder> integrators,
            Set<String> allowedDomains, Set<String> allowedHosts, @Nullable String prefill) throws IOException {
        this.integrators = Objects.requireNonNull(integrators, "integrators");
        this.allowedDomains = lower(allowedDomains);
        this.allowedHosts = lower(allowedHosts);
        this.prefill = prefill;
        byte[] token = new byte[32];
        new SecureRandom().nextBytes(token);
        this.csrfToken = Base64.getUrlEncoder().withoutPadding().encodeToString(token);
        this.pool = new ThreadPoolExecutor(WORKERS, WORKERS, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(QUEUE), runnable -> {
                    Thread thread = new Thread(runnable, "helpdesk-integration");
                    thread.setDaemon(true);
                    return thread;
                });
        this.http = HttpServer.create(address, 50);
        http.createContext("/", this::handle);
        ThreadPoolExecutor requests = new ThreadPoolExecutor(8, 8, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(64), runnable -> {
                    Thread thread = new Thread(runnable, "helpdesk-http");
                    thread.setDaemon(true);
                    return thread;
                });
        http.setExecutor(requests);
        http.start();
    }

    private static Set<String> lower(Set<String> names) {
        return names.stream().map(name -> name.toLowerCase(Locale.ROOT)).collect(java.util.stream.Collectors
                .toUnmodifiableSet());
    }

    /** The port the server listens on. */
    public int port() {
        return http.getAddress().getPort();
    }

    @Override
    public void close() {
        http.stop(0);
        pool.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Headers headers = exchange.getResponseHeaders();
            headers.set("Content-Security-Policy", CSP);
            headers.set("X-Content-Type-Options", "nosniff");
            headers.set("Referrer-Policy", "no-referrer");
            headers.set("Cache-Control", "no-store");
            headers.set("X-Frame-Options", "DENY");
            if (!hostAllowed(exchange.getRequestHeaders().getFirst("Host"))) {
                send(exchange, 421, "text/plain", "This server answers only for 127.0.0.1:" + port()
                        + " and localhost:" + port() + ".");
                return;
            }
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (method.equals("GET") && (path.equals("/") || path.equals("/index.html"))) {
                send(exchange, 200, "text/html; charset=utf-8", page());
            } else if (method.equals("GET") && path.equals("/app.js")) {
                send(exchange, 200, "text/javascript; charset=utf-8", resource("app.js"));
            } else if (method.equals("GET") && path.equals("/app.css")) {
                send(exchange, 200, "text/css; charset=utf-8", resource("app.css"));
            } else if (method.equals("POST") && path.equals("/integrations")) {
                start(exchange);
            } else if (method.equals("GET") && path.matches("/integrations/[A-Za-z0-9_-]+/events")) {
                events(exchange, path.split("/")[2]);
            } else if (method.equals("GET") && path.matches("/integrations/[A-Za-z0-9_-]+/result\\.json")) {
                result(exchange, path.split("/")[2]);
            } else {
                send(exchange, 404, "text/plain", "Not found.");
            }
        } catch (RuntimeException e) {
            // never echo the request: it may hold a password
            send(exchange, 500, "text/plain", "The request failed.");
        }
    }

    private boolean hostAllowed(@Nullable String host) {
        if (host == null) {
            return false;
        }
        String lower = host.toLowerCase(Locale.ROOT);
        return lower.equals("127.0.0.1:" + port()) || lower.equals("localhost:" + port())
                || lower.equals("[::1]:" + port());
    }

    private String page() {
        String html = resource("index.html").replace("{{csrf}}", csrfToken);
        return html.replace("{{address}}", prefill == null ? "" : escape(prefill));
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private void start(HttpExchange exchange) throws IOException {
        String origin = exchange.getRequestHeaders().getFirst("Origin");
        String token = exchange.getRequestHeaders().getFirst("X-CSRF-Token");
        if (origin == null || !hostAllowed(origin.replaceFirst("^http://", "")) || token == null
                || !MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                        csrfToken.getBytes(StandardCharsets.UTF_8))) {
            send(exchange, 403, "application/json", error("This request did not come from this page."));
            return;
        }
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null && length.matches("\\d{1,12}") && Long.parseLong(length) > MAX_BODY) {
            send(exchange, 413, "application/json", error("The request is too large."));
            return;
        }
        byte[] body = readBody(exchange.getRequestBody());
        if (body == null) {
            send(exchange, 413, "application/json", error("The request is too large."));
            return;
        }
        Map<String, Object> form;
        try {
            form = JSON.std.mapFrom(body);
        } catch (IOException e) {
            send(exchange, 400, "application/json", error("The request is not JSON."));
            return;
        } finally {
            Arrays.fill(body, (byte) 0);
        }
        String client = exchange.getRemoteAddress().getAddress().getHostAddress();
        MailAccount account;
        Integrator integrator;
        LiveIntegration live = new LiveIntegration(newId());
        try {
            account = account(form);
            integrator = integrators.apply("outgoing".equals(form.get("direction"))).listener(live).build();
        } catch (IllegalArgumentException e) {
            send(exchange, 400, "application/json", error(e.getMessage()));
            return;
        } finally {
            form.clear();
        }
        if (activeByClient.putIfAbsent(client, live.id()) != null) {
            send(exchange, 429, "application/json", error("An integration from this client is still running: "
                    + "wait for it to end."));
            return;
        }
        integrations.put(live.id(), live);
        try {
            pool.execute(() -> {
                try {
                    integrator.integrate(account);
                } catch (RuntimeException e) {
                    live.fail("The integration could not run: " + e.getClass().getSimpleName());
                } finally {
                    activeByClient.remove(client, live.id());
                }
            });
        } catch (RejectedExecutionException e) {
            activeByClient.remove(client, live.id());
            integrations.remove(live.id());
            send(exchange, 503, "application/json", error("The server is busy with other integrations: try again "
                    + "in a minute."));
            return;
        }
        send(exchange, 202, "application/json", JSON.std.asString(Map.of("id", live.id(),
                "events", "/integrations/" + live.id() + "/events")));
    }

    /** The account the form describes; the hosts it names must be allowed. */
    private MailAccount account(Map<String, Object> form) {
        String address = text(form, "address");
        String secret = text(form, "secret");
        if (address.isEmpty() || secret.isEmpty()) {
            throw new IllegalArgumentException("Give the address and the password or access token.");
        }
        MailAccount.Builder account = MailAccount.builder(address);
        String domain = address.substring(address.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
        for (Map.Entry<String, MailProtocol> field : Map.of("imapHost", MailProtocol.IMAP, "popHost",
                MailProtocol.POP3, "smtpHost", MailProtocol.SMTP).entrySet()) {
            String host = text(form, field.getKey()).toLowerCase(Locale.ROOT);
            if (!host.isEmpty()) {
                if (!allowed(host, domain)) {
                    throw new IllegalArgumentException("The host " + host + " is neither in the address's domain "
                            + domain + " nor allowed on this server (--allow-host, --allow-domain).");
                }
                account.host(field.getValue(), host);
            }
        }
        if ("token".equals(form.get("secretKind"))) {
            account.accessToken(secret);
        } else {
            account.password(secret);
        }
        return account.build();
    }

    private boolean allowed(String host, String domain) {
        return host.equals(domain) || host.endsWith("." + domain) || allowedHosts.contains(host)
                || allowedDomains.stream().anyMatch(allowed -> host.equals(allowed) || host.endsWith("." + allowed));
    }

    private static String text(Map<String, Object> form, String name) {
        Object value = form.get(name);
        return value instanceof String text ? text.trim() : "";
    }

    private void events(HttpExchange exchange, String id) throws IOException {
        LiveIntegration live = integrations.get(id);
        if (live == null) {
            send(exchange, 404, "text/plain", "No such integration.");
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        int next = 0;
        long quietSince = System.nanoTime();
        try {
            while (true) {
                List<String> fresh = live.eventsFrom(next, 15_000);
                for (String event : fresh) {
                    out.write(("data: " + event + "\n\n").getBytes(StandardCharsets.UTF_8));
                }
                next += fresh.size();
                if (fresh.isEmpty()) {
                    out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
                } else {
                    quietSince = System.nanoTime();
                }
                out.flush();
                if (live.ended() && live.eventsFrom(next, 0).isEmpty()
                        || System.nanoTime() - quietSince > TimeUnit.MINUTES.toNanos(5)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void result(HttpExchange exchange, String id) throws IOException {
        LiveIntegration live = integrations.get(id);
        IntegrationResult result = live == null ? null : live.result();
        if (result == null) {
            send(exchange, 404, "text/plain", "No finished integration with that id.");
            return;
        }
        exchange.getResponseHeaders().set("Content-Disposition", "attachment; filename=\"integration-"
                + id + ".json\"");
        send(exchange, 200, "application/json", result.toJson());
    }

    private static byte @Nullable [] readBody(InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_BODY + 1);
        return body.length > MAX_BODY ? null : body;
    }

    private static String error(@Nullable String message) {
        try {
            return JSON.std.asString(Map.of("error", message == null ? "Invalid request." : message));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String newId() {
        byte[] id = new byte[16];
        new SecureRandom().nextBytes(id);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(id);
    }

    private static String resource(String name) {
        try (InputStream in = HelpDeskServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }
}
