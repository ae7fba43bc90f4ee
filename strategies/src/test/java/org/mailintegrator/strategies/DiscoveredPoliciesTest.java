package org.mailintegrator.strategies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailintegrator.core.MailProtocol.IMAP;
import static org.mailintegrator.core.MailProtocol.POP3;
import static org.mailintegrator.core.Security.IMPLICIT_TLS;
import static org.mailintegrator.core.Security.NONE;
import static org.mailintegrator.core.Security.STARTTLS;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mailintegrator.core.DiscoveredHosts;
import org.mailintegrator.core.Endpoint;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.PreferencePolicy;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Provenance;

/** The policy still decides the order: discovered servers are offered to it. */
class DiscoveredPoliciesTest {
    private static final Provenance ISPDB = Provenance.of(Provenance.Kind.ISPDB, "ISPDB snapshot", true);
    private final MailAccount account = MailAccount.builder("alice@gmail.com").password("pw").build();
    private final DiscoveredHosts gmail = DiscoveredHosts.builder("gmail.com")
            .add(Endpoint.of(ProtocolCandidate.of(IMAP, IMPLICIT_TLS, "imap.gmail.com", 993), ISPDB))
            .add(Endpoint.of(ProtocolCandidate.of(POP3, IMPLICIT_TLS, "pop.gmail.com", 995), ISPDB))
            .add(Endpoint.of(ProtocolCandidate.of(IMAP, STARTTLS, "imap.gmail.com", 1143), ISPDB))
            .build();

    @Test
    void blackBerrysOrderAppliesToWhatWasDiscovered() {
        assertThat(Policies.blackBerry().candidates(account, gmail)).containsExactly(
                ProtocolCandidate.of(IMAP, IMPLICIT_TLS, "imap.gmail.com", 993),
                ProtocolCandidate.of(POP3, IMPLICIT_TLS, "pop.gmail.com", 995),
                ProtocolCandidate.of(IMAP, NONE, "imap.gmail.com", 1143),   // the STARTTLS server's port
                ProtocolCandidate.of(POP3, NONE, "pop.gmail.com", 110));
    }

    /**
     * RFC 6186's {@code _imap} and {@code _pop3} records name the server for cleartext and STARTTLS alike: a
     * cleartext step goes to the port (and host) such a record names, not to 143 or 110, which no record named.
     */
    @Test
    void aCleartextStepTakesThePortOfADiscoveredServiceThatCoversCleartext() {
        Provenance imap = Provenance.of(Provenance.Kind.SRV, "_imap._tcp.example.com", false);
        Provenance pop3 = Provenance.of(Provenance.Kind.SRV, "_pop3._tcp.example.com", false);
        MailAccount alice = MailAccount.builder("alice@example.com").password("pw").build();
        DiscoveredHosts srv = DiscoveredHosts.builder("example.com")
                .add(Endpoint.of(ProtocolCandidate.of(IMAP, IMPLICIT_TLS, "mail.example.com", 10993),
                        Provenance.of(Provenance.Kind.SRV, "_imaps._tcp.example.com", false)))
                .add(Endpoint.of(ProtocolCandidate.of(IMAP, STARTTLS, "imap.example.com", 10143), imap))
                .add(Endpoint.of(ProtocolCandidate.of(POP3, STARTTLS, "pop.example.com", 10110), pop3))
                .build();

        assertThat(Policies.blackBerry().candidates(alice, srv)).containsExactly(
                ProtocolCandidate.of(IMAP, IMPLICIT_TLS, "mail.example.com", 10993),
                ProtocolCandidate.of(POP3, IMPLICIT_TLS, "pop.example.com", 995),
                ProtocolCandidate.of(IMAP, NONE, "imap.example.com", 10143),
                ProtocolCandidate.of(POP3, NONE, "pop.example.com", 10110));
        assertThat(Policies.popOnly().candidates(alice, srv)).containsExactly(
                ProtocolCandidate.of(POP3, IMPLICIT_TLS, "pop.example.com", 995),
                ProtocolCandidate.of(POP3, NONE, "pop.example.com", 10110));
    }

    @Test
    void aCleartextServerDiscoveredAsSuchIsTakenBeforeAStartTlsOne() {
        Provenance autoconfig = Provenance.of(Provenance.Kind.AUTOCONFIG, "https://autoconfig.example.com/", true);
        MailAccount alice = MailAccount.builder("alice@example.com").password("pw").build();
        DiscoveredHosts found = DiscoveredHosts.builder("example.com")
                .add(Endpoint.of(ProtocolCandidate.of(IMAP, STARTTLS, "imap.example.com", 10143), autoconfig))
                .add(Endpoint.of(ProtocolCandidate.of(IMAP, NONE, "plain.example.com", 20143), autoconfig))
                .build();

        assertThat(Policies.blackBerry().candidates(alice, found))
                .contains(ProtocolCandidate.of(IMAP, NONE, "plain.example.com", 20143));
    }

    @Test
    void aCleartextStepKeepsItsPortWhenDiscoveryNamedNoServiceThatCoversCleartext() {
        MailAccount alice = MailAccount.builder("alice@example.com").password("pw").build();
        DiscoveredHosts tlsOnly = DiscoveredHosts.builder("example.com")
                .add(Endpoint.of(ProtocolCandidate.of(IMAP, IMPLICIT_TLS, "mail.example.com", 10993),
                        Provenance.of(Provenance.Kind.SRV, "_imaps._tcp.example.com", false)))
                .build();

        assertThat(Policies.blackBerry().candidates(alice, tlsOnly)).containsExactly(
                ProtocolCandidate.of(IMAP, IMPLICIT_TLS, "mail.example.com", 10993),
                ProtocolCandidate.of(POP3, IMPLICIT_TLS, "example.com", 995),
                ProtocolCandidate.of(IMAP, NONE, "mail.example.com", 143),
                ProtocolCandidate.of(POP3, NONE, "example.com", 110));
    }

    @Test
    void aStepMeetsTheDiscoveredServerWithItsOwnPort() {
        assertThat(Policies.secure().candidates(account, gmail)).contains(
                ProtocolCandidate.of(IMAP, STARTTLS, "imap.gmail.com", 1143));
    }

    @Test
    void discoveredTakesTheServersAsTheyWereFound() {
        assertThat(Policies.discovered().candidates(account, gmail))
                .isEqualTo(gmail.endpoints().stream().map(Endpoint::candidate).toList());
        assertThat(Policies.discovered().candidates(account, DiscoveredHosts.none("gmail.com")))
                .isEqualTo(Policies.secure().candidates(account));
    }

    @Test
    void aLambdaPolicyWrittenForTheAccountsHostsUsesWhatWasFoundUnchanged() {
        PreferencePolicy imapOnly = a -> List.of(ProtocolCandidate.of(IMAP, IMPLICIT_TLS, a.host(IMAP), 993));

        assertThat(imapOnly.candidates(account, gmail))
                .containsExactly(ProtocolCandidate.of(IMAP, IMPLICIT_TLS, "imap.gmail.com", 993));
    }

    @Test
    void hostsTheCallerGaveStay() {
        MailAccount given = account.toBuilder().host(POP3, "pop.example.net").build();

        assertThat(Policies.blackBerry().candidates(given, gmail)).extracting(ProtocolCandidate::host)
                .containsExactly("imap.gmail.com", "pop.example.net", "imap.gmail.com", "pop.example.net");
    }
}
