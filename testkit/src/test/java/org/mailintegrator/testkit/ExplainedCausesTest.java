package org.mailintegrator.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailintegrator.testkit.MailIntegratorAssertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mailintegrator.core.DiscoveredHosts;
import org.mailintegrator.core.Endpoint;
import org.mailintegrator.core.Explanation;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.PreferencePolicy;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Provenance;
import org.mailintegrator.core.Security;
import org.mailintegrator.core.spi.HostDiscovery;

/**
 * {@link IntegrationResult#explain()} on the real engine and real servers, for the ends whose outcome alone does not
 * tell the cause: a server without STARTTLS is not a certificate problem, an untrusted certificate is, and each
 * candidate that was never contacted says why and what would change it. Checked whole, as a help desk would send it.
 */
@Timeout(value = 30, threadMode = ThreadMode.SEPARATE_THREAD)
class ExplainedCausesTest {
    private static final String ADDRESS = "alice@example.com";
    private static final String PASSWORD = "correct-horse-battery";

    @RegisterExtension
    static final MailServerExtension server = MailServerExtension.with(
            MailServerFixture.builder().user(ADDRESS, PASSWORD));

    private static ProtocolCandidate candidate(Service service, Security security) {
        return ProtocolCandidate.of(service.protocol(), security, server.get().host(), server.get().port(service));
    }

    private static String at(Service service) {
        return server.get().host() + ":" + server.get().port(service);
    }

    private static Integrator.Builder integrator(SSLContext trust, ProtocolCandidate... candidates) {
        return Integrator.builder().policy(account -> List.of(candidates)).sslContext(trust)
                .connectTimeout(Duration.ofSeconds(2)).readTimeout(Duration.ofSeconds(2));
    }

    @ParameterizedTest
    @EnumSource(value = Service.class, names = {"IMAP", "POP3"})
    void aServerWithoutStartTlsIsToldSoAndNotAsACertificateProblem(Service plain) {
        server.get().startTls(plain, StartTls.NOT_OFFERED);

        IntegrationResult result = integrator(server.get().clientSslContext(), candidate(plain, Security.STARTTLS))
                .build().integrate(server.get().account(ADDRESS));

        assertThat(result.attempts().get(0)).hasOutcome(Outcome.TLS_FAILED);
        assertThat(result.explanation().entries().get(0).cause()).isEqualTo(Explanation.Cause.STARTTLS_NOT_OFFERED);
        assertThat(result.explain()).isEqualTo(ADDRESS + " could not be set up: the one way to reach the mailbox did "
                + "not work.\n"
                + plain.protocol() + " with STARTTLS (" + at(plain) + "): the server does not offer the upgrade to TLS "
                + "(STARTTLS or STLS), or refused it, so the credentials were not sent.\n"
                + "What can be done:\n"
                + "- The administrator enables STARTTLS for " + plain.protocol() + " on " + server.get().host()
                + " (or the policy tries " + plain.protocol() + " over TLS from the first byte).");
        assertThat(result.explain()).doesNotContain("certificate");
    }

    @Test
    void aRefusedStartTlsIsToldAsTheUpgradeToo() {
        server.get().startTls(Service.IMAP, StartTls.REFUSED);

        IntegrationResult result = integrator(server.get().clientSslContext(),
                candidate(Service.IMAP, Security.STARTTLS)).build().integrate(server.get().account(ADDRESS));

        assertThat(result.explanation().entries().get(0).cause()).isEqualTo(Explanation.Cause.STARTTLS_NOT_OFFERED);
        assertThat(result.explain()).doesNotContain("certificate");
    }

    @Test
    void anUntrustedCertificateIsToldAsOne() {
        SSLContext otherAuthority = TestCertificates.forHosts("127.0.0.1").clientSslContext();

        IntegrationResult result = integrator(otherAuthority, candidate(Service.IMAPS, Security.IMPLICIT_TLS))
                .build().integrate(server.get().account(ADDRESS));

        assertThat(result.attempts().get(0)).hasOutcome(Outcome.TLS_FAILED);
        assertThat(result.explanation().entries().get(0).cause()).isEqualTo(Explanation.Cause.TLS_NOT_TRUSTED);
        assertThat(result.explain()).isEqualTo(ADDRESS + " could not be set up: the one way to reach the mailbox did "
                + "not work.\n"
                + "IMAP over TLS (" + at(Service.IMAPS) + "): the server's certificate is not trusted (an unknown "
                + "authority, expired or not yet valid, or issued for another name).\n"
                + "What can be done:\n"
                + "- The administrator installs a certificate for " + server.get().host() + " from a trusted authority "
                + "(or the application trusts the administrator's own authority through Integrator.Builder.sslContext).");
    }

    @Test
    void implicitTlsOnACleartextPortIsAFailedHandshakeNotACertificate() {
        IntegrationResult result = integrator(server.get().clientSslContext(),
                candidate(Service.IMAP, Security.IMPLICIT_TLS)).build().integrate(server.get().account(ADDRESS));

        assertThat(result.attempts().get(0)).hasOutcome(Outcome.TLS_FAILED);
        assertThat(result.explanation().entries().get(0).cause()).isEqualTo(Explanation.Cause.TLS_HANDSHAKE_FAILED);
        assertThat(result.explain()).contains("the TLS handshake failed", "speaks TLS on port "
                + server.get().port(Service.IMAP)).doesNotContain("certificate");
    }

    @Test
    void aCandidateBelowTheMinimumSecurityIsSkippedWithThatReason() {
        ProtocolCandidate cleartext = candidate(Service.IMAP, Security.NONE);
        ProtocolCandidate imaps = candidate(Service.IMAPS, Security.IMPLICIT_TLS);

        IntegrationResult result = integrator(server.get().clientSslContext(), cleartext, imaps)
                .minimumSecurity(Security.STARTTLS).build().integrate(server.get().account(ADDRESS));

        assertThat(result).hasSelected(imaps);
        assertThat(result.attempts().get(0)).hasOutcome(Outcome.SKIPPED);
        assertThat(result.explanation().entries().get(0).cause()).isEqualTo(Explanation.Cause.BELOW_MINIMUM_SECURITY);
        assertThat(result.explain()).isEqualTo(ADDRESS + " is set up with IMAP over TLS (" + at(Service.IMAPS) + ").\n"
                + "IMAP without TLS (" + at(Service.IMAP) + ") was not used: it was never contacted: its security is "
                + "below the minimum the application set.\n"
                + "What can be done:\n"
                + "- The administrator offers IMAP over TLS on " + server.get().host() + "; a lower minimum security "
                + "(Integrator.Builder.minimumSecurity) would let the credentials go with less protection.");
    }

    @Test
    void aDiscoveredHostThatIsNotApprovedIsSkippedAndTheRemedyNamesApproveHosts() {
        Provenance mx = Provenance.of(Provenance.Kind.MX, "MX example.com -> mx.provider.test", false);
        ProtocolCandidate elsewhere = ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS,
                "imap.provider.test", server.get().port(Service.IMAPS));
        HostDiscovery viaMx = (account, context) -> DiscoveredHosts.builder(account.domain())
                .add(Endpoint.of(elsewhere, mx)).build();
        PreferencePolicy discovered = new PreferencePolicy() {
            @Override
            public List<ProtocolCandidate> candidates(MailAccount account) {
                return List.of(elsewhere);
            }

            @Override
            public List<ProtocolCandidate> candidates(MailAccount account, DiscoveredHosts found) {
                return found.endpoints().stream().map(Endpoint::candidate).toList();
            }
        };

        IntegrationResult result = Integrator.builder().policy(discovered).discovery(viaMx)
                .resolver(host -> List.of(InetAddress.getLoopbackAddress()))
                .sslContext(server.get().clientSslContext()).build()
                .integrate(MailAccount.builder(ADDRESS).password(PASSWORD).build());

        assertThat(result.attempts().get(0)).hasOutcome(Outcome.SKIPPED);
        assertThat(result.attempts().get(0).provenance()).contains(mx);
        assertThat(result.explanation().entries().get(0).cause()).isEqualTo(Explanation.Cause.HOST_NOT_APPROVED);
        assertThat(result.explain()).isEqualTo(ADDRESS + " could not be set up: the one way to reach the mailbox did "
                + "not work.\n"
                + "IMAP over TLS (imap.provider.test:" + server.get().port(Service.IMAPS) + "): it was never contacted: "
                + "discovery found its host outside the address's domain, and the application did not approve that "
                + "host for the credentials.\n"
                + "What can be done:\n"
                + "- If imap.provider.test really serves this address, the application approves it for the "
                + "credentials (Integrator.Builder.approveHosts) and integrates again.");
    }

    @Test
    void anAccountWithoutAnAccessTokenSaysSo() {
        MailAccount account = MailAccount.builder(ADDRESS).accessTokenSource(() -> {
            throw new IOException("the user signed out");
        }).build();

        IntegrationResult result = integrator(server.get().clientSslContext(),
                candidate(Service.IMAPS, Security.IMPLICIT_TLS)).build().integrate(account);

        assertThat(result.attempts().get(0)).hasOutcome(Outcome.SKIPPED);
        assertThat(result.explanation().entries().get(0).cause()).isEqualTo(Explanation.Cause.NO_ACCESS_TOKEN);
        assertThat(result.explain()).contains("the application's access token source gave no token",
                "The application checks its access token source");
    }
}
