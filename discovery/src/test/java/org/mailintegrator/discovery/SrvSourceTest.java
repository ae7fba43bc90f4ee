package org.mailintegrator.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mailintegrator.core.MailProtocol.IMAP;
import static org.mailintegrator.core.MailProtocol.POP3;
import static org.mailintegrator.core.MailProtocol.SMTP;
import static org.mailintegrator.core.Security.IMPLICIT_TLS;
import static org.mailintegrator.core.Security.NONE;
import static org.mailintegrator.core.Security.STARTTLS;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailintegrator.core.Endpoint;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Provenance;
import org.mailintegrator.testkit.TestDnsServer;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SrvSourceTest {
    private static final String DOMAIN = "example.test";
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private TestDnsServer dns;
    private SrvSource source;

    @BeforeEach
    void startServer() throws IOException {
        dns = TestDnsServer.start();
        source = new SrvSource(DnsClient.using(List.of(dns.address())));
    }

    @AfterEach
    void stopServer() {
        dns.close();
    }

    @Test
    void ordersByPriorityThenWeightThenService() throws Exception {
        dns.srv("_imaps._tcp.example.test", 10, 0, 993, "backup.example.test")
                .srv("_imaps._tcp.example.test", 0, 10, 993, "small.example.test")
                .srv("_imaps._tcp.example.test", 0, 60, 993, "big.example.test")
                .srv("_imap._tcp.example.test", 0, 0, 143, "imap.example.test")
                .srv("_pop3s._tcp.example.test", 0, 0, 995, "pop.example.test")
                .srv("_pop3._tcp.example.test", 20, 0, 110, "pop.example.test");

        Findings findings = source.find(Queries.of(DOMAIN, TIMEOUT));

        assertThat(candidates(findings)).containsExactly(
                ProtocolCandidate.of(IMAP, IMPLICIT_TLS, "big.example.test", 993),
                ProtocolCandidate.of(IMAP, IMPLICIT_TLS, "small.example.test", 993),
                ProtocolCandidate.of(POP3, IMPLICIT_TLS, "pop.example.test", 995),
                ProtocolCandidate.of(IMAP, STARTTLS, "imap.example.test", 143),
                ProtocolCandidate.of(IMAP, IMPLICIT_TLS, "backup.example.test", 993),
                ProtocolCandidate.of(POP3, STARTTLS, "pop.example.test", 110));
        assertThat(findings.notOffered()).isEmpty();
        assertThat(findings.notes()).hasSize(4)
                .anySatisfy(note -> assertThat(note).startsWith("_imaps._tcp.example.test: 3 usable SRV records"));
    }

    @Test
    void submissionRecordsNameTheOutgoingServersImplicitTlsFirstWhenSmtpIsAskedFor() throws Exception {
        dns.srv("_submission._tcp.example.test", 0, 0, 587, "smtp.example.test")
                .srv("_submissions._tcp.example.test", 0, 0, 465, "smtp.example.test")
                .srv("_submissions._tcp.example.test", 5, 0, 465, "backup.example.test")
                .srv("_imaps._tcp.example.test", 0, 0, 993, "imap.example.test");

        Findings outgoing = source.find(Queries.of(DOMAIN, TIMEOUT, Set.of(SMTP)));
        Findings incoming = source.find(Queries.of(DOMAIN, TIMEOUT));

        assertThat(candidates(outgoing)).containsExactly(
                ProtocolCandidate.of(SMTP, IMPLICIT_TLS, "smtp.example.test", 465),
                ProtocolCandidate.of(SMTP, STARTTLS, "smtp.example.test", 587),
                ProtocolCandidate.of(SMTP, IMPLICIT_TLS, "backup.example.test", 465));
        assertThat(outgoing.endpoints().get(0).provenance())
                .isEqualTo(Provenance.of(Provenance.Kind.SRV, "_submissions._tcp.example.test", false));
        assertThat(outgoing.notes()).hasSize(2);
        assertThat(candidates(incoming)).as("only the names of the protocols asked for are looked up")
                .containsExactly(ProtocolCandidate.of(IMAP, IMPLICIT_TLS, "imap.example.test", 993));
    }

    @Test
    void aDotTargetWithdrawsSubmission() throws Exception {
        dns.srv("_submissions._tcp.example.test", 0, 0, 0, ".")
                .srv("_submission._tcp.example.test", 0, 0, 587, "smtp.example.test");

        Findings findings = source.find(Queries.of(DOMAIN, TIMEOUT, Set.of(SMTP)));

        assertThat(candidates(findings)).containsExactly(
                ProtocolCandidate.of(SMTP, STARTTLS, "smtp.example.test", 587));
        assertThat(findings.notOffered()).containsExactly(new Findings.NotOffered(SMTP, IMPLICIT_TLS,
                "_submissions._tcp.example.test says mail submission over TLS is not offered (SRV target \".\")"));
    }

    @Test
    void equalRecordsComeInTheSameOrderWhateverTheServerSends() throws Exception {
        dns.srv("_imaps._tcp.example.test", 0, 0, 993, "b.example.test")
                .srv("_imaps._tcp.example.test", 0, 0, 993, "a.example.test");

        assertThat(candidates(source.find(Queries.of(DOMAIN, TIMEOUT)))).containsExactly(
                ProtocolCandidate.of(IMAP, IMPLICIT_TLS, "a.example.test", 993),
                ProtocolCandidate.of(IMAP, IMPLICIT_TLS, "b.example.test", 993));
    }

    @Test
    void aDotTargetWithdrawsTheService() throws Exception {
        dns.srv("_imaps._tcp.example.test", 0, 1, 993, "imap.example.test")
                .srv("_imap._tcp.example.test", 0, 0, 0, ".")
                .srv("_pop3s._tcp.example.test", 0, 0, 0, ".")
                .srv("_pop3._tcp.example.test", 0, 0, 0, ".");

        Findings findings = source.find(Queries.of(DOMAIN, TIMEOUT));

        assertThat(candidates(findings)).containsExactly(
                ProtocolCandidate.of(IMAP, IMPLICIT_TLS, "imap.example.test", 993));
        assertThat(findings.notOffered()).containsExactly(
                new Findings.NotOffered(POP3, IMPLICIT_TLS,
                        "_pop3s._tcp.example.test says POP3 over TLS is not offered (SRV target \".\")"),
                new Findings.NotOffered(IMAP, STARTTLS,
                        "_imap._tcp.example.test says IMAP is not offered (SRV target \".\")"),
                new Findings.NotOffered(IMAP, NONE,
                        "_imap._tcp.example.test says IMAP is not offered (SRV target \".\")"),
                new Findings.NotOffered(POP3, STARTTLS,
                        "_pop3._tcp.example.test says POP3 is not offered (SRV target \".\")"),
                new Findings.NotOffered(POP3, NONE,
                        "_pop3._tcp.example.test says POP3 is not offered (SRV target \".\")"));
        assertThat(findings.decides()).isTrue();
    }

    @Test
    void aDotNextToRealRecordsIsIgnored() throws Exception {
        dns.srv("_imaps._tcp.example.test", 0, 0, 0, ".")
                .srv("_imaps._tcp.example.test", 5, 0, 993, "imap.example.test");

        Findings findings = source.find(Queries.of(DOMAIN, TIMEOUT));

        assertThat(candidates(findings)).containsExactly(
                ProtocolCandidate.of(IMAP, IMPLICIT_TLS, "imap.example.test", 993));
        assertThat(findings.notOffered()).isEmpty();
    }

    @Test
    void unauthenticatedAnswersAreUntrustedAndNamedByTheirName() throws Exception {
        dns.srv("_imaps._tcp.example.test", 0, 0, 993, "imap.example.test")
                .srv("_pop3s._tcp.example.test", 0, 0, 995, "pop.example.test");

        List<Endpoint> endpoints = source.find(Queries.of(DOMAIN, TIMEOUT)).endpoints();

        assertThat(endpoints).extracting(Endpoint::provenance).containsExactly(
                Provenance.of(Provenance.Kind.SRV, "_imaps._tcp.example.test", false),
                Provenance.of(Provenance.Kind.SRV, "_pop3s._tcp.example.test", false));
    }

    @Test
    void authenticatedAnswersAreTrusted() throws Exception {
        dns.srv("_imaps._tcp.example.test", 0, 0, 993, "imap.example.test").authenticated(true);

        assertThat(source.find(Queries.of(DOMAIN, TIMEOUT)).endpoints()).extracting(Endpoint::provenance)
                .containsExactly(Provenance.of(Provenance.Kind.SRV, "_imaps._tcp.example.test", true));
    }

    @Test
    void noRecordsIsAnEmptyFindingWithNotes() throws Exception {
        Findings findings = source.find(Queries.of(DOMAIN, TIMEOUT));

        assertThat(findings.decides()).isFalse();
        assertThat(findings.notes()).containsExactly(
                "_imaps._tcp.example.test: no SRV records",
                "_pop3s._tcp.example.test: no SRV records",
                "_imap._tcp.example.test: no SRV records",
                "_pop3._tcp.example.test: no SRV records");
    }

    @Test
    void oneFailedLookupIsANote() throws Exception {
        dns.serverFailure("_imap._tcp.example.test")
                .srv("_imaps._tcp.example.test", 0, 0, 993, "imap.example.test");

        Findings findings = source.find(Queries.of(DOMAIN, TIMEOUT));

        assertThat(candidates(findings)).containsExactly(
                ProtocolCandidate.of(IMAP, IMPLICIT_TLS, "imap.example.test", 993));
        assertThat(findings.notes()).anySatisfy(note -> assertThat(note)
                .startsWith("_imap._tcp.example.test: lookup failed").contains("SERVFAIL"));
    }

    @Test
    void aSilentServerEndsTheSourceAtTheTimeout() throws IOException {
        for (String label : List.of("_imaps", "_imap", "_pop3s", "_pop3")) {
            dns.neverAnswer(label + "._tcp.example.test");
        }
        Duration timeout = Duration.ofMillis(800);

        long start = System.nanoTime();
        assertThatThrownBy(() -> source.find(Queries.of(DOMAIN, timeout)))
                .isInstanceOf(IOException.class).hasMessageContaining("no SRV lookup for example.test succeeded");
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

        assertThat(elapsed).isLessThan(timeout.plusMillis(500));
        assertThat(dns.queries()).isGreaterThanOrEqualTo(4);
    }

    private static List<ProtocolCandidate> candidates(Findings findings) {
        return findings.endpoints().stream().map(Endpoint::candidate).toList();
    }
}
