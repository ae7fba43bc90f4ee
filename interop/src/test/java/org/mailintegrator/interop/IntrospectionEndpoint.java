package org.mailintegrator.interop;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OAuth 2.0 token introspection endpoint (RFC 7662) on 127.0.0.1 (a free port), the authorization server's half
 * of a test in which Dovecot's {@code oauth2} passdb validates the access tokens that clients sign in with: the
 * JDK's plain {@link HttpServer}, answering {@code POST}s of {@code token=...} with the claims of the token.
 *
 * <pre>{@code
 * try (IntrospectionEndpoint endpoint = IntrospectionEndpoint.start()) {
 *     String token = endpoint.issue(IntrospectionEndpoint.activeClaims("alice@example.test", "mail-client", "mail"));
 *     URI url = endpoint.introspectionUrl();   // http://<id>:<secret>@127.0.0.1:<port>/oauth2/introspect
 * }
 * }</pre>
 *
 * <p>A known token is answered with the claims it was issued with, whatever they say (a test issues active tokens
 * for another audience, or without the mail scope, to see whether the resource server refuses them); any other token
 * is answered {@code {"active":false}}, as RFC 7662 section 2.2 answers an expired, revoked or unknown token. As the
 * RFC requires of the protected resource, the caller must authenticate, with HTTP Basic and the resource server's
 * own credentials ({@link #resourceServerId()}), which only the resource server's configuration holds: a request
 * without them is answered 401 and no token is looked up.
 *
 * <p>Every request is recorded ({@link #requests()}) before it is answered, so when a client has heard the
 * resource server's answer to a login, the introspection request behind it is already on record. Thread-safe;
 * {@link #close()} stops the server at once.
 */
public final class IntrospectionEndpoint implements AutoCloseable {
    /** The path of the endpoint. */
    public static final String PATH = "/oauth2/introspect";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final HttpServer server;
    private final ExecutorService handlers;
    private final String resourceServerId;
    private final String resourceServerSecret;
    private final Map<String, Map<String, Object>> tokens = new ConcurrentHashMap<>();
    private final List<Request> requests = new ArrayList<>();

    private IntrospectionEndpoint(HttpServer server, String resourceServerId, String resourceServerSecret) {
        this.server = server;
        this.resourceServerId = resourceServerId;
        this.resourceServerSecret = resourceServerSecret;
        AtomicInteger threads = new AtomicInteger();
        this.handlers = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "introspection-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(handlers);
        server.createContext("/", this::answer);
        server.start();
    }

    /** Starts an endpoint with fresh credentials for the resource server. */
    public static IntrospectionEndpoint start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
            return new IntrospectionEndpoint(server, "dovecot-" + random(6), random(18));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start an HTTP server on loopback", e);
        }
    }

    /**
     * The claims of an active token (RFC 7662 section 2.2): issued to {@code user} (as {@code email}, and
     * {@code sub}) for the audience {@code audience} with the space-separated {@code scope}, a bearer token that
     * expires in an hour.
     */
    public static Map<String, Object> activeClaims(String user, String audience, String scope) {
        long now = System.currentTimeMillis() / 1000;
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("active", true);
        claims.put("scope", scope);
        claims.put("client_id", audience);
        claims.put("token_type", "Bearer");
        claims.put("exp", now + 3600);
        claims.put("iat", now);
        claims.put("sub", user);
        claims.put("aud", audience);
        claims.put("email", user);
        return claims;
    }

    /** The claims of an expired (or revoked) token: RFC 7662 says nothing more than that it is not active. */
    public static Map<String, Object> inactiveClaims() {
        return Map.of("active", false);
    }

    /**
     * Issues a new, random access token with {@code claims} (string, boolean or number values), which the
     * endpoint will answer for it.
     */
    public String issue(Map<String, Object> claims) {
        String token = "at-" + random(32);
        tokens.put(token, Map.copyOf(claims));
        return token;
    }

    /** The URL Dovecot posts to, with the resource server's credentials in it (Dovecot sends them as HTTP Basic). */
    public URI introspectionUrl() {
        return URI.create("http://" + resourceServerId + ":" + resourceServerSecret + "@127.0.0.1:"
                + server.getAddress().getPort() + PATH);
    }

    /** The client id the resource server authenticates with. */
    public String resourceServerId() {
        return resourceServerId;
    }

    /** Every request received so far, in the order received. */
    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** The requests so far that asked about {@code token}, in the order received. */
    public List<Request> requestsFor(String token) {
        return requests().stream().filter(request -> token.equals(request.token())).toList();
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }

    @Override
    public String toString() {
        return "IntrospectionEndpoint{http://127.0.0.1:" + server.getAddress().getPort() + PATH + ", "
                + tokens.size() + " tokens, " + requests().size() + " requests}";
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            long received = System.nanoTime();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            boolean authenticated = isResourceServer(exchange.getRequestHeaders().getFirst("Authorization"));
            boolean introspection = "POST".equals(exchange.getRequestMethod())
                    && PATH.equals(exchange.getRequestURI().getPath());
            String token = introspection ? formParameters(body).get("token") : null;
            int status;
            String answer;
            if (!introspection) {
                status = 404;
                answer = "{\"error\":\"not_found\"}";
            } else if (!authenticated) {
                status = 401;
                answer = "{\"error\":\"invalid_client\"}";
                exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"introspection\"");
            } else if (token == null || token.isEmpty()) {
                status = 400;
                answer = "{\"error\":\"invalid_request\"}";
            } else {
                status = 200;
                answer = json(tokens.getOrDefault(token, inactiveClaims()));
            }
            Request request = new Request(received, System.nanoTime(), exchange.getRequestMethod(),
                    exchange.getRequestURI().getPath(), authenticated,
                    Objects.toString(exchange.getRequestHeaders().getFirst("User-Agent"), ""),
                    exchange.getRequestHeaders().getFirst("X-Dovecot-Auth-Service"),
                    exchange.getRequestHeaders().getFirst("X-Dovecot-Auth-Local"),
                    exchange.getRequestHeaders().getFirst("X-Dovecot-Auth-Remote"), token, status, answer);
            synchronized (requests) {
                requests.add(request); // on record before the answer leaves
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private boolean isResourceServer(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        try {
            String credentials = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
                    StandardCharsets.UTF_8);
            return credentials.equals(resourceServerId + ":" + resourceServerSecret);
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
    }

    private static Map<String, String> formParameters(String body) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            parameters.putIfAbsent(name, value);
        }
        return parameters;
    }

    /** A flat JSON object of string, boolean and number values. */
    private static String json(Map<String, Object> claims) {
        StringBuilder out = new StringBuilder("{");
        for (Map.Entry<String, Object> claim : claims.entrySet()) {
            if (out.length() > 1) {
                out.append(',');
            }
            out.append(quoted(claim.getKey())).append(':');
            Object value = claim.getValue();
            out.append(value instanceof Boolean || value instanceof Number ? value.toString()
                    : quoted(String.valueOf(value)));
        }
        return out.append('}').toString();
    }

    private static String quoted(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    private static String random(int bytes) {
        byte[] value = new byte[bytes];
        RANDOM.nextBytes(value);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
    }

    /**
     * One request as the endpoint received it.
     *
     * @param receivedNanos {@link System#nanoTime()} when it arrived
     * @param answeredNanos {@link System#nanoTime()} just before the answer was sent
     * @param authenticated whether it carried the resource server's credentials
     * @param userAgent its {@code User-Agent}, e.g. {@code dovecot-oauth2-passdb/2.3.19.1}
     * @param service Dovecot's {@code X-Dovecot-Auth-Service}: {@code imap} or {@code pop3}
     * @param local Dovecot's {@code X-Dovecot-Auth-Local}: the address and port the client connected to
     * @param remote Dovecot's {@code X-Dovecot-Auth-Remote}: the client's address and port
     * @param token the {@code token} parameter, if it was an introspection request
     * @param status the HTTP status answered
     * @param answer the JSON answered
     */
    public record Request(long receivedNanos, long answeredNanos, String method, String path, boolean authenticated,
            String userAgent, String service, String local, String remote, String token, int status, String answer) {
        /** The port of {@link #local()}, or -1 if the header was missing. */
        public int localPort() {
            return local == null || local.lastIndexOf(':') < 0 ? -1
                    : Integer.parseInt(local.substring(local.lastIndexOf(':') + 1));
        }
    }
}
