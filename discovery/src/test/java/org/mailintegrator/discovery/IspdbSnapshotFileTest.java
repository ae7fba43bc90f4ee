package org.mailintegrator.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailintegrator.core.DiscoveredHosts;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.Provenance;
import org.mailintegrator.core.spi.DiscoveryContext;
import org.mailintegrator.testkit.TestDnsServer;

/** The caller can replace the bundled ISPDB with a snapshot file of its own. */
class IspdbSnapshotFileTest {
    private static final MailAccount ACCOUNT = MailAccount.builder("alice@gmail.com").password("pw").build();

    @Test
    void aSnapshotFileReplacesTheBundledCopy(@TempDir Path folder) throws Exception {
        Path file = folder.resolve("ispdb-snapshot.gz");
        try (InputStream bundled = Ispdb.class.getResourceAsStream(Ispdb.BUNDLED_RESOURCE)) {
            Files.copy(bundled, file);
        }

        DiscoveredHosts found = discover(file);

        assertThat(found.best(org.mailintegrator.core.MailProtocol.IMAP)).hasValueSatisfying(endpoint -> {
            assertThat(endpoint.candidate().host()).isEqualTo("imap.gmail.com");
            assertThat(endpoint.provenance().kind()).isEqualTo(Provenance.Kind.ISPDB);
        });
    }

    @Test
    void anUnreadableSnapshotIsANoteNotAFailure(@TempDir Path folder) throws Exception {
        DiscoveredHosts found = discover(folder.resolve("missing.gz"));

        assertThat(found.endpoints()).isEmpty();
        assertThat(found.notes()).anyMatch(note -> note.startsWith("ISPDB") && note.contains("missing.gz"));
    }

    private static DiscoveredHosts discover(Path snapshot) throws IOException, NoSuchAlgorithmException {
        try (TestDnsServer dns = TestDnsServer.start()) {
            Discovery discovery = Discovery.builder().ispdbSnapshot(snapshot).dnsServers(List.of(dns.address()))
                    .autoconfigLocations(domain -> List.of(URI.create("https://127.0.0.1:1/mail/config-v1.1.xml")))
                    .withoutGuesses().build();
            return discovery.discover(ACCOUNT, DiscoveryContext.of(SSLContext.getDefault(), host -> List.of()));
        }
    }
}
