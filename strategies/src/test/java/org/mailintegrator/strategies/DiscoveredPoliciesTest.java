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
                ProtocolCandidate.of(IMAP, NONE, "imap.gmail.com", 143),
                ProtocolCandidate.of(POP3, NONE, "pop.gmail.com", 110));
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
