package org.mailintegrator.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailintegrator.testkit.TestDnsServer;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DnsClientTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private TestDnsServer dns;
    private DnsClient client;

    @BeforeEach
    void startServer() throws IOException {
        dns = TestDnsServer.start();
        client = DnsClient.using(List.of(dns.address()));
    }

    @AfterEach
    void stopServer() {
        dns.close();
    }

    @Test
    void readsSrvRecordsWithoutTheFinalDot() throws Exception {
        dns.srv("_imaps._tcp.example.test", 10, 5, 993, "IMAP.example.test");

        DnsClient.Answer<DnsClient.Srv> answer = client.srv("_imaps._tcp.example.test", TIMEOUT);

        assertThat(answer.records()).containsExactly(new DnsClient.Srv(10, 5, 993, "imap.example.test"));
        assertThat(answer.authenticated()).isFalse();
    }

    @Test
    void reportsTheAuthenticatedFlag() throws Exception {
        dns.srv("_imaps._tcp.example.test", 0, 0, 993, "imap.example.test").authenticated(true);

        assertThat(client.srv("_imaps._tcp.example.test", TIMEOUT).authenticated()).isTrue();
    }

    @Test
    void readsARootTargetAsADot() throws Exception {
        dns.srv("_pop3._tcp.example.test", 0, 0, 0, ".");

        assertThat(client.srv("_pop3._tcp.example.test", TIMEOUT).records())
                .singleElement().satisfies(srv -> assertThat(srv.notOffered()).isTrue());
    }

    @Test
    void aNameThatDoesNotExistOrHasNoSuchRecordsIsAnEmptyAnswer() throws Exception {
        dns.a("example.test", "192.0.2.1");

        assertThat(client.srv("_imaps._tcp.nowhere.test", TIMEOUT).isEmpty()).isTrue();
        assertThat(client.mx("example.test", TIMEOUT).isEmpty()).isTrue();
    }

    @Test
    void readsMxRecords() throws Exception {
        dns.mx("example.test", 20, "mx2.example.test").mx("example.test", 10, "mx1.example.test.");

        assertThat(client.mx("example.test", TIMEOUT).records()).containsExactlyInAnyOrder(
                new DnsClient.Mx(20, "mx2.example.test"), new DnsClient.Mx(10, "mx1.example.test"));
    }

    @Test
    void aServerFailureIsAnIoException() throws IOException {
        dns.serverFailure("_imaps._tcp.broken.test");

        assertThatThrownBy(() -> client.srv("_imaps._tcp.broken.test", TIMEOUT))
                .isInstanceOf(IOException.class).hasMessageContaining("SERVFAIL")
                .hasMessageContaining("_imaps._tcp.broken.test");
    }

    @Test
    void aServerThatNeverAnswersEndsTheLookupAtTheTimeout() throws IOException {
        dns.neverAnswer("_imaps._tcp.silent.test");
        Duration timeout = Duration.ofMillis(700);

        long start = System.nanoTime();
        assertThatThrownBy(() -> client.srv("_imaps._tcp.silent.test", timeout))
                .isInstanceOf(IOException.class).hasMessageContaining("no answer")
                .hasMessageContaining("700 ms");
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

        assertThat(elapsed).isLessThan(timeout.plusMillis(500));
        assertThat(dns.queries()).as("the server received the query and stayed silent").isPositive();
    }

    @Test
    void triesTheNextServerWhenTheFirstIsSilent() throws Exception {
        try (TestDnsServer other = TestDnsServer.start()) {
            dns.neverAnswer("_imaps._tcp.example.test");
            other.srv("_imaps._tcp.example.test", 0, 0, 993, "imap.example.test");
            DnsClient both = DnsClient.using(List.of(dns.address(), other.address()));

            assertThat(both.srv("_imaps._tcp.example.test", TIMEOUT).records())
                    .containsExactly(new DnsClient.Srv(0, 0, 993, "imap.example.test"));
        }
    }
}
