package org.mailintegrator.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailintegrator.core.MailProtocol.IMAP;
import static org.mailintegrator.core.MailProtocol.POP3;
import static org.mailintegrator.core.Security.IMPLICIT_TLS;
import static org.mailintegrator.core.Security.NONE;
import static org.mailintegrator.core.Security.STARTTLS;

import java.net.UnknownHostException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailintegrator.core.Endpoint;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Provenance;
import org.mailintegrator.core.spi.DiscoveryContext;
import org.mailintegrator.interop.DnsmasqServer;

/**
 * {@link SrvSource} and {@link MxLookup} against a real DNS server, a private dnsmasq on loopback: the records as
 * dnsmasq puts them on the wire (its own order, its own encoding of a target-less SRV record), read through
 * {@link DnsClient}. In the discovery package (split across modules on the class path) to reach its
 * package-private types.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DnsmasqInteropTest {
    private static final String DOMAIN = "example.test";
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private static DnsmasqServer dnsmasq;
    private static DnsClient dns;

    @BeforeAll
    static void startDnsmasq() {
        dnsmasq = DnsmasqServer.builder()
                .domain(DOMAIN)
                // listed out of order: the source orders them
                .srv("_imaps._tcp.example.test", "backup.example.test", 993, 10, 0)
                .srv("_imaps._tcp.example.test", "small.example.test", 993, 0, 10)
                .srv("_imaps._tcp.example.test", "big.example.test", 993, 0, 60)
                .srv("_imap._tcp.example.test", "imap.example.test", 143, 5, 0)
                // no target: dnsmasq answers with the target "." (the service is not offered)
                .srvNotOffered("_pop3._tcp.example.test")
                .mx(DOMAIN, "alt1.aspmx.l.google.com", 20)
                .mx(DOMAIN, "aspmx.l.google.com", 10)
                .mx(DOMAIN, "alt2.aspmx.l.google.com", 30)
                .host("imap.example.test", "127.0.0.1")
                .start();
        dns = DnsClient.using(List.of(dnsmasq.address()));
    }

    @AfterAll
    static void stopDnsmasq() {
        if (dnsmasq != null) {
            dnsmasq.close();
        }
    }

    @Test
    void srvRecordsComeOrderedByPriorityWeightAndService() throws Exception {
        Findings findings = new SrvSource(dns).find(query());

        assertThat(findings.endpoints()).as(dnsmasq.log()).extracting(Endpoint::candidate).containsExactly(
                ProtocolCandidate.of(IMAP, IMPLICIT_TLS, "big.example.test", 993),
                ProtocolCandidate.of(IMAP, IMPLICIT_TLS, "small.example.test", 993),
                ProtocolCandidate.of(IMAP, STARTTLS, "imap.example.test", 143),
                ProtocolCandidate.of(IMAP, IMPLICIT_TLS, "backup.example.test", 993));
        // dnsmasq here neither validates nor sets the AD flag: nothing is trusted
        assertThat(findings.endpoints()).extracting(Endpoint::provenance).contains(
                Provenance.of(Provenance.Kind.SRV, "_imaps._tcp.example.test", false),
                Provenance.of(Provenance.Kind.SRV, "_imap._tcp.example.test", false));
        assertThat(findings.notes()).contains("_pop3s._tcp.example.test: no SRV records");
    }

    @Test
    void aTargetlessSrvRecordWithdrawsTheService() throws Exception {
        DnsClient.Answer<DnsClient.Srv> answer = dns.srv("_pop3._tcp.example.test", TIMEOUT);
        assertThat(answer.records()).as(dnsmasq.log()).singleElement()
                .satisfies(srv -> assertThat(srv.notOffered()).isTrue());

        Findings findings = new SrvSource(dns).find(query());

        String reason = "_pop3._tcp.example.test says POP3 is not offered (SRV target \".\")";
        assertThat(findings.notOffered()).containsExactly(
                new Findings.NotOffered(POP3, STARTTLS, reason),
                new Findings.NotOffered(POP3, NONE, reason));
    }

    @Test
    void mxHostsComeByPreferenceAndNameTheProvider() throws Exception {
        MxLookup mx = new MxLookup(dns);

        List<String> hosts = mx.mxHosts(DOMAIN, TIMEOUT);

        assertThat(hosts).as(dnsmasq.log())
                .containsExactly("aspmx.l.google.com", "alt1.aspmx.l.google.com", "alt2.aspmx.l.google.com");
        assertThat(MxLookup.providerDomain(hosts.get(0))).isEqualTo("google.com");
        assertThat(mx.mxHosts("nowhere.example.test", TIMEOUT)).isEmpty();
    }

    private static Query query() throws NoSuchAlgorithmException {
        MailAccount account = MailAccount.builder("alice@" + DOMAIN).password("interop-secret").build();
        DiscoveryContext context = DiscoveryContext.of(SSLContext.getDefault(), host -> {
            throw new UnknownHostException(host);
        });
        return new Query(DOMAIN, account, context, TIMEOUT);
    }
}
