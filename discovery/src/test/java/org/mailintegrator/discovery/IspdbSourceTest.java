package org.mailintegrator.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
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

/** The ISPDB source on the bundled snapshot and on small ones built here, and the live lookup on loopback HTTPS. */
class IspdbSourceTest {
    private static final TestCertificates CERTIFICATES = TestCertificates.forHosts("127.0.0.1");

    private AutoconfigServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static Query query(String address) {
        return query(address, CERTIFICATES.clientSslContext());
    }

    private static Query query(String address, SSLContext sslContext) {
        MailAccount account = MailAccount.builder(address).password("not-used").build();
        return new Query(account.domain(), account, DiscoveryContext.of(sslContext, HostResolver.SYSTEM),
                Duration.ofSeconds(10));
    }

    @Test
    void gmailFromTheBundledSnapshot() throws Exception {
        Findings findings = new IspdbSource().find(query("alice@gmail.com"));

        Provenance provenance = Provenance.of(Provenance.Kind.ISPDB,
                "ISPDB snapshot of " + Ispdb.bundled().snapshotDate(), true);
        assertThat(findings.endpoints()).containsExactly(
                Endpoint.of(ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS, "imap.gmail.com", 993),
                        provenance),
                Endpoint.of(ProtocolCandidate.of(MailProtocol.POP3, Security.IMPLICIT_TLS, "pop.gmail.com", 995),
                        provenance));
        assertThat(findings.notes()).anySatisfy(note -> assertThat(note).contains("googlemail.com"));
    }

    @Test
    void domainsMatchCaseInsensitively() throws Exception {
        assertThat(Ispdb.bundled().lookup("GoogleMail.COM.")).isPresent();
        assertThat(new IspdbSource().find(query("alice@GMAIL.com")).endpoints()).hasSize(2);
    }

    @Test
    void aDomainNotInTheSnapshotGivesNothing() throws Exception {
        Findings findings = new IspdbSource().find(query("alice@example.invalid"));

        assertThat(findings.decides()).isFalse();
        assertThat(findings.notes()).singleElement().asString().startsWith("ISPDB: no entry for example.invalid");
    }

    @Test
    void theSnapshotDateIsTheCommitDateRecordedBesideIt() throws Exception {
        Ispdb ispdb = Ispdb.bundled();
        String source;
        try (InputStream in = Ispdb.class.getResourceAsStream("/org/mailintegrator/discovery/ispdb/SOURCE.txt")) {
            assertThat(in).isNotNull();
            source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }

        assertThat(ispdb.snapshotDate()).isAfter(LocalDate.of(2020, 1, 1));
        assertThat(source).contains("commit:    " + ispdb.commit())
                .contains("date:      " + ispdb.snapshotDate() + "T");
        assertThat(ispdb.commit()).matches("[0-9a-f]{40}");
        assertThat(ispdb.providers()).isGreaterThan(100);
        assertThat(ispdb.notes()).isEmpty();
        assertThat(Ispdb.class.getResource("/org/mailintegrator/discovery/ispdb/LICENSE-ISPDB.txt")).isNotNull();
    }

    @Test
    void theBundledSnapshotIsLoadedOnceWhoeverAsksFirst() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Ispdb>> loads = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                loads.add(Ispdb::bundled);
            }
            Ispdb first = Ispdb.bundled();
            for (Future<Ispdb> loaded : threads.invokeAll(loads)) {
                assertThat(loaded.get()).isSameAs(first);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void placeholdersAreFilledInFromAnotherSnapshot() throws Exception {
        Ispdb ispdb = snapshot("2024-05-06T23:30:00-02:00", ClientConfigTest.document(
                ClientConfigTest.server("imap", "mail.%EMAILDOMAIN%", "993", "SSL")));

        Findings findings = new IspdbSource(() -> ispdb, null).find(query("bob@example.net"));

        assertThat(ispdb.snapshotDate()).isEqualTo(LocalDate.of(2024, 5, 7));
        assertThat(findings.endpoints()).singleElement().satisfies(endpoint -> {
            assertThat(endpoint.candidate().host()).isEqualTo("mail.example.net");
            assertThat(endpoint.provenance().origin()).isEqualTo("ISPDB snapshot of 2024-05-07");
        });
    }

    @Test
    void aDamagedSnapshotIsAnErrorNotACrash() throws IOException {
        byte[] notGzip = "ISPDB-SNAPSHOT 1\n".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Ispdb.from(new ByteArrayInputStream(notGzip))).isInstanceOf(IOException.class);

        Ispdb withBadEntry = IspdbSnapshotTool.snapshot("2024-05-06T00:00:00Z", List.of(
                Map.entry("ispdb/bad.xml", "<clientConfig>".getBytes(StandardCharsets.UTF_8)),
                Map.entry("ispdb/good.xml", ClientConfigTest.document("").getBytes(StandardCharsets.UTF_8))));
        assertThat(withBadEntry.providers()).isEqualTo(1);
        assertThat(withBadEntry.notes()).singleElement().asString().startsWith("ispdb/bad.xml left out");
    }

    @Test
    void theLiveServiceIsAskedOnlyForDomainsTheSnapshotLacks() throws Exception {
        server = AutoconfigServer.start(CERTIFICATES).document("/v1.1/example.org", ClientConfigTest.document(
                ClientConfigTest.server("imap", "imap.example.org", "993", "SSL")));
        Ispdb ispdb = snapshot("2024-05-06T00:00:00Z", ClientConfigTest.document(
                ClientConfigTest.server("imap", "imap.example.org", "993", "SSL")).replace("example.org",
                "known.example"));
        IspdbSource source = new IspdbSource(() -> ispdb, domain -> server.uri("/v1.1/" + domain));

        Findings live = source.find(query("alice@example.org"));
        Findings known = source.find(query("alice@known.example"));

        URI asked = server.uri("/v1.1/example.org");
        assertThat(live.endpoints()).singleElement().isEqualTo(Endpoint.of(
                ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS, "imap.example.org", 993),
                Provenance.of(Provenance.Kind.ISPDB, asked.toString(), true)));
        assertThat(known.endpoints()).singleElement().satisfies(endpoint -> assertThat(
                endpoint.provenance().origin()).isEqualTo("ISPDB snapshot of 2024-05-06"));
        assertThat(server.requests()).containsExactly(URI.create("/v1.1/example.org"));
    }

    @Test
    void theLiveServiceIsNotAskedByDefault() {
        assertThat(new IspdbSource().toString()).doesNotContain("live");
        assertThat(IspdbSource.liveLocation("Example.ORG"))
                .isEqualTo(URI.create("https://autoconfig.thunderbird.net/v1.1/example.org"));
    }

    private static Ispdb snapshot(String date, String document) throws IOException {
        return IspdbSnapshotTool.snapshot(date, List.of(Map.entry("ispdb/example.xml",
                document.getBytes(StandardCharsets.UTF_8))));
    }
}
