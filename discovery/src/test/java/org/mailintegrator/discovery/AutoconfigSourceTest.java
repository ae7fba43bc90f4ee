package org.mailintegrator.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mailintegrator.core.Authentication;
import org.mailintegrator.core.Endpoint;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Provenance;
import org.mailintegrator.core.Security;
import org.mailintegrator.core.spi.DiscoveryContext;
import org.mailintegrator.core.spi.HostResolver;
import org.mailintegrator.testkit.AutoconfigServer;
import org.mailintegrator.testkit.TestCertificates;
import org.mailintegrator.testkit.TestDnsServer;

/**
 * Autoconfig against a real HTTPS server on loopback: what it finds and with which provenance, and the bounds on
 * everything a web server can do wrong (404, redirects, huge or endless bodies, silence, an untrusted certificate);
 * a host name resolved by the integrator's resolver (a test DNS server's records), with the certificate checked
 * for the name, and DNS failures told as such.
 */
class AutoconfigSourceTest {
    private static final TestCertificates CERTIFICATES = TestCertificates.forHosts("127.0.0.1");
    private static final MailAccount ACCOUNT = MailAccount.builder("alice@example.org").password("s3cret!").build();
    private static final String PATH = "/mail/config-v1.1.xml";
    private static final String WELL_KNOWN = "/.well-known/autoconfig/mail/config-v1.1.xml";
    private static final String DOCUMENT = ClientConfigTest.document(
            ClientConfigTest.server("imap", "imap.%EMAILDOMAIN%", "993", "SSL")
            + ClientConfigTest.server("pop3", "pop.example.org", "995", "SSL")
            + ClientConfigTest.server("exchange", "outlook.example.org", "443", "SSL"));

    private static final String OAUTH2_DOCUMENT = ClientConfigTest.document(
            ClientConfigTest.server("imap", "imap.example.org", "993", "SSL", "OAuth2")
            + ClientConfigTest.server("pop3", "pop.example.org", "995", "SSL", "password-cleartext"),
            ClientConfigTest.oauth2Element("login.example.org", "https://mail.example.org/ offline_access",
                    "https://login.example.org/authorize", "https://login.example.org/token"));

    private AutoconfigServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static Query query(Duration timeout) {
        return query(CERTIFICATES.clientSslContext(), timeout);
    }

    private static Query query(SSLContext sslContext, Duration timeout) {
        return new Query("example.org", ACCOUNT, DiscoveryContext.of(sslContext, HostResolver.SYSTEM), timeout);
    }

    private AutoconfigSource source(String... paths) {
        return new AutoconfigSource(domain -> {
            assertThat(domain).isEqualTo("example.org");
            return List.of(paths).stream().map(server::uri).toList();
        });
    }

    @Test
    void theProvidersServersWithTheirProvenanceAndNoAddressSent() throws Exception {
        server = AutoconfigServer.start(CERTIFICATES).document(PATH, DOCUMENT);

        Findings findings = source(PATH).find(query(Duration.ofSeconds(10)));

        Provenance provenance = Provenance.of(Provenance.Kind.AUTOCONFIG, server.uri(PATH).toString(), true);
        assertThat(findings.endpoints()).containsExactly(
                Endpoint.of(ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS, "imap.example.org", 993),
                        provenance, Set.of(Authentication.PASSWORD)),
                Endpoint.of(ProtocolCandidate.of(MailProtocol.POP3, Security.IMPLICIT_TLS, "pop.example.org", 995),
                        provenance, Set.of(Authentication.PASSWORD)),
                Endpoint.of(ProtocolCandidate.of(MailProtocol.SMTP, Security.IMPLICIT_TLS, "smtp.example.org", 465),
                        provenance));
        assertThat(findings.oauth2()).isEmpty();
        assertThat(findings.notes()).anySatisfy(note -> assertThat(note).contains("\"exchange\""));
        assertThat(server.requests()).singleElement()
                .satisfies(uri -> assertThat(uri.getRawQuery()).isNull());
        assertThat(String.join("\n", findings.notes())).doesNotContain("s3cret!").doesNotContain("alice");
    }

    @Test
    void theProvidersOAuth2DataComesWithTheServersOverHttps() throws Exception {
        server = AutoconfigServer.start(CERTIFICATES).document(PATH, OAUTH2_DOCUMENT);

        Findings findings = source(PATH).find(query(Duration.ofSeconds(10)));

        Provenance provenance = Provenance.of(Provenance.Kind.AUTOCONFIG, server.uri(PATH).toString(), true);
        assertThat(findings.endpoints()).extracting(Endpoint::authentication).containsExactly(
                Set.of(Authentication.OAUTH2), Set.of(Authentication.PASSWORD), Set.of());
        assertThat(findings.oauth2()).hasValueSatisfying(signIn -> {
            assertThat(signIn.provider().issuer()).isEqualTo("login.example.org");
            assertThat(signIn.provider().scopes()).containsExactly("https://mail.example.org/", "offline_access");
            assertThat(signIn.provenance()).isEqualTo(provenance);
        });
    }

    @Test
    void oauth2DataOverPlainHttpIsLeftOut() throws Exception {
        server = AutoconfigServer.startPlainHttp().document(PATH, OAUTH2_DOCUMENT);

        Findings findings = source(PATH).find(query(Duration.ofSeconds(10)));

        assertThat(findings.endpoints()).hasSize(3);
        assertThat(findings.endpoints().get(0).isOAuth2Only()).isTrue();
        assertThat(findings.oauth2()).isEmpty();
        assertThat(findings.notes()).contains("autoconfig " + server.uri(PATH)
                + ": its OAuth2 sign-in data is left out, as it came over plain HTTP");
    }

    @Test
    void aNotFoundGivesANoteAndNoEndpoint() throws Exception {
        server = AutoconfigServer.start(CERTIFICATES).status(PATH, 404, null);

        Findings findings = source(PATH).find(query(Duration.ofSeconds(10)));

        assertThat(findings.endpoints()).isEmpty();
        assertThat(findings.decides()).isFalse();
        assertThat(findings.notes()).containsExactly("autoconfig " + server.uri(PATH) + ": HTTP 404");
    }

    @Test
    void theSecondUrlAnswersWhenTheFirstHasNothing() throws Exception {
        server = AutoconfigServer.start(CERTIFICATES).status(PATH, 404, null).document(WELL_KNOWN, DOCUMENT);

        Findings findings = source(PATH, WELL_KNOWN).find(query(Duration.ofSeconds(10)));

        assertThat(findings.endpoints()).hasSize(3).allSatisfy(endpoint -> assertThat(
                endpoint.provenance().origin()).isEqualTo(server.uri(WELL_KNOWN).toString()));
        assertThat(findings.notes()).first().isEqualTo("autoconfig " + server.uri(PATH) + ": HTTP 404");
    }

    @Test
    void theFirstUrlWinsEvenWhenTheSecondAnswersFirst() throws Exception {
        CountDownLatch secondAnswered = new CountDownLatch(1);
        server = AutoconfigServer.start(CERTIFICATES)
                .handle(PATH, exchange -> {
                    awaitOrFail(secondAnswered);
                    respond(exchange, DOCUMENT);
                })
                .handle(WELL_KNOWN, exchange -> {
                    respond(exchange, ClientConfigTest.document(
                            ClientConfigTest.server("imap", "other.example.org", "993", "SSL")));
                    secondAnswered.countDown();
                });

        Findings findings = source(PATH, WELL_KNOWN).find(query(Duration.ofSeconds(10)));

        assertThat(findings.endpoints()).extracting(endpoint -> endpoint.candidate().host())
                .containsExactly("imap.example.org", "pop.example.org", "smtp.example.org");
    }

    @Test
    void aRedirectIsNotFollowed() throws Exception {
        server = AutoconfigServer.start(CERTIFICATES).status(PATH, 301, "https://elsewhere.example/config.xml")
                .document("/config.xml", DOCUMENT);

        Findings findings = source(PATH).find(query(Duration.ofSeconds(10)));

        assertThat(findings.endpoints()).isEmpty();
        assertThat(findings.notes()).singleElement().asString()
                .contains("HTTP 301").contains("not followed");
        assertThat(server.requests()).extracting(URI::getPath).containsExactly(PATH);
    }

    @Test
    void aHugeBodyFailsAtTheCapWithoutReadingItAll() throws Exception {
        long fifty = 50L << 20;
        AtomicLong written = new AtomicLong();
        AtomicBoolean cutOff = new AtomicBoolean();
        CountDownLatch handlerDone = new CountDownLatch(1);
        server = AutoconfigServer.start(CERTIFICATES).handle(PATH, exchange -> {
            try {
                streamBody(exchange, fifty, 0, written);
            } catch (IOException e) {
                cutOff.set(true);
            } finally {
                handlerDone.countDown();
            }
        });

        Findings findings = source(PATH).find(query(Duration.ofSeconds(20)));

        assertThat(findings.endpoints()).isEmpty();
        assertThat(findings.notes()).singleElement().asString()
                .contains("larger than the " + CappedHttp.MAX_BODY_BYTES + " bytes accepted");
        assertThat(handlerDone.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(cutOff).isTrue();
        assertThat(written.get()).isLessThan(fifty);
    }

    @Test
    void aDeclaredLengthBeyondTheCapIsRefusedBeforeReading() throws Exception {
        server = AutoconfigServer.start(CERTIFICATES).handle(PATH, exchange -> {
            try {
                streamBody(exchange, 2L << 20, 2L << 20, new AtomicLong());
            } catch (IOException expected) {
                // the client hung up
            }
        });

        Findings findings = source(PATH).find(query(Duration.ofSeconds(20)));

        assertThat(findings.endpoints()).isEmpty();
        assertThat(findings.notes()).singleElement().asString().contains("declares " + (2L << 20) + " bytes");
    }

    @Test
    void aServerThatNeverAnswersIsBoundedByTheTimeout() throws Exception {
        server = AutoconfigServer.start(CERTIFICATES).handle(PATH, exchange -> server.awaitClose());

        long start = System.nanoTime();
        Findings findings = source(PATH).find(query(Duration.ofMillis(500)));
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(findings.endpoints()).isEmpty();
        assertThat(findings.notes()).singleElement().asString().contains("no answer within 500 ms");
        assertThat(elapsed).isLessThan(5_000);
    }

    @Test
    void aBodyThatStallsIsBoundedByTheTimeout() throws Exception {
        server = AutoconfigServer.start(CERTIFICATES).handle(PATH, exchange -> {
            exchange.sendResponseHeaders(200, 0);
            OutputStream body = exchange.getResponseBody();
            body.write("<clientConfig>".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            body.flush();
            server.awaitClose();
        });

        long start = System.nanoTime();
        Findings findings = source(PATH).find(query(Duration.ofMillis(500)));
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(findings.endpoints()).isEmpty();
        assertThat(findings.notes()).singleElement().asString().contains("no answer within 500 ms");
        assertThat(elapsed).isLessThan(5_000);
    }

    @Test
    void anUntrustedCertificateGivesANoteAndNoEndpoint() throws Exception {
        server = AutoconfigServer.start(CERTIFICATES).document(PATH, DOCUMENT);
        SSLContext otherCa = TestCertificates.forHosts("127.0.0.1").clientSslContext();

        Findings findings = source(PATH).find(query(otherCa, Duration.ofSeconds(10)));

        assertThat(findings.endpoints()).isEmpty();
        assertThat(findings.notes()).singleElement().asString()
                .startsWith("autoconfig " + server.uri(PATH) + ": TLS failed");
    }

    @Test
    void aDocumentOverPlainHttpIsNotTrusted() throws Exception {
        server = AutoconfigServer.startPlainHttp().document(PATH, DOCUMENT);

        Findings findings = source(PATH).find(query(Duration.ofSeconds(10)));

        assertThat(findings.endpoints()).hasSize(3).allSatisfy(endpoint -> {
            assertThat(endpoint.provenance().isTrusted()).isFalse();
            assertThat(endpoint.provenance().origin()).startsWith("http://");
        });
    }

    @Test
    void anInterruptedLookupStopsPromptly() throws Exception {
        CountDownLatch asked = new CountDownLatch(1);
        server = AutoconfigServer.start(CERTIFICATES).handle(PATH, exchange -> {
            asked.countDown();
            server.awaitClose();
        });
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            Future<Findings> lookup = thread.submit(() -> source(PATH).find(query(Duration.ofSeconds(60))));
            assertThat(asked.await(10, TimeUnit.SECONDS)).isTrue();

            lookup.cancel(true);
            thread.shutdown();

            assertThat(thread.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        } finally {
            thread.shutdownNow();
        }
    }

    @Test
    void aDocumentWrittenByTheTestkitIsReadAsWritten() throws Exception {
        List<ProtocolCandidate> servers = List.of(
                ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS, "imap.example.org", 993),
                ProtocolCandidate.of(MailProtocol.POP3, Security.STARTTLS, "pop.example.org", 110),
                ProtocolCandidate.of(MailProtocol.IMAP, Security.NONE, "imap.example.org", 143));
        server = AutoconfigServer.start(CERTIFICATES).provider("example.org",
                AutoconfigServer.clientConfig("example.org", servers.toArray(ProtocolCandidate[]::new)));

        Findings findings = new AutoconfigSource(server::locations).find(query(Duration.ofSeconds(10)));

        assertThat(findings.endpoints()).extracting(Endpoint::candidate).containsExactlyElementsOf(servers);
        assertThat(findings.endpoints()).allSatisfy(endpoint -> assertThat(endpoint.provenance())
                .isEqualTo(Provenance.of(Provenance.Kind.AUTOCONFIG, server.url("example.org").toString(), true)));
    }

    @Test
    void aLocationThatIsNotAWebUrlIsNotedAndNotFetched() throws Exception {
        Findings findings = new AutoconfigSource(domain -> List.of(URI.create("file:///etc/passwd")))
                .find(query(Duration.ofSeconds(10)));

        assertThat(findings.endpoints()).isEmpty();
        assertThat(findings.notes()).singleElement().asString()
                .isEqualTo("autoconfig: no URL for the domain example.org (not an http or https URL: file:///etc/passwd)");
    }

    @Test
    void theStandardUrlsAreHttpsUnlessPlainHttpIsAllowed() {
        assertThat(AutoconfigSource.standardLocations("Example.ORG", false)).containsExactly(
                URI.create("https://autoconfig.example.org/mail/config-v1.1.xml"),
                URI.create("https://example.org/.well-known/autoconfig/mail/config-v1.1.xml"));
        assertThat(AutoconfigSource.standardLocations("example.org", true)).containsExactly(
                URI.create("https://autoconfig.example.org/mail/config-v1.1.xml"),
                URI.create("https://example.org/.well-known/autoconfig/mail/config-v1.1.xml"),
                URI.create("http://autoconfig.example.org/mail/config-v1.1.xml"),
                URI.create("http://example.org/.well-known/autoconfig/mail/config-v1.1.xml"));
    }

    // names are resolved by the integrator's resolver, and the certificate is checked for the name

    /** {@code https://autoconfig.example.org:<the server's port>/mail/config-v1.1.xml}: a name, not an address. */
    private URI byName() {
        return URI.create("https://autoconfig.example.org:" + server.uri(PATH).getPort() + PATH);
    }

    private static Query query(SSLContext sslContext, HostResolver resolver, Duration timeout) {
        return new Query("example.org", ACCOUNT, DiscoveryContext.of(sslContext, resolver), timeout);
    }

    @Test
    void theHostNameIsResolvedByTheIntegratorsResolverAndNamedToTheServer() throws Exception {
        TestCertificates named = TestCertificates.forHosts("autoconfig.example.org");
        AtomicReference<String> hostHeader = new AtomicReference<>();
        server = AutoconfigServer.start(named).handle(PATH, exchange -> {
            hostHeader.set(exchange.getRequestHeaders().getFirst("Host"));
            respond(exchange, DOCUMENT);
        });
        List<String> asked = new CopyOnWriteArrayList<>();
        try (TestDnsServer dns = TestDnsServer.start()) {
            dns.a("autoconfig.example.org", "127.0.0.1");
            HostResolver resolver = host -> {
                asked.add(host);
                return dns.resolver().resolve(host);
            };

            Findings findings = new AutoconfigSource(domain -> List.of(byName()))
                    .find(query(named.clientSslContext(), resolver, Duration.ofSeconds(10)));

            assertThat(findings.endpoints()).as(findings.notes().toString()).hasSize(3).allSatisfy(endpoint ->
                    assertThat(endpoint.provenance()).isEqualTo(
                            Provenance.of(Provenance.Kind.AUTOCONFIG, byName().toString(), true)));
            assertThat(asked).containsExactly("autoconfig.example.org");
            assertThat(hostHeader).hasValue("autoconfig.example.org:" + byName().getPort());
        }
    }

    @Test
    void aCertificateForTheAddressButNotForTheNameIsNotTrusted() throws Exception {
        server = AutoconfigServer.start(CERTIFICATES).document(PATH, DOCUMENT);
        try (TestDnsServer dns = TestDnsServer.start()) {
            dns.a("autoconfig.example.org", "127.0.0.1");

            Findings findings = new AutoconfigSource(domain -> List.of(byName()))
                    .find(query(CERTIFICATES.clientSslContext(), dns.resolver(), Duration.ofSeconds(10)));

            assertThat(findings.endpoints()).isEmpty();
            assertThat(findings.notes()).singleElement().asString()
                    .startsWith("autoconfig " + byName() + ": TLS failed");
        }
    }

    @Test
    void aNameThatDoesNotResolveIsNotedAsADnsFailure() throws Exception {
        server = AutoconfigServer.start(CERTIFICATES).document(PATH, DOCUMENT);
        try (TestDnsServer dns = TestDnsServer.start()) {
            Findings findings = new AutoconfigSource(domain -> List.of(byName()))
                    .find(query(CERTIFICATES.clientSslContext(), dns.resolver(), Duration.ofSeconds(10)));

            assertThat(findings.endpoints()).isEmpty();
            assertThat(findings.notes()).containsExactly("autoconfig " + byName()
                    + ": the name autoconfig.example.org was not found (DNS)");
            assertThat(server.requests()).isEmpty();
        }
    }

    @Test
    void aResolverThatDoesNotAnswerIsBoundedByTheTimeoutAndNamedAsDns() throws Exception {
        server = AutoconfigServer.start(CERTIFICATES).document(PATH, DOCUMENT);
        try (TestDnsServer dns = TestDnsServer.start()) {
            dns.neverAnswer("autoconfig.example.org");

            long start = System.nanoTime();
            Findings findings = new AutoconfigSource(domain -> List.of(byName()))
                    .find(query(CERTIFICATES.clientSslContext(), dns.resolver(), Duration.ofMillis(500)));
            long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            assertThat(findings.endpoints()).isEmpty();
            assertThat(findings.notes()).containsExactly("autoconfig " + byName()
                    + ": the name autoconfig.example.org was not resolved within 500 ms (DNS)");
            assertThat(elapsed).isLessThan(5_000);
        }
    }

    @Test
    void aRefusedConnectionIsStillToldAsOne() throws Exception {
        URI closed = URI.create("https://127.0.0.1:1" + PATH);

        Findings findings = new AutoconfigSource(domain -> List.of(closed))
                .find(query(CERTIFICATES.clientSslContext(), HostResolver.SYSTEM, Duration.ofSeconds(10)));

        assertThat(findings.notes()).containsExactly("autoconfig " + closed + ": connection refused");
    }

    /** Writes {@code total} bytes of spaces in 64 KiB chunks; {@code declared} 0 means chunked. */
    private static void streamBody(HttpExchange exchange, long total, long declared, AtomicLong written)
            throws IOException {
        exchange.sendResponseHeaders(200, declared);
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) ' ');
        try (OutputStream body = exchange.getResponseBody()) {
            while (written.get() < total) {
                body.write(chunk);
                written.addAndGet(chunk.length);
            }
        }
    }

    /** Status 200 with {@code body}. */
    private static void respond(HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void awaitOrFail(CountDownLatch latch) throws IOException {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IOException("the other request never came");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
