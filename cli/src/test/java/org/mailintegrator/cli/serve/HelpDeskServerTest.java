package org.mailintegrator.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.strategies.Policies;
import org.mailintegrator.testkit.MailServerFixture;
import org.mailintegrator.testkit.Service;

/** The help-desk server over real HTTP: its security rules, and an integration's event stream and result. */
class HelpDeskServerTest {
    private static final String PASSWORD = "helpdesk-Secret-7";
    private final HttpClient http = HttpClient.newHttpClient();
    private MailServerFixture fixture;
    private HelpDeskServer server;
    private String base;

    @BeforeEach
    void start() throws IOException {
        fixture = MailServerFixture.builder().user("alice@example.com", PASSWORD).stopped(Service.IMAPS).start();
        server = new HelpDeskServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                outgoing -> Integrator.builder().policy(fixture.route(outgoing ? Policies.submission()
                        : Policies.blackBerry())).sslContext(fixture.clientSslContext()),
                Set.of(), Set.of("127.0.0.1"), null);
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterEach
    void stop() {
        server.close();
        fixture.close();
    }

    @Test
    void thePageHasAStrictPolicyAndATokenAndIsNotCached() throws Exception {
        HttpResponse<String> page = get("/");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy")).contains(HelpDeskServer.CSP);
        assertThat(HelpDeskServer.CSP).contains("default-src 'none'", "script-src 'self'").doesNotContain("unsafe");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(page.headers().firstValue("Cache-Control")).contains("no-store");
        assertThat(page.body()).doesNotContain("<script>").doesNotContain("style=");
        assertThat(token(page.body())).hasSizeGreaterThan(30);
    }

    @Test
    void anotherHostNameIsRefusedAgainstDnsRebinding() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: attacker.example:" + server.port()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String status = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)
                    .lines().findFirst().orElse("");
            assertThat(status).startsWith("HTTP/1.1 421");
        }
    }

    @Test
    void aPostWithoutTheTokenOrFromAnotherOriginIsRefusedBeforeAnyConnection() throws Exception {
        String token = token(get("/").body());
        String body = form("alice@example.com", PASSWORD, "");

        assertThat(post(body, null, base).statusCode()).isEqualTo(403);
        assertThat(post(body, "wrong-token", base).statusCode()).isEqualTo(403);
        assertThat(post(body, token, "http://attacker.example").statusCode()).isEqualTo(403);
        assertThat(fixture.received()).isEmpty();
    }

    @Test
    void aLargeBodyIsRefusedAndAHostOutsideTheDomainIsNeverContacted() throws Exception {
        String token = token(get("/").body());

        HttpResponse<String> large = post("{\"address\":\"" + "a".repeat(HelpDeskServer.MAX_BODY) + "\"}", token,
                base);
        HttpResponse<String> scan = post(form("alice@example.com", PASSWORD, "intranet.example.org"), token, base);

        assertThat(large.statusCode()).isEqualTo(413);
        assertThat(scan.statusCode()).isEqualTo(400);
        assertThat(scan.body()).contains("intranet.example.org", "nor allowed on this server").doesNotContain(PASSWORD);
        assertThat(fixture.received()).isEmpty();
    }

    @Test
    void anIntegrationStreamsItsRaceThenItsExplanationAndResultWithoutTheSecret() throws Exception {
        String token = token(get("/").body());

        HttpResponse<String> started = post(form("alice@example.com", PASSWORD, ""), token, base);
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        Map<String, Object> answer = JSON.std.mapFrom(started.body());
        HttpResponse<String> events = get((String) answer.get("events"));

        assertThat(events.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("text/event-stream"));
        List<Map<String, Object>> stream = events.body().lines().filter(line -> line.startsWith("data: "))
                .map(line -> {
                    try {
                        return JSON.std.mapFrom(line.substring(6));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }).toList();
        assertThat(stream).extracting(event -> event.get("type")).startsWith("start").endsWith("end")
                .contains("attempt-start", "phase-start", "phase-end", "attempt-end");
        assertThat(stream).filteredOn(event -> "attempt-end".equals(event.get("type")))
                .extracting(event -> event.get("outcome")).startsWith("REFUSED", "AUTHENTICATED");
        Map<String, Object> end = stream.get(stream.size() - 1);
        assertThat(end.get("selected")).isEqualTo(1);
        assertThat((String) end.get("explanation")).contains("is set up with POP3 over TLS");
        assertThat(events.body()).doesNotContain(PASSWORD);

        HttpResponse<String> result = get((String) end.get("result"));
        assertThat(IntegrationResult.fromJson(result.body()).selected().orElseThrow().protocol())
                .isEqualTo(MailProtocol.POP3);
        assertThat(result.headers().firstValue("Content-Disposition")).hasValueSatisfying(value ->
                assertThat(value).startsWith("attachment"));
        assertThat(result.body()).doesNotContain(PASSWORD);
    }

    @Test
    void aClientRunsOneIntegrationAtATime() throws Exception {
        fixture.fault(Service.IMAPS, org.mailintegrator.testkit.Fault.SILENT);   // the first one waits
        String token = token(get("/").body());

        HttpResponse<String> first = post(form("alice@example.com", PASSWORD, ""), token, base);
        HttpResponse<String> second = post(form("alice@example.com", PASSWORD, ""), token, base);

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(second.body()).contains("still running");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String body, String token, String origin) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/integrations"))
                .header("Content-Type", "application/json").header("Origin", origin)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("X-CSRF-Token", token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String form(String address, String secret, String imapHost) throws IOException {
        return JSON.std.asString(Map.of("address", address, "secret", secret, "secretKind", "password",
                "imapHost", imapHost, "direction", "incoming"));
    }

    private static String token(String page) {
        Matcher matcher = Pattern.compile("name=\"csrf-token\" content=\"([^\"]+)\"").matcher(page);
        assertThat(matcher.find()).as("the page's CSRF token").isTrue();
        return matcher.group(1);
    }
}
