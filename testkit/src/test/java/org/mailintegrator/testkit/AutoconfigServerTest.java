package org.mailintegrator.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;

/** The autoconfig server asked by the JDK's HTTP client, as discovery asks it. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AutoconfigServerTest {
    private static final TestCertificates CERTIFICATES = TestCertificates.forHosts("127.0.0.1", "localhost");

    private static HttpResponse<String> get(URI uri, SSLContext trust, Duration timeout)
            throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().sslContext(trust).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        return client.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return get(uri, CERTIFICATES.clientSslContext(), Duration.ofSeconds(10));
    }

    @Test
    void servesAProvidersDocumentOverHttpsToAClientTrustingTheCa() throws Exception {
        try (AutoconfigServer autoconfig = AutoconfigServer.start(CERTIFICATES)) {
            autoconfig.provider("Example.TEST", AutoconfigServer.clientConfig("example.test",
                    ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS, "imap.example.test", 993)));

            HttpResponse<String> response = get(autoconfig.url("example.test"));

            assertThat(autoconfig.url("example.test")).hasScheme("https").hasHost("127.0.0.1")
                    .hasPath("/example.test/mail/config-v1.1.xml");
            assertThat(autoconfig.locations("example.test")).containsExactly(autoconfig.url("example.test"));
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("<incomingServer type=\"imap\">")
                    .contains("<hostname>imap.example.test</hostname>").contains("<port>993</port>")
                    .contains("<socketType>SSL</socketType>");
            assertThat(autoconfig.requests()).containsExactly(URI.create("/example.test/mail/config-v1.1.xml"));
        }
    }

    @Test
    void anUnknownDomainOrPathIsNotFoundAndStillRecorded() throws Exception {
        try (AutoconfigServer autoconfig = AutoconfigServer.start(CERTIFICATES)) {
            assertThat(get(autoconfig.url("unknown.test")).statusCode()).isEqualTo(404);
            assertThat(get(autoconfig.uri("/elsewhere?emailaddress=x")).statusCode()).isEqualTo(404);

            assertThat(autoconfig.requests()).containsExactly(URI.create("/unknown.test/mail/config-v1.1.xml"),
                    URI.create("/elsewhere?emailaddress=x"));
        }
    }

    @Test
    void aClientOfAnotherCaDoesNotTrustIt() throws Exception {
        try (AutoconfigServer autoconfig = AutoconfigServer.start(CERTIFICATES)) {
            autoconfig.provider("example.test", AutoconfigServer.clientConfig("example.test"));
            SSLContext otherCa = TestCertificates.forHosts("127.0.0.1").clientSslContext();

            assertThatThrownBy(() -> get(autoconfig.url("example.test"), otherCa, Duration.ofSeconds(10)))
                    .isInstanceOf(SSLHandshakeException.class);
        }
    }

    @Test
    void plainHttpStatusesAndRedirects() throws Exception {
        try (AutoconfigServer autoconfig = AutoconfigServer.startPlainHttp()) {
            autoconfig.document("/mail/config-v1.1.xml", "<clientConfig/>")
                    .status("/broken", 500)
                    .status("/moved", 301, "https://elsewhere.example/config.xml");

            HttpResponse<String> document = get(autoconfig.uri("/mail/config-v1.1.xml"));
            HttpResponse<String> moved = get(autoconfig.uri("/moved"));

            assertThat(autoconfig.uri("/x")).hasScheme("http");
            assertThat(document.body()).isEqualTo("<clientConfig/>");
            assertThat(get(autoconfig.uri("/broken")).statusCode()).isEqualTo(500);
            assertThat(moved.statusCode()).isEqualTo(301);
            assertThat(moved.headers().firstValue("Location")).hasValue("https://elsewhere.example/config.xml");
        }
    }

    @Test
    void aHandlerCanHoldTheRequestUntilTheServerIsClosed() throws Exception {
        CountDownLatch asked = new CountDownLatch(1);
        AutoconfigServer autoconfig = AutoconfigServer.start(CERTIFICATES);
        try {
            autoconfig.handle("/mail/config-v1.1.xml", exchange -> {
                asked.countDown();
                autoconfig.awaitClose();
            });

            assertThatThrownBy(() -> get(autoconfig.uri("/mail/config-v1.1.xml"), CERTIFICATES.clientSslContext(),
                    Duration.ofMillis(300))).isInstanceOf(HttpTimeoutException.class);
            assertThat(asked.await(5, TimeUnit.SECONDS)).isTrue();
        } finally {
            long start = System.nanoTime();
            autoconfig.close();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5_000);
        }
        assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(thread -> thread.getName().startsWith("testkit-autoconfig-")
                        && thread.getName().contains("-" + autoconfig.uri("/").getPort() + "-"));
    }

    @Test
    void theDocumentNamesEachIncomingServerWithItsSocketTypeAndEscapesText() {
        String document = AutoconfigServer.clientConfig("a&b.test",
                ProtocolCandidate.of(MailProtocol.POP3, Security.STARTTLS, "pop.%EMAILDOMAIN%", 110),
                ProtocolCandidate.of(MailProtocol.IMAP, Security.NONE, "imap.example.test", 143));

        assertThat(document).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
                .contains("<domain>a&amp;b.test</domain>")
                .containsSubsequence("<incomingServer type=\"pop3\">", "<hostname>pop.%EMAILDOMAIN%</hostname>",
                        "<port>110</port>", "<socketType>STARTTLS</socketType>",
                        "<incomingServer type=\"imap\">", "<port>143</port>", "<socketType>plain</socketType>");
    }

    @Test
    void badArgumentsAreRefusedAtOnce() throws Exception {
        try (AutoconfigServer autoconfig = AutoconfigServer.startPlainHttp()) {
            assertThatThrownBy(() -> autoconfig.url("example.test/../x")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> autoconfig.document("no-slash", "x")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> autoconfig.status("/x", 42)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
