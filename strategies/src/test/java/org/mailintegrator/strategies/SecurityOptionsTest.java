package org.mailintegrator.strategies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailintegrator.core.MailProtocol.IMAP;
import static org.mailintegrator.core.MailProtocol.POP3;
import static org.mailintegrator.core.Security.IMPLICIT_TLS;

import static org.mailintegrator.core.Security.STARTTLS;
import static org.mailintegrator.testkit.MailIntegratorAssertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.PreferencePolicy;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.testkit.MailServerExtension;
import org.mailintegrator.testkit.MailServerFixture;
import org.mailintegrator.testkit.Service;
import org.mailintegrator.testkit.StartTls;

/** The secure policy, a minimum security on any policy, and stopping at the first rejected password. */
class SecurityOptionsTest {
    private static final String ADDRESS = "erin@example.test";
    private static final String PASSWORD = "Secure-Only-Pa55";

    @RegisterExtension
    static final MailServerExtension server =
            MailServerExtension.with(MailServerFixture.builder().user(ADDRESS, PASSWORD));

    @Test
    void securePolicyListsTlsAndRequiredStartTlsOnly() {
        MailAccount account = MailAccount.builder("a@example.com").password("pw").build();

        assertThat(Policies.secure().candidates(account)).containsExactly(
                ProtocolCandidate.of(IMAP, IMPLICIT_TLS, "example.com", 993),
                ProtocolCandidate.of(POP3, IMPLICIT_TLS, "example.com", 995),
                ProtocolCandidate.of(IMAP, STARTTLS, "example.com", 143),
                ProtocolCandidate.of(POP3, STARTTLS, "example.com", 110));
    }

    @Test
    void securePolicyUpgradesWithStartTlsWhenImplicitTlsIsStopped() {
        server.get().stop(Service.IMAPS);
        server.get().stop(Service.POP3S);

        IntegrationResult result = integrator(Policies.secure()).build().integrate(account(PASSWORD));

        assertThat(result).hasSelected(candidate(IMAP, STARTTLS, Service.IMAP));
        assertThat(server.get().receivedInCleartext(PASSWORD)).isFalse();
    }

    @Test
    void securePolicyNeverSendsThePasswordToAServerWithoutTls() {
        server.get().stop(Service.IMAPS);
        server.get().stop(Service.POP3S);
        server.get().startTls(Service.IMAP, StartTls.NOT_OFFERED);
        server.get().startTls(Service.POP3, StartTls.NOT_OFFERED);

        IntegrationResult result = integrator(Policies.secure()).build().integrate(account(PASSWORD));

        assertThat(result).isNotIntegrated();
        assertThat(result).hasOutcomes(Outcome.REFUSED, Outcome.REFUSED, Outcome.TLS_FAILED, Outcome.TLS_FAILED);
        assertThat(server.get().received()).noneMatch(command -> command.line().contains(PASSWORD));
    }

    @Test
    void aMinimumSecuritySkipsTheCleartextCandidatesOfAnyPolicy() {
        server.get().stop(Service.IMAPS);
        server.get().stop(Service.POP3S);

        IntegrationResult result = integrator(Policies.blackBerry()).minimumSecurity(STARTTLS).build()
                .integrate(account(PASSWORD));

        assertThat(result).isNotIntegrated();
        assertThat(result).hasOutcomes(Outcome.REFUSED, Outcome.REFUSED, Outcome.SKIPPED, Outcome.SKIPPED);
        assertThat(result.attempts().get(2).detail()).contains("cleartext", "minimum security", "no password");
        assertThat(server.get().received(Service.IMAP)).isEmpty();
        assertThat(server.get().received(Service.POP3)).isEmpty();
    }

    @Test
    void implicitTlsAsTheMinimumAlsoSkipsStartTls() {
        IntegrationResult result = integrator(Policies.secure()).minimumSecurity(IMPLICIT_TLS).build()
                .integrate(account(PASSWORD));

        assertThat(result).hasSelected(candidate(IMAP, IMPLICIT_TLS, Service.IMAPS));
        assertThat(result).hasOutcomesThenNotNeeded(Outcome.AUTHENTICATED, Outcome.NOT_TRIED.equals(
                result.attempts().get(1).outcome()) ? Outcome.NOT_TRIED : Outcome.SUPERSEDED, Outcome.SKIPPED,
                Outcome.SKIPPED);
    }

    @Test
    void stoppingAtTheFirstRejectionSendsAWrongPasswordOnce() {
        IntegrationResult result = integrator(Policies.blackBerry()).stopOnAuthFailure().stagger(Duration.ZERO)
                .build().integrate(account("not-the-password"));

        assertThat(result).as(result + "\n" + server.get().received())
                .hasOutcomes(Outcome.AUTH_FAILED, Outcome.NOT_TRIED, Outcome.NOT_TRIED, Outcome.NOT_TRIED);
        assertThat(result.attempts().get(1).detail()).contains("stops at the first rejection");
        long logins = server.get().received().stream()
                .filter(command -> command.line().toUpperCase().matches("(\\S+ LOGIN .*|PASS .*|USER .*)")).count();
        assertThat(logins).isEqualTo(1);
    }

    @Test
    void blackBerrysDefaultGoesOnAfterARejection() {
        IntegrationResult result = integrator(Policies.blackBerry()).build().integrate(account("not-the-password"));

        assertThat(result.attempts()).extracting(Attempt::outcome).containsOnly(Outcome.AUTH_FAILED);
    }

    private static Integrator.Builder integrator(PreferencePolicy policy) {
        return Integrator.builder().policy(server.get().route(policy)).sslContext(server.get().clientSslContext())
                .connectTimeout(Duration.ofSeconds(2)).readTimeout(Duration.ofSeconds(2));
    }

    private static MailAccount account(String password) {
        return MailAccount.builder(ADDRESS).password(password).host(server.get().host()).build();
    }

    private static ProtocolCandidate candidate(org.mailintegrator.core.MailProtocol protocol,
            org.mailintegrator.core.Security security, Service service) {
        return ProtocolCandidate.of(protocol, security, server.get().host(), server.get().port(service));
    }

}
