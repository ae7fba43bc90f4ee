package org.mailintegrator.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** The DNS server asked over UDP by dnsjava's own client, and its {@code HostResolver} view. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TestDnsServerTest {
    private TestDnsServer dns;
    private SimpleResolver client;

    @BeforeEach
    void start() throws IOException {
        dns = TestDnsServer.start();
        client = new SimpleResolver(dns.address());
        client.setTimeout(Duration.ofSeconds(2));
    }

    @AfterEach
    void stop() {
        dns.close();
    }

    private Message ask(String name, int type) throws IOException {
        return client.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
    }

    @Test
    void answersTheRecordsItWasGivenIgnoringCase() throws IOException {
        dns.a("imap.example.test", "127.0.0.1")
                .aaaa("imap.example.test", "::1")
                .mx("example.test", 10, "mx1.example.test")
                .srv("_imaps._tcp.example.test", 0, 1, 993, "imap.example.test");

        assertThat(ask("IMAP.example.test.", Type.A).getSection(Section.ANSWER)).singleElement()
                .satisfies(r -> assertThat(((ARecord) r).getAddress().getHostAddress()).isEqualTo("127.0.0.1"));
        assertThat(ask("imap.example.test.", Type.AAAA).getSection(Section.ANSWER)).singleElement()
                .satisfies(r -> assertThat(((AAAARecord) r).getAddress()).isEqualTo(InetAddress.getByName("::1")));
        assertThat(ask("example.test.", Type.MX).getSection(Section.ANSWER)).singleElement().satisfies(r -> {
            assertThat(((MXRecord) r).getPriority()).isEqualTo(10);
            assertThat(((MXRecord) r).getTarget()).isEqualTo(Name.fromString("mx1.example.test."));
        });
        assertThat(ask("_imaps._tcp.example.test.", Type.SRV).getSection(Section.ANSWER)).singleElement()
                .satisfies(r -> {
                    SRVRecord srv = (SRVRecord) r;
                    assertThat(List.of(srv.getPriority(), srv.getWeight(), srv.getPort())).containsExactly(0, 1, 993);
                    assertThat(srv.getTarget()).isEqualTo(Name.fromString("imap.example.test."));
                });
        assertThat(dns.queries()).isEqualTo(4);
    }

    @Test
    void aKnownNameWithoutTheTypeIsEmptyAndAnUnknownNameDoesNotExist() throws IOException {
        dns.mx("example.test", 10, "mx1.example.test");

        Message otherType = ask("example.test.", Type.A);
        Message unknown = ask("nothing.example.test.", Type.A);

        assertThat(otherType.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(otherType.getSection(Section.ANSWER)).isEmpty();
        assertThat(unknown.getRcode()).isEqualTo(Rcode.NXDOMAIN);
    }

    @Test
    void anSrvTargetOfADotWithdrawsTheService() throws IOException {
        dns.srv("_pop3s._tcp.example.test", 0, 0, 0, ".");

        assertThat(ask("_pop3s._tcp.example.test.", Type.SRV).getSection(Section.ANSWER)).singleElement()
                .satisfies(r -> assertThat(((SRVRecord) r).getTarget()).isEqualTo(Name.root));
    }

    @Test
    void serverFailureAndTheAuthenticatedFlag() throws IOException {
        dns.serverFailure("broken.test").a("signed.test", "192.0.2.1").authenticated(true);

        assertThat(ask("broken.test.", Type.A).getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(ask("signed.test.", Type.A).getHeader().getFlag(Flags.AD)).isTrue();
        dns.authenticated(false);
        assertThat(ask("signed.test.", Type.A).getHeader().getFlag(Flags.AD)).isFalse();
        assertThatThrownBy(() -> dns.resolver().resolve("broken.test"))
                .isInstanceOf(UnknownHostException.class).hasMessageContaining("SERVFAIL");
    }

    @Test
    void aNameThatNeverAnswersIsCountedAndLeftToTheClientsTimeout() {
        dns.neverAnswer("silent.test");
        client.setTimeout(Duration.ofMillis(300));

        assertThatThrownBy(() -> ask("silent.test.", Type.A)).isInstanceOf(IOException.class);
        assertThat(dns.queries()).isPositive();
    }

    @Test
    void theResolverAnswersFromTheAddressRecordsInTheOrderAdded() throws UnknownHostException {
        dns.aaaa("imap.example.test", "::1").a("imap.example.test", "127.0.0.1")
                .mx("example.test", 10, "mx1.example.test");

        assertThat(dns.resolver().resolve("IMAP.Example.Test.")).containsExactly(
                InetAddress.getByName("::1"), InetAddress.getByName("127.0.0.1"));
        assertThat(dns.resolver().resolve("192.0.2.7")).containsExactly(InetAddress.getByName("192.0.2.7"));
        assertThatThrownBy(() -> dns.resolver().resolve("example.test")).isInstanceOf(UnknownHostException.class);
        assertThatThrownBy(() -> dns.resolver().resolve("localhost")).isInstanceOf(UnknownHostException.class);
        assertThat(dns.queries()).as("the resolver view sends no query").isZero();
    }

    @Test
    void theResolverWaitsForANameThatNeverAnswersUntilTheServerIsClosed() throws Exception {
        dns.neverAnswer("silent.test");
        CompletableFuture<List<InetAddress>> lookup = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                lookup.complete(dns.resolver().resolve("silent.test"));
            } catch (UnknownHostException e) {
                lookup.completeExceptionally(e);
            }
        });
        thread.start();

        dns.close();

        assertThatThrownBy(() -> lookup.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(UnknownHostException.class);
        thread.join(5_000);
        assertThat(thread.isAlive()).isFalse();
    }

    @Test
    void badNamesAndAddressesAreRefusedAtOnce() {
        assertThatThrownBy(() -> dns.a("example.test", "example.org")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> dns.a("example.test", "::1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> dns.aaaa("example.test", "127.0.0.1"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> dns.srv("_imaps._tcp.example.test", 0, 0, 70_000, "imap.example.test"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> dns.mx("a..b", 10, "mx.example.test")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void closingEndsTheServersThread() {
        String name = "testkit-dns-" + dns.address().getPort();

        dns.close();

        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(thread -> thread.getName().equals(name));
    }
}
