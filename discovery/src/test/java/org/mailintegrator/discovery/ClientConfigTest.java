package org.mailintegrator.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;

/**
 * The clientConfig parser: servers in document order, socket types, placeholders, what it skips, and the documents
 * it refuses (XXE, entity expansion, oversize, not clientConfig).
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
                ProtocolCandidate.of(MailProtocol.IMAP, Security.NONE, "imap.example.org", 143));
        assertThat(config.notes()).isEmpty();
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
                .containsExactly("mail.example.org", "alice.pop.example.org", "alice@example.org");
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
                ProtocolCandidate.of(MailProtocol.POP3, Security.IMPLICIT_TLS, "pop.example.org", 995));
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

        assertThat(found.candidates()).extracting(ProtocolCandidate::host).containsExactly("pop.example.org");
        assertThat(found.notes()).hasSize(4).allSatisfy(note -> assertThat(note).startsWith("skipped IMAP"));
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
