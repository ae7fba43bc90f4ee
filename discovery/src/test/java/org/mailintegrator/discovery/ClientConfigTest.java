package org.mailintegrator.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailintegrator.core.Authentication;
import org.mailintegrator.core.Endpoint;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.OAuth2Provider;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Provenance;
import org.mailintegrator.core.Security;

/**
 * The clientConfig parser: servers in document order, socket types, placeholders, ways of signing in, the OAuth2
 * element, what it skips, and the documents it refuses (XXE, entity expansion, oversize, not clientConfig).
 */
class ClientConfigTest {
    static final MailAccount ACCOUNT = MailAccount.builder("alice@example.org").password("not-used").build();

    /** A clientConfig document with {@code servers} inside its emailProvider, after two domains. */
    static String document(String servers) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<clientConfig version=\"1.1\">\n"
                + "  <emailProvider id=\"example.org\">\n"
                + "    <domain>example.org</domain>\n"
                + "    <domain>Example.NET</domain>\n"
                + "    <displayName>Example</displayName>\n"
                + servers
                + "    <outgoingServer type=\"smtp\"><hostname>smtp.example.org</hostname><port>465</port>"
                + "<socketType>SSL</socketType></outgoingServer>\n"
                + "  </emailProvider>\n"
                + "</clientConfig>\n";
    }

    static String server(String type, String host, String port, String socketType) {
        return "    <incomingServer type=\"" + type + "\">\n"
                + "      <hostname>" + host + "</hostname>\n"
                + "      <port>" + port + "</port>\n"
                + "      <socketType>" + socketType + "</socketType>\n"
                + "      <username>%EMAILADDRESS%</username>\n"
                + "      <authentication>password-cleartext</authentication>\n"
                + "    </incomingServer>\n";
    }

    /** An incoming server that lists {@code authentication}, in that order. */
    static String server(String type, String host, String port, String socketType, String... authentication) {
        StringBuilder methods = new StringBuilder();
        for (String method : authentication) {
            methods.append("      <authentication>").append(method).append("</authentication>\n");
        }
        return "    <incomingServer type=\"" + type + "\">\n"
                + "      <hostname>" + host + "</hostname>\n"
                + "      <port>" + port + "</port>\n"
                + "      <socketType>" + socketType + "</socketType>\n"
                + "      <username>%EMAILADDRESS%</username>\n"
                + methods
                + "    </incomingServer>\n";
    }

    /** An {@code <oAuth2>} element as the ISPDB writes it, after the emailProvider. */
    static String oauth2Element(String issuer, String scope, String authUrl, String tokenUrl) {
        return "  <oAuth2>\n"
                + "    <issuer>" + issuer + "</issuer>\n"
                + "    <!-- the scopes -->\n"
                + "    <scope>" + scope + "</scope>\n"
                + "    <authURL>" + authUrl + "</authURL>\n"
                + "    <tokenURL>" + tokenUrl + "</tokenURL>\n"
                + "  </oAuth2>\n";
    }

    /** {@link #document(String)} with {@code afterProvider} (e.g. an {@code <oAuth2>} element) after the provider. */
    static String document(String servers, String afterProvider) {
        return document(servers).replace("  </emailProvider>\n", "  </emailProvider>\n" + afterProvider);
    }

    private static ClientConfig parse(String document) throws IOException {
        return ClientConfig.parse(document.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void domainsAndServersInDocumentOrderWithTheirSecurity() throws IOException {
        ClientConfig config = parse(document(
                server("imap", "imap.example.org", "993", "SSL")
                + server("pop3", "pop.example.org", "110", "STARTTLS")
                + server("imap", "imap.example.org", "143", "plain")));

        assertThat(config.providerId()).isEqualTo("example.org");
        assertThat(config.domains()).containsExactly("example.org", "example.net");
        assertThat(config.candidates(ACCOUNT).candidates()).containsExactly(
                ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS, "imap.example.org", 993),
                ProtocolCandidate.of(MailProtocol.POP3, Security.STARTTLS, "pop.example.org", 110),
                ProtocolCandidate.of(MailProtocol.IMAP, Security.NONE, "imap.example.org", 143),
                ProtocolCandidate.of(MailProtocol.SMTP, Security.IMPLICIT_TLS, "smtp.example.org", 465));
        assertThat(config.notes()).isEmpty();
    }

    @Test
    void outgoingSmtpServersAfterTheIncomingOnesWithTheirSecurityAndPlaceholders() throws IOException {
        ClientConfig config = parse(document(server("imap", "imap.example.org", "993", "SSL")
                + outgoing("smtp", "smtp.%EMAILDOMAIN%", "587", "STARTTLS")
                + outgoing("smtp", "mail.example.org", "25", "plain")
                + outgoing("exchange", "ews.example.org", "443", "SSL")
                + server("smtp", "smtp.example.org", "465", "SSL")));

        assertThat(config.candidates(ACCOUNT).candidates()).containsExactly(
                ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS, "imap.example.org", 993),
                ProtocolCandidate.of(MailProtocol.SMTP, Security.STARTTLS, "smtp.example.org", 587),
                ProtocolCandidate.of(MailProtocol.SMTP, Security.NONE, "mail.example.org", 25),
                ProtocolCandidate.of(MailProtocol.SMTP, Security.IMPLICIT_TLS, "smtp.example.org", 465));
        assertThat(config.servers().get(1).authentication()).containsExactly(Authentication.PASSWORD);
        assertThat(config.notes()).containsExactly(
                "skipped an incoming server of type \"smtp\": only imap and pop3 are used",
                "skipped an outgoing server of type \"exchange\": only smtp is used");
    }

    /** An outgoing server that signs in with a password. */
    static String outgoing(String type, String host, String port, String socketType) {
        return server(type, host, port, socketType).replace("incomingServer", "outgoingServer");
    }

    @Test
    void placeholdersInHostNamesAreFilledInForTheAccount() throws IOException {
        ClientConfig config = parse(document(
                server("imap", "mail.%EMAILDOMAIN%", "993", "SSL")
                + server("pop3", "%EMAILLOCALPART%.pop.example.org", "995", "SSL")
                + server("imap", "%EMAILADDRESS%", "993", "SSL")));

        assertThat(config.servers().get(0).hostname()).isEqualTo("mail.%EMAILDOMAIN%");
        ClientConfig.Candidates found = config.candidates(ACCOUNT);
        assertThat(found.candidates()).extracting(ProtocolCandidate::host)
                .containsExactly("mail.example.org", "alice.pop.example.org", "alice@example.org",
                        "smtp.example.org");
    }

    @Test
    void otherServerTypesAndUnknownSocketTypesAreSkippedWithANote() throws IOException {
        ClientConfig config = parse(document(
                server("exchange", "outlook.example.org", "443", "SSL")
                + server("ews", "ews.example.org", "443", "SSL")
                + server("imap", "imap.example.org", "993", "TLS-maybe")
                + server("pop3", "pop.example.org", "pop", "SSL")
                + server("pop3", "pop.example.org", "995", "ssl")));

        assertThat(config.candidates(ACCOUNT).candidates()).containsExactly(
                ProtocolCandidate.of(MailProtocol.POP3, Security.IMPLICIT_TLS, "pop.example.org", 995),
                ProtocolCandidate.of(MailProtocol.SMTP, Security.IMPLICIT_TLS, "smtp.example.org", 465));
        assertThat(config.notes()).hasSize(4)
                .anySatisfy(note -> assertThat(note).contains("\"exchange\""))
                .anySatisfy(note -> assertThat(note).contains("\"ews\""))
                .anySatisfy(note -> assertThat(note).contains("unknown socket type \"TLS-maybe\""))
                .anySatisfy(note -> assertThat(note).contains("the port \"pop\" is not a number"));
    }

    @Test
    void invalidHostsAndPortsAreSkippedWithANoteNotAnException() throws IOException {
        ClientConfig config = parse(document(
                server("imap", "imap.example.org", "99999", "SSL")
                + server("imap", "imap.example.org:993", "993", "SSL")
                + server("imap", "", "993", "SSL")
                + server("imap", "%UNKNOWN%.example.org", "993", "SSL")
                + server("pop3", "pop.example.org", "995", "SSL")));

        ClientConfig.Candidates found = config.candidates(ACCOUNT);

        assertThat(found.candidates()).extracting(ProtocolCandidate::host).containsExactly("pop.example.org",
                "smtp.example.org");
        assertThat(found.notes()).hasSize(4).allSatisfy(note -> assertThat(note).startsWith("skipped IMAP"));
    }

    @Test
    void theWaysOfSigningInEachServerListsAreRead() throws IOException {
        ClientConfig config = parse(document(
                server("imap", "imap.example.org", "993", "SSL", "OAuth2")
                + server("pop3", "pop.example.org", "995", "SSL", "OAuth2", "password-cleartext")
                + server("imap", "imap.example.org", "143", "STARTTLS", "password-encrypted")
                + server("pop3", "pop.example.org", "110", "STARTTLS", " plain ", "SECURE", "NTLM")
                + server("imap", "imap2.example.org", "993", "SSL", "GSSAPI", "TLS-client-cert", "none")
                + server("imap", "imap3.example.org", "993", "SSL", "oauth2", "client-IP-address")
                + server("imap", "imap4.example.org", "993", "SSL").replaceAll("\\s*<authentication>.*", "")));

        assertThat(config.servers()).extracting(ClientConfig.Server::authentication).containsExactly(
                Set.of(Authentication.OAUTH2),
                Set.of(Authentication.OAUTH2, Authentication.PASSWORD),
                Set.of(Authentication.PASSWORD),
                Set.of(Authentication.PASSWORD),
                Set.of(),
                Set.of(Authentication.OAUTH2),
                Set.of(),
                Set.of());
        Provenance provenance = Provenance.of(Provenance.Kind.AUTOCONFIG, "https://example.org/config", true);
        List<Endpoint> endpoints = config.candidates(ACCOUNT).endpoints(provenance);
        assertThat(endpoints).extracting(Endpoint::isOAuth2Only)
                .containsExactly(true, false, false, false, false, true, false, false);
        assertThat(endpoints.get(0)).isEqualTo(Endpoint.of(ProtocolCandidate.of(MailProtocol.IMAP,
                Security.IMPLICIT_TLS, "imap.example.org", 993), provenance, Set.of(Authentication.OAUTH2)));
        assertThat(config.oauth2()).isEmpty();
        assertThat(config.notes()).isEmpty();
    }

    @Test
    void theOAuth2ElementGivesTheProvidersSignInData() throws IOException {
        ClientConfig config = parse(document(server("imap", "imap.example.org", "993", "SSL", "OAuth2"),
                oauth2Element("login.example.org", "  https://mail.example.org/  offline_access\n"
                        + "  https://mail.example.org/ ", "https://login.example.org/authorize?x=1",
                        "https://login.example.org/token")));

        OAuth2Provider expected = OAuth2Provider.of("login.example.org",
                List.of("https://mail.example.org/", "offline_access"),
                URI.create("https://login.example.org/authorize?x=1"), URI.create("https://login.example.org/token"));
        assertThat(config.oauth2()).contains(expected);
        assertThat(config.candidates(ACCOUNT).oauth2()).contains(expected);
        assertThat(config.notes()).isEmpty();
    }

    @Test
    void anOAuth2ElementInsideTheProviderIsReadToo() throws IOException {
        ClientConfig config = parse(document(server("imap", "imap.example.org", "993", "SSL", "OAuth2")
                + oauth2Element("login.example.org", "mail", "https://login.example.org/a",
                        "https://login.example.org/t")));

        assertThat(config.oauth2()).hasValueSatisfying(provider -> {
            assertThat(provider.issuer()).isEqualTo("login.example.org");
            assertThat(provider.scopes()).containsExactly("mail");
        });
    }

    @Test
    void anUnusableOAuth2ElementIsIgnoredWithANote() throws IOException {
        String servers = server("imap", "imap.example.org", "993", "SSL", "OAuth2");
        ClientConfig missing = parse(document(servers, "  <oAuth2><issuer>login.example.org</issuer>"
                + "<authURL>https://login.example.org/a</authURL></oAuth2>\n"));
        ClientConfig plainHttp = parse(document(servers, oauth2Element("login.example.org", "mail",
                "http://login.example.org/a", "https://login.example.org/t")));
        ClientConfig notAUri = parse(document(servers, oauth2Element("login.example.org", "mail",
                "https://login.example.org/a b", "https://login.example.org/t")));
        ClientConfig badScope = parse(document(servers, oauth2Element("login.example.org", "mail\"x",
                "https://login.example.org/a", "https://login.example.org/t")));

        assertThat(List.of(missing, plainHttp, notAUri, badScope)).allSatisfy(config -> {
            assertThat(config.oauth2()).isEmpty();
            assertThat(config.servers()).hasSize(2);
            assertThat(config.notes()).singleElement().asString().startsWith("ignored the <oAuth2> element");
        });
        assertThat(missing.notes().get(0)).contains("no <scope>, <tokenURL>");
        assertThat(plainHttp.notes().get(0)).contains("authorizationUri must be an absolute https URL");
    }

    @Test
    void anExternalEntityIsNeverResolved(@TempDir Path directory) throws IOException {
        Path secret = directory.resolve("secret.txt");
        Files.writeString(secret, "top-secret-content");
        String attack = "<?xml version=\"1.0\"?>\n"
                + "<!DOCTYPE clientConfig [ <!ENTITY xxe SYSTEM \"" + secret.toUri() + "\"> ]>\n"
                + "<clientConfig><emailProvider id=\"x\"><domain>example.org</domain>"
                + "<incomingServer type=\"imap\"><hostname>&xxe;</hostname><port>993</port>"
                + "<socketType>SSL</socketType></incomingServer></emailProvider></clientConfig>";

        assertThatThrownBy(() -> parse(attack))
                .isInstanceOf(ClientConfig.InvalidConfigException.class)
                .hasMessageContaining("DOCTYPE")
                .satisfies(e -> assertThat(String.valueOf(e.getMessage())).doesNotContain("top-secret-content"));
    }

    @Test
    void anExternalDtdAndEntityExpansionAreRejected() {
        String externalDtd = "<?xml version=\"1.0\"?>\n"
                + "<!DOCTYPE clientConfig SYSTEM \"http://127.0.0.1:1/evil.dtd\">\n<clientConfig/>";
        String laughs = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [ <!ENTITY lol \"lol\">"
                + " <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\"> ]>\n"
                + "<clientConfig><emailProvider><domain>&lol2;</domain></emailProvider></clientConfig>";

        assertThatThrownBy(() -> parse(externalDtd)).isInstanceOf(ClientConfig.InvalidConfigException.class);
        assertThatThrownBy(() -> parse(laughs)).isInstanceOf(ClientConfig.InvalidConfigException.class);
    }

    @Test
    void oversizeInputIsRejectedBeforeParsing() {
        byte[] big = new byte[ClientConfig.MAX_BYTES + 1];
        Arrays.fill(big, (byte) ' ');

        assertThatThrownBy(() -> ClientConfig.parse(big))
                .isInstanceOf(ClientConfig.InvalidConfigException.class)
                .hasMessageContaining("more than the " + ClientConfig.MAX_BYTES);
    }

    @Test
    void anEndlessStreamIsReadOnlyUpToTheCap() {
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return ' ';
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                Arrays.fill(buffer, offset, offset + length, (byte) ' ');
                return length;
            }
        };

        assertThatThrownBy(() -> ClientConfig.parse(endless))
                .isInstanceOf(ClientConfig.InvalidConfigException.class)
                .hasMessageContaining("larger than");
    }

    @Test
    void malformedDocumentsAndOtherRootsAreRejected() {
        assertThatThrownBy(() -> parse("<clientConfig><emailProvider>")).isInstanceOf(
                ClientConfig.InvalidConfigException.class);
        assertThatThrownBy(() -> parse("<html><body>Not found</body></html>"))
                .isInstanceOf(ClientConfig.InvalidConfigException.class)
                .hasMessageContaining("<html>");
        assertThatThrownBy(() -> ClientConfig.parse(new ByteArrayInputStream(new byte[0])))
                .isInstanceOf(ClientConfig.InvalidConfigException.class);
    }
}
