package org.mailintegrator.strategies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailintegrator.core.MailProtocol.IMAP;
import static org.mailintegrator.core.MailProtocol.SMTP;
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

/** Where an account sends mail (RFC 8314's order), and the incoming policies that never list SMTP. */
class SubmissionPolicyTest {
    private static final Provenance ISPDB = Provenance.of(Provenance.Kind.ISPDB, "ISPDB snapshot", true);
    private final MailAccount account = MailAccount.builder("alice@Example.com").password("pw").build();

    @Test
    void submissionIsImplicitTls465ThenStartTls587OnTheAccountsHost() {
        assertThat(Policies.submission().candidates(account)).containsExactly(
                ProtocolCandidate.of(SMTP, IMPLICIT_TLS, "example.com", 465),
                ProtocolCandidate.of(SMTP, STARTTLS, "example.com", 587));
    }

    @Test
    void submissionGoesToTheSmtpHostTheCallerGave() {
        MailAccount withSmtpHost = account.toBuilder().host("mail.example.com")
                .host(SMTP, "smtp.example.com").build();

        assertThat(Policies.submission().candidates(withSmtpHost)).extracting(ProtocolCandidate::host)
                .containsOnly("smtp.example.com");
        assertThat(Policies.submission().candidates(account.toBuilder().host("mail.example.com").build()))
                .as("without an SMTP host, the account's host, as the incoming policies do")
                .extracting(ProtocolCandidate::host).containsOnly("mail.example.com");
    }

    @Test
    void withDiscoveryTheSmtpServersFoundComeInDiscoverysOrderThenTheStandardPortsOnTheDomain() {
        Provenance srv = Provenance.of(Provenance.Kind.SRV, "_submission._tcp.example.com", false);
        DiscoveredHosts found = DiscoveredHosts.builder("example.com")
                .add(Endpoint.of(ProtocolCandidate.of(IMAP, IMPLICIT_TLS, "imap.example.com", 993), ISPDB))
                .add(Endpoint.of(ProtocolCandidate.of(SMTP, STARTTLS, "smtp.provider.example", 2587), srv))
                .add(Endpoint.of(ProtocolCandidate.of(SMTP, NONE, "plain.provider.example", 587), ISPDB))
                .add(Endpoint.of(ProtocolCandidate.of(SMTP, STARTTLS, "relay.provider.example", 25), ISPDB))
                .add(Endpoint.of(ProtocolCandidate.of(SMTP, IMPLICIT_TLS, "example.com", 465), ISPDB))
                .build();

        assertThat(Policies.submission().candidates(account, found)).containsExactly(
                ProtocolCandidate.of(SMTP, STARTTLS, "smtp.provider.example", 2587),
                ProtocolCandidate.of(SMTP, STARTTLS, "plain.provider.example", 587),
                ProtocolCandidate.of(SMTP, IMPLICIT_TLS, "example.com", 465),
                ProtocolCandidate.of(SMTP, STARTTLS, "example.com", 587));
        assertThat(Policies.submission().candidates(account, DiscoveredHosts.none("example.com")))
                .isEqualTo(Policies.submission().candidates(account));
    }

    @Test
    void withDiscoveryTheSmtpHostTheCallerGaveComesFirst() {
        MailAccount withSmtpHost = account.toBuilder().host(SMTP, "smtp.example.com").build();
        DiscoveredHosts found = DiscoveredHosts.builder("example.com")
                .add(Endpoint.of(ProtocolCandidate.of(SMTP, IMPLICIT_TLS, "smtp.provider.example", 465), ISPDB))
                .build();

        assertThat(Policies.submission().candidates(withSmtpHost, found)).containsExactly(
                ProtocolCandidate.of(SMTP, IMPLICIT_TLS, "smtp.example.com", 465),
                ProtocolCandidate.of(SMTP, STARTTLS, "smtp.example.com", 587),
                ProtocolCandidate.of(SMTP, IMPLICIT_TLS, "smtp.provider.example", 465));
    }

    @Test
    void theIncomingPoliciesNeverListSmtpEvenWhenDiscoveryFoundIt() {
        DiscoveredHosts found = DiscoveredHosts.builder("example.com")
                .add(Endpoint.of(ProtocolCandidate.of(IMAP, IMPLICIT_TLS, "imap.example.com", 993),
                        ISPDB))
                .add(Endpoint.of(ProtocolCandidate.of(SMTP, IMPLICIT_TLS, "smtp.example.com", 465),
                        ISPDB))
                .build();
        DiscoveredHosts onlyOutgoing = DiscoveredHosts.builder("example.com")
                .add(Endpoint.of(ProtocolCandidate.of(SMTP, STARTTLS, "smtp.example.com", 587),
                        ISPDB))
                .build();

        for (PreferencePolicy policy : List.of(Policies.blackBerry(), Policies.secure(), Policies.popOnly(),
                Policies.discovered(), Policies.ordered().then(IMAP, IMPLICIT_TLS, 993).build())) {
            for (DiscoveredHosts discovered : List.of(found, onlyOutgoing, DiscoveredHosts.none("example.com"))) {
                assertThat(policy.candidates(account, discovered)).as("%s with %s", policy, discovered)
                        .isNotEmpty().allMatch(candidate -> candidate.protocol().isIncoming());
            }
            assertThat(policy.candidates(account)).allMatch(candidate -> candidate.protocol().isIncoming());
        }
    }
}
