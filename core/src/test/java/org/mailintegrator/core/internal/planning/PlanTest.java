package org.mailintegrator.core.internal.planning;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.Authentication;
import org.mailintegrator.core.DiscoveredHosts;
import org.mailintegrator.core.Endpoint;
import org.mailintegrator.core.Explanation;
import org.mailintegrator.core.HostApproval;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.OAuth2Provider;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Provenance;
import org.mailintegrator.core.Security;

/**
 * How the plan treats servers that discovery says take OAuth2 only (a password is held back, a token is not), the
 * cause each skipped route carries, and where each route's endpoint came from.
 */
class PlanTest {
    private static final MailAccount ACCOUNT = MailAccount.builder("alice@example.com").password("pw").build();
    private static final Provenance AUTOCONFIG = Provenance.of(Provenance.Kind.AUTOCONFIG,
            "https://autoconfig.example.com/mail/config-v1.1.xml", true);
    private static final ProtocolCandidate IMAPS = candidate(MailProtocol.IMAP, Security.IMPLICIT_TLS, 993);
    private static final ProtocolCandidate POP3S = candidate(MailProtocol.POP3, Security.IMPLICIT_TLS, 995);
    private static final ProtocolCandidate IMAP_STARTTLS = candidate(MailProtocol.IMAP, Security.STARTTLS, 143);
    private static final ProtocolCandidate IMAP_PLAIN = candidate(MailProtocol.IMAP, Security.NONE, 143);
    private static final OAuth2Provider PROVIDER = OAuth2Provider.of("login.example.com", List.of("mail"),
            URI.create("https://login.example.com/authorize"), URI.create("https://login.example.com/token"));

    private static ProtocolCandidate candidate(MailProtocol protocol, Security security, int port) {
        return ProtocolCandidate.of(protocol, security, "mail.example.com", port);
    }

    private static CredentialRelease release(DiscoveredHosts.Builder found) {
        return CredentialRelease.discovered(ACCOUNT, found.build(), HostApproval.NONE);
    }

    private static DiscoveredHosts.Builder found() {
        return DiscoveredHosts.builder("example.com")
                .add(Endpoint.of(IMAPS, AUTOCONFIG, Set.of(Authentication.OAUTH2)))
                .add(Endpoint.of(POP3S, AUTOCONFIG, Set.of(Authentication.OAUTH2, Authentication.PASSWORD)))
                .add(Endpoint.of(IMAP_PLAIN, AUTOCONFIG, Set.of(Authentication.OAUTH2)));
    }

    @Test
    void aPasswordIsHeldBackFromAServerThatTakesOAuth2Only() {
        List<Route> routes = Plan.routes(List.of(IMAPS, POP3S, IMAP_STARTTLS), Security.STARTTLS,
                release(found().oauth2(PROVIDER, AUTOCONFIG)), false);

        assertThat(routes.get(0).skippedAs()).isEqualTo(Outcome.OAUTH_REQUIRED);
        assertThat(routes.get(0).skipped()).hasValue("Not tried: mail.example.com:993 signs in with OAuth2 only, "
                + "according to AUTOCONFIG https://autoconfig.example.com/mail/config-v1.1.xml (trusted), so no "
                + "connection was made and the password was not sent. Sign the user in with OAuth2 at "
                + "login.example.com (IntegrationResult.discovered().oauth2() has the scopes and URLs) and integrate "
                + "with an access token (MailAccount.Builder.accessToken).");
        assertThat(routes.get(0).provenance()).contains(AUTOCONFIG);
        assertThat(routes.get(1).skipped()).as("it takes a password too").isEmpty();
        assertThat(routes.get(2).skipped()).as("discovery said nothing about this candidate").isEmpty();
    }

    @Test
    void withoutProviderDataTheSentenceStillSaysWhatToDo() {
        Route route = Plan.routes(List.of(IMAPS), Security.STARTTLS, release(found()), false).get(0);

        assertThat(route.skippedAs()).isEqualTo(Outcome.OAUTH_REQUIRED);
        assertThat(route.skipped()).hasValueSatisfying(detail -> assertThat(detail)
                .contains("Sign the user in with OAuth2 and integrate with an access token")
                .doesNotContain("discovered().oauth2()"));
    }

    @Test
    void anAccessTokenIsNeverHeldBackOnWhatDiscoverySays() {
        DiscoveredHosts.Builder passwordOnly = DiscoveredHosts.builder("example.com")
                .add(Endpoint.of(POP3S, AUTOCONFIG, Set.of(Authentication.PASSWORD)));

        assertThat(Plan.routes(List.of(IMAPS, POP3S), Security.STARTTLS, release(found()), true))
                .allSatisfy(route -> assertThat(route.skipped()).isEmpty());
        assertThat(Plan.routes(List.of(POP3S), Security.STARTTLS, release(passwordOnly), true))
                .allSatisfy(route -> assertThat(route.skipped()).isEmpty());
    }

    @Test
    void theOtherReasonsToSkipComeFirst() {
        Route tooWeak = Plan.routes(List.of(IMAP_PLAIN), Security.STARTTLS, release(found()), false).get(0);

        assertThat(tooWeak.skippedAs()).isEqualTo(Outcome.SKIPPED);
        assertThat(tooWeak.skipped()).hasValueSatisfying(detail -> assertThat(detail).startsWith("Skipped: cleartext"));
    }

    @Test
    void withoutDiscoveryNothingIsHeldBack() {
        assertThat(Plan.routes(List.of(IMAPS), Security.STARTTLS)).singleElement().satisfies(route -> {
            assertThat(route.skipped()).isEmpty();
            assertThat(route.skippedAs()).isEqualTo(Outcome.SKIPPED);
        });
    }

    @Test
    void eachReasonToSkipCarriesItsCause() {
        Provenance mx = Provenance.of(Provenance.Kind.MX, "MX example.com -> mx.provider.test", false);
        ProtocolCandidate elsewhere = ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS,
                "imap.provider.test", 993);
        DiscoveredHosts.Builder discovered = found()
                .add(Endpoint.of(elsewhere, mx))
                .notOffered(MailProtocol.POP3, Security.IMPLICIT_TLS, "_pop3s._tcp.example.com says POP3 over TLS "
                        + "is not offered (SRV target \".\")");

        List<Route> routes = Plan.routes(List.of(IMAP_PLAIN, elsewhere, POP3S, IMAPS, IMAP_STARTTLS),
                Security.STARTTLS, release(discovered), false);

        assertThat(routes).extracting(route -> route.explainedAs().orElse(null)).containsExactly(
                Explanation.Cause.BELOW_MINIMUM_SECURITY, Explanation.Cause.HOST_NOT_APPROVED,
                Explanation.Cause.SERVICE_WITHDRAWN, Explanation.Cause.OAUTH_REQUIRED, null);
        assertThat(routes.get(1).skipped()).hasValueSatisfying(detail -> assertThat(detail).contains("approveHosts"));
        Attempt skipped = Attempt.of(elsewhere, Outcome.SKIPPED, Duration.ZERO, routes.get(1).skipped().get());
        assertThat(routes.get(1).explained(skipped).explainedAs()).contains(Explanation.Cause.HOST_NOT_APPROVED);
        assertThat(routes.get(4).explained(skipped)).as("a route that is not skipped adds nothing").isSameAs(skipped);
    }

    @Test
    void aProvenanceIsTheEndpointsNotTheHosts() {
        Provenance mx = Provenance.of(Provenance.Kind.MX, "MX example.com -> mx.provider.test", false);
        ProtocolCandidate named = ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS,
                "imap.provider.test", 993);
        ProtocolCandidate guessedPort = ProtocolCandidate.of(MailProtocol.IMAP, Security.STARTTLS,
                "imap.provider.test", 143);

        ProtocolCandidate pop3 = candidate(MailProtocol.POP3, Security.STARTTLS, 110);

        List<Route> routes = Plan.routes(List.of(IMAPS, pop3, named, guessedPort), Security.NONE,
                release(found().add(Endpoint.of(named, mx))), true);

        assertThat(routes).extracting(route -> route.provenance().orElse(null))
                .as("a port no source named has no provenance on it").containsExactly(AUTOCONFIG, null, mx, null);
        assertThat(routes.get(3).explainedAs()).as("whether credentials may go to a host is the host's")
                .contains(Explanation.Cause.HOST_NOT_APPROVED);
    }
}
