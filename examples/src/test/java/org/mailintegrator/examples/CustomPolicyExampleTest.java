package org.mailintegrator.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailintegrator.core.MailProtocol.IMAP;
import static org.mailintegrator.core.MailProtocol.POP3;
import static org.mailintegrator.core.Security.IMPLICIT_TLS;
import static org.mailintegrator.core.Security.STARTTLS;
import static org.mailintegrator.testkit.MailIntegratorAssertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.testkit.MailServerFixture;
import org.mailintegrator.testkit.Service;
import org.mailintegrator.testkit.StartTls;

/** {@link CustomPolicyExample} does what its comments claim. */
class CustomPolicyExampleTest {

    @Test
    void policyListsImapOverTlsThenImapWithStartTlsOnTheImapHost() {
        MailAccount account = MailAccount.builder("bob@example.com").password("secret")
                .host(POP3, "pop.example.com").host(IMAP, "imap.example.com").build();

        assertThat(CustomPolicyExample.IMAP_ONLY_SECURE.candidates(account)).containsExactly(
                ProtocolCandidate.of(IMAP, IMPLICIT_TLS, "imap.example.com", 993),
                ProtocolCandidate.of(IMAP, STARTTLS, "imap.example.com", 143));
    }

    @Test
    void exampleSelectsImapOverTlsAndPrintsTheResult() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        IntegrationResult result = CustomPolicyExample.run(new PrintStream(out, true, StandardCharsets.UTF_8));

        assertThat(result.selected()).hasValueSatisfying(selected -> {
            assertThat(selected.protocol()).isEqualTo(IMAP);
            assertThat(selected.security()).isEqualTo(IMPLICIT_TLS);
        });
        assertThat(result).hasOutcomesThenNotNeeded(Outcome.AUTHENTICATED);
        assertThat(out.toString(StandardCharsets.UTF_8))
                .startsWith("bob@example.com: integrated with IMAP/IMPLICIT_TLS 127.0.0.1:")
                .contains("IMAP/STARTTLS").containsPattern("NOT_TRIED|SUPERSEDED");
    }

    @Test
    void withoutImapOverTlsThePolicyUpgradesWithStartTls() {
        try (MailServerFixture server = MailServerFixture.builder().user("bob@example.com", "secret")
                .stopped(Service.IMAPS).start()) {
            Integrator integrator = Integrator.builder()
                    .policy(server.route(CustomPolicyExample.IMAP_ONLY_SECURE))
                    .sslContext(server.clientSslContext())
                    .build();

            IntegrationResult result = integrator.integrate(server.account("bob@example.com"));

            assertThat(result).hasOutcomes(Outcome.REFUSED, Outcome.AUTHENTICATED);
            assertThat(server.receivedInCleartext("secret")).isFalse();
        }
    }

    @Test
    void whenStartTlsIsStrippedThePolicyNeverFallsBackToCleartext() {
        try (MailServerFixture server = MailServerFixture.builder().user("bob@example.com", "secret")
                .stopped(Service.IMAPS).startTls(StartTls.NOT_OFFERED).start()) {
            Integrator integrator = Integrator.builder()
                    .policy(server.route(CustomPolicyExample.IMAP_ONLY_SECURE))
                    .sslContext(server.clientSslContext())
                    .build();

            IntegrationResult result = integrator.integrate(server.account("bob@example.com"));

            assertThat(result).isNotIntegrated();
            assertThat(result).hasOutcomes(Outcome.REFUSED, Outcome.TLS_FAILED);
            assertThat(server.receivedInCleartext("secret")).isFalse();
            assertThat(result.attempts().get(1).detail()).contains("credentials were not sent");
        }
    }
}
