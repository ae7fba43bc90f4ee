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
class MxLookupTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private TestDnsServer dns;
    private MxLookup mx;

    @BeforeEach
    void startServer() throws IOException {
        dns = TestDnsServer.start();
        mx = new MxLookup(DnsClient.using(List.of(dns.address())));
    }

    @AfterEach
    void stopServer() {
        dns.close();
    }

    @Test
    void sortsByPreferenceThenName() throws Exception {
        dns.mx("example.test", 30, "alt2.aspmx.l.google.com")
                .mx("example.test", 1, "aspmx.l.google.com")
                .mx("example.test", 5, "alt1.aspmx.l.google.com")
                .mx("example.test", 5, "alt0.aspmx.l.google.com");

        assertThat(mx.mxHosts("example.test", TIMEOUT)).containsExactly("aspmx.l.google.com",
                "alt0.aspmx.l.google.com", "alt1.aspmx.l.google.com", "alt2.aspmx.l.google.com");
    }

    @Test
    void aNullMxOrNoMxIsNoHost() throws Exception {
        dns.mx("nomail.test", 0, ".");

        assertThat(mx.mxHosts("nomail.test", TIMEOUT)).isEmpty();
        assertThat(mx.mxHosts("nowhere.test", TIMEOUT)).isEmpty();
    }

    @Test
    void aSilentServerEndsTheLookupAtTheTimeout() throws IOException {
        dns.neverAnswer("silent.test");
        Duration timeout = Duration.ofMillis(600);

        long start = System.nanoTime();
        assertThatThrownBy(() -> mx.mxHosts("silent.test", timeout)).isInstanceOf(IOException.class)
                .hasMessageContaining("MX silent.test");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(timeout.plusMillis(500));
    }

    @Test
    void theProviderDomainIsTheLastTwoLabels() {
        assertThat(MxLookup.providerDomain("aspmx.l.google.com")).isEqualTo("google.com");
        assertThat(MxLookup.providerDomain("example-com.mail.protection.outlook.com.")).isEqualTo("outlook.com");
        assertThat(MxLookup.providerDomain("MX.Example.ORG")).isEqualTo("example.org");
        assertThat(MxLookup.providerDomain("example.org")).isEqualTo("example.org");
        assertThat(MxLookup.providerDomain("localhost")).isEqualTo("localhost");
        // the documented approximation: no public-suffix knowledge
        assertThat(MxLookup.providerDomain("mx.example.co.uk")).isEqualTo("co.uk");
        assertThatThrownBy(() -> MxLookup.providerDomain(" . ")).isInstanceOf(IllegalArgumentException.class);
    }
}
