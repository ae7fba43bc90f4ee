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
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mailintegrator.core.Authentication;
import org.mailintegrator.core.Endpoint;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.OAuth2Provider;
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

    /** Google's OAuth2 data in the bundled snapshot (googlemail.com.xml). */
    static final OAuth2Provider GOOGLE = OAuth2Provider.of("accounts.google.com", List.of("https://mail.google.com/",
            "https://www.googleapis.com/auth/contacts", "https://www.googleapis.com/auth/calendar",
            "https://www.googleapis.com/auth/carddav"), URI.create("https://accounts.google.com/o/oauth2/auth"),
            URI.create("https://www.googleapis.com/oauth2/v3/token"));

    /** Microsoft's OAuth2 data in the bundled snapshot (office365.com.xml). */
    static final OAuth2Provider MICROSOFT = OAuth2Provider.of("login.microsoftonline.com", List.of(
            "https://outlook.office365.com/IMAP.AccessAsUser.All", "https://outlook.office365.com/POP.AccessAsUser.All",
            "https://outlook.office365.com/SMTP.Send", "offline_access"),
            URI.create("https://login.microsoftonline.com/common/oauth2/v2.0/authorize"),
            URI.create("https://login.microsoftonline.com/common/oauth2/v2.0/token"));

    private static Provenance bundledProvenance() throws IOException {
        return Provenance.of(Provenance.Kind.ISPDB, "ISPDB snapshot of " + Ispdb.bundled().snapshotDate(), true);
    }

    @Test
    void gmailFromTheBundledSnapshot() throws Exception {
        Findings findings = new IspdbSource().find(query("alice@gmail.com"));

        Provenance provenance = bundledProvenance();
        Set<Authentication> both = Set.of(Authentication.OAUTH2, Authentication.PASSWORD);
        assertThat(findings.endpoints()).containsExactly(
                Endpoint.of(ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS, "imap.gmail.com", 993),
                        provenance, both),
                Endpoint.of(ProtocolCandidate.of(MailProtocol.POP3, Security.IMPLICIT_TLS, "pop.gmail.com", 995),
                        provenance, both),
                Endpoint.of(ProtocolCandidate.of(MailProtocol.SMTP, Security.IMPLICIT_TLS, "smtp.gmail.com", 465),
                        provenance, both));
        assertThat(findings.oauth2()).contains(new Findings.SignIn(GOOGLE, provenance));
        assertThat(findings.notes()).anySatisfy(note -> assertThat(note).contains("googlemail.com"));
    }

    @Test
    void outlookComTakesOAuth2OnlyWithMicrosoftsDataFromTheEntryForTheSameServer() throws Exception {
        Findings findings = new IspdbSource().find(query("alice@outlook.com"));

        Provenance provenance = bundledProvenance();
        assertThat(findings.endpoints()).containsExactly(
                Endpoint.of(ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS, "outlook.office365.com",
                        993), provenance, Set.of(Authentication.OAUTH2)),
                Endpoint.of(ProtocolCandidate.of(MailProtocol.POP3, Security.IMPLICIT_TLS, "outlook.office365.com",
                        995), provenance, Set.of(Authentication.OAUTH2)),
                Endpoint.of(ProtocolCandidate.of(MailProtocol.SMTP, Security.STARTTLS, "smtp-mail.outlook.com",
                        587), provenance, Set.of(Authentication.OAUTH2)));
        assertThat(findings.oauth2()).contains(new Findings.SignIn(MICROSOFT, provenance));
        assertThat(findings.notes()).anySatisfy(note -> assertThat(note).contains("hotmail.com",
                "the OAuth2 sign-in data is the ispdb/office365.com.xml entry's", "outlook.office365.com"));
    }

    @Test
    void microsoft365HasItsOwnOAuth2Data() throws Exception {
        Findings findings = new IspdbSource().find(query("alice@office365.com"));

        assertThat(findings.endpoints()).extracting(endpoint -> endpoint.candidate().host())
                .containsExactly("outlook.office365.com", "outlook.office365.com", "smtp.office365.com");
        assertThat(findings.endpoints()).allSatisfy(endpoint -> assertThat(endpoint.isOAuth2Only()).isTrue());
        assertThat(findings.oauth2()).hasValueSatisfying(signIn -> assertThat(signIn.provider()).isEqualTo(MICROSOFT));
        assertThat(findings.notes()).noneSatisfy(note -> assertThat(note).contains("sign-in data is the"));
    }

    @Test
    void aProviderWithoutOAuth2HasNoneAndListsPasswords() throws Exception {
        Findings findings = new IspdbSource().find(query("alice@posteo.de"));

        assertThat(findings.endpoints()).isNotEmpty().allSatisfy(endpoint ->
                assertThat(endpoint.authentication()).containsExactly(Authentication.PASSWORD));
        assertThat(findings.oauth2()).isEmpty();
    }

    @Test
    void oauth2DataIsLentOnlyByEntriesThatAgreeOnTheHost() throws Exception {
        String element = ClientConfigTest.oauth2Element("login.example.org", "mail", "https://login.example.org/a",
                "https://login.example.org/t");
        String other = ClientConfigTest.oauth2Element("login.other.example", "mail", "https://login.other.example/a",
                "https://login.other.example/t");
        Ispdb ispdb = IspdbSnapshotTool.snapshot("2024-05-06T00:00:00Z", List.of(
                entry("ispdb/lender.xml", "lender.example", ClientConfigTest.document(ClientConfigTest.server(
                        "imap", "imap.shared.example", "993", "SSL", "OAuth2"), element)),
                entry("ispdb/borrower.xml", "borrower.example", ClientConfigTest.document(ClientConfigTest.server(
                        "imap", "IMAP.shared.example", "993", "SSL", "OAuth2", "password-cleartext"))),
                entry("ispdb/passwords.xml", "passwords.example", ClientConfigTest.document(ClientConfigTest.server(
                        "imap", "imap.shared.example", "993", "SSL", "password-cleartext"))),
                entry("ispdb/a.xml", "a.example", ClientConfigTest.document(ClientConfigTest.server(
                        "imap", "imap.disputed.example", "993", "SSL", "OAuth2"), element)),
                entry("ispdb/b.xml", "b.example", ClientConfigTest.document(ClientConfigTest.server(
                        "imap", "imap.disputed.example", "993", "SSL", "OAuth2"), other)),
                entry("ispdb/c.xml", "c.example", ClientConfigTest.document(ClientConfigTest.server(
                        "imap", "imap.disputed.example", "993", "SSL", "OAuth2")))));

        assertThat(ispdb.providers()).isEqualTo(6);
        assertThat(ispdb.lookup("borrower.example").orElseThrow().oauth2()).hasValueSatisfying(provider ->
                assertThat(provider.issuer()).isEqualTo("login.example.org"));
        assertThat(ispdb.lookup("borrower.example").orElseThrow().notes()).containsExactly(
                "the OAuth2 sign-in data is the ispdb/lender.xml entry's, which names the same server "
                        + "imap.shared.example");
        assertThat(ispdb.lookup("passwords.example").orElseThrow().oauth2()).isEmpty();
        assertThat(ispdb.lookup("b.example").orElseThrow().oauth2()).hasValueSatisfying(provider ->
                assertThat(provider.issuer()).isEqualTo("login.other.example"));
        assertThat(ispdb.lookup("c.example").orElseThrow().oauth2()).isEmpty();
    }

    /** A snapshot entry whose document declares only {@code domain}. */
    private static Map.Entry<String, byte[]> entry(String path, String domain, String document) {
        return Map.entry(path, document.replace("<domain>example.org</domain>", "<domain>" + domain + "</domain>")
                .replace("<domain>Example.NET</domain>", "").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void domainsMatchCaseInsensitively() throws Exception {
        assertThat(Ispdb.bundled().lookup("GoogleMail.COM.")).isPresent();
        assertThat(new IspdbSource().find(query("alice@GMAIL.com")).endpoints()).hasSize(3);
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
        assertThat(findings.endpoints()).first().satisfies(endpoint -> {
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
        assertThat(live.endpoints()).first().isEqualTo(Endpoint.of(
                ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS, "imap.example.org", 993),
                Provenance.of(Provenance.Kind.ISPDB, asked.toString(), true), Set.of(Authentication.PASSWORD)));
        assertThat(known.endpoints()).first().satisfies(endpoint -> assertThat(
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
