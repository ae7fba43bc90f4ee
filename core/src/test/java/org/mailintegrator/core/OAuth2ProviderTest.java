package org.mailintegrator.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The OAuth2 provider value, the ways of signing in on an endpoint, and the provider on what discovery found. */
class OAuth2ProviderTest {
    private static final URI AUTHORIZE = URI.create("https://login.example.com/oauth2/authorize");
    private static final URI TOKEN = URI.create("https://login.example.com/oauth2/token");
    private static final ProtocolCandidate IMAPS =
            ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS, "imap.example.com", 993);
    private static final Provenance ISPDB = Provenance.of(Provenance.Kind.ISPDB, "ISPDB snapshot of 2026-03-12",
            true);

    private static OAuth2Provider provider(String... scopes) {
        return OAuth2Provider.of("login.example.com", List.of(scopes), AUTHORIZE, TOKEN);
    }

    @Test
    void isAValueWithReadableText() {
        OAuth2Provider provider = provider("https://mail.example.com/", "offline_access");

        assertThat(provider).isEqualTo(provider("https://mail.example.com/", "offline_access"))
                .hasSameHashCodeAs(provider("https://mail.example.com/", "offline_access"))
                .isNotEqualTo(provider("offline_access", "https://mail.example.com/"))
                .isNotEqualTo(OAuth2Provider.of("login.example.com", provider.scopes(), AUTHORIZE, AUTHORIZE));
        assertThat(provider.issuer()).isEqualTo("login.example.com");
        assertThat(provider.scopes()).containsExactly("https://mail.example.com/", "offline_access");
        assertThat(provider.scope()).isEqualTo("https://mail.example.com/ offline_access");
        assertThat(provider.authorizationUri()).isEqualTo(AUTHORIZE);
        assertThat(provider.tokenUri()).isEqualTo(TOKEN);
        assertThat(provider).hasToString("OAuth2 at login.example.com, scopes [https://mail.example.com/, "
                + "offline_access], authorization https://login.example.com/oauth2/authorize, token "
                + "https://login.example.com/oauth2/token");
    }

    @Test
    void theScopesAreCopied() {
        List<String> scopes = new ArrayList<>(List.of("mail"));
        OAuth2Provider provider = OAuth2Provider.of("login.example.com", scopes, AUTHORIZE, TOKEN);
        scopes.add("more");

        assertThat(provider.scopes()).containsExactly("mail");
        assertThatThrownBy(() -> provider.scopes().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "login example.com", "login.example.com\r\n"})
    void rejectsABlankOrUnsafeIssuer(String issuer) {
        assertThatThrownBy(() -> OAuth2Provider.of(issuer, List.of("mail"), AUTHORIZE, TOKEN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("issuer");
    }

    @Test
    void rejectsScopesThatAreMissingRepeatedOrNotScopeTokens() {
        assertThatThrownBy(() -> provider()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("scopes must name at least one scope");
        assertThatThrownBy(() -> provider("mail", "mail")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("scopes name \"mail\" twice");
        assertThatThrownBy(() -> provider("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a scope must not be empty");
        for (String bad : List.of("two scopes", "quote\"d", "back\\slash", "caf\u00e9", "line\n")) {
            assertThatThrownBy(() -> provider(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("OAuth2 scope token");
        }
        assertThatThrownBy(() -> OAuth2Provider.of("login.example.com", Arrays.asList("mail", null), AUTHORIZE,
                TOKEN)).isInstanceOf(NullPointerException.class).hasMessage("a scope in scopes");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://login.example.com/authorize", "/authorize", "ftp://login.example.com/a",
            "https:opaque", "https://user@login.example.com/authorize", "https://login.example.com/a#fragment"})
    void rejectsEndpointsThatAreNotPlainHttpsUrls(String uri) {
        assertThatThrownBy(() -> OAuth2Provider.of("login.example.com", List.of("mail"), URI.create(uri), TOKEN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("authorizationUri must");
        assertThatThrownBy(() -> OAuth2Provider.of("login.example.com", List.of("mail"), AUTHORIZE, URI.create(uri)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("tokenUri must");
    }

    @Test
    void rejectsNulls() {
        assertThatThrownBy(() -> OAuth2Provider.of(null, List.of("mail"), AUTHORIZE, TOKEN))
                .isInstanceOf(NullPointerException.class).hasMessage("issuer");
        assertThatThrownBy(() -> OAuth2Provider.of("i", null, AUTHORIZE, TOKEN))
                .isInstanceOf(NullPointerException.class).hasMessage("scopes");
        assertThatThrownBy(() -> OAuth2Provider.of("i", List.of("mail"), null, TOKEN))
                .isInstanceOf(NullPointerException.class).hasMessage("authorizationUri");
        assertThatThrownBy(() -> OAuth2Provider.of("i", List.of("mail"), AUTHORIZE, null))
                .isInstanceOf(NullPointerException.class).hasMessage("tokenUri");
    }

    @Test
    void anEndpointWithoutWaysOfSigningInMeansAnyMayWork() {
        Endpoint unknown = Endpoint.of(IMAPS, ISPDB);

        assertThat(unknown.authentication()).isEmpty();
        assertThat(unknown.isOAuth2Only()).isFalse();
        assertThat(unknown).isEqualTo(Endpoint.of(IMAPS, ISPDB, Set.of()))
                .hasToString("IMAP/IMPLICIT_TLS imap.example.com:993 from ISPDB ISPDB snapshot of 2026-03-12 (trusted)");
    }

    @Test
    void anEndpointKnowsWhetherItTakesOAuth2Only() {
        Endpoint oauth2Only = Endpoint.of(IMAPS, ISPDB, Set.of(Authentication.OAUTH2));
        Endpoint both = Endpoint.of(IMAPS, ISPDB, Set.of(Authentication.OAUTH2, Authentication.PASSWORD));
        Endpoint password = Endpoint.of(IMAPS, ISPDB, Set.of(Authentication.PASSWORD));

        assertThat(oauth2Only.isOAuth2Only()).isTrue();
        assertThat(both.isOAuth2Only()).isFalse();
        assertThat(password.isOAuth2Only()).isFalse();
        assertThat(oauth2Only).isNotEqualTo(both).isNotEqualTo(Endpoint.of(IMAPS, ISPDB));
        assertThat(both.authentication()).containsExactly(Authentication.PASSWORD, Authentication.OAUTH2);
        assertThat(both).hasSameHashCodeAs(Endpoint.of(IMAPS, ISPDB, Set.of(Authentication.PASSWORD,
                Authentication.OAUTH2)));
        assertThat(oauth2Only.toString()).endsWith("(trusted), signs in with [OAUTH2]");
        assertThatThrownBy(() -> both.authentication().add(Authentication.PASSWORD))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> Endpoint.of(IMAPS, ISPDB, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("authentication");
    }

    @Test
    void discoveredHostsCarryTheProviderAndWhereItCameFrom() {
        OAuth2Provider provider = provider("mail");
        DiscoveredHosts found = DiscoveredHosts.builder("example.com").note("ISPDB: example.com is known")
                .add(Endpoint.of(IMAPS, ISPDB, Set.of(Authentication.OAUTH2))).oauth2(provider, ISPDB).build();

        assertThat(found.oauth2()).contains(provider);
        assertThat(found.oauth2Provenance()).contains(ISPDB);
        assertThat(found.notes()).containsExactly("ISPDB: example.com is known",
                "the provider signs in with " + provider + " (from " + ISPDB + ")");
        assertThat(found.toString()).contains(", " + provider + " (from " + ISPDB + ")");
        assertThat(DiscoveredHosts.none("example.com").oauth2()).isEmpty();
        assertThat(DiscoveredHosts.none("example.com").oauth2Provenance()).isEmpty();
        assertThat(DiscoveredHosts.none("example.com").notes()).isEmpty();
        assertThatThrownBy(() -> DiscoveredHosts.builder("example.com").oauth2(null, ISPDB))
                .isInstanceOf(NullPointerException.class).hasMessage("provider");
        assertThatThrownBy(() -> DiscoveredHosts.builder("example.com").oauth2(provider, null))
                .isInstanceOf(NullPointerException.class).hasMessage("provenance");
    }
}
