package org.mailintegrator.core;

import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * What an application needs to sign a user in with a mail provider's OAuth2 service, as discovery found it (the
 * {@code <oAuth2>} element of the provider's clientConfig document in Mozilla's ISPDB or its autoconfig): the
 * issuer, the scopes to ask for, and the authorisation and token endpoints. The library runs no sign-in flow; the
 * application runs one (authorisation code with PKCE, in a browser) with its own client registration at the
 * issuer, then integrates the account with the access token it gets
 * ({@link MailAccount.Builder#accessToken(String)}).
 *
 * <p>Where the data came from is {@link DiscoveredHosts#oauth2Provenance()}: open a sign-in page only from a
 * trusted source, or for an issuer the application knows.
 *
 * <p>An immutable value, equal to another when all four parts are equal; thread-safe.
 *
 * @param issuer who issues the tokens, as the discovery data names it, e.g. {@code accounts.google.com} or
 *     {@code login.microsoftonline.com}
 * @param scopes the scopes to ask for, in the order the discovery data gives them; never empty
 * @param authorizationUri the authorisation endpoint, where the user signs in (an {@code https} URL)
 * @param tokenUri the token endpoint, where the application exchanges the authorisation code (an {@code https} URL)
 */
public record OAuth2Provider(String issuer, List<String> scopes, URI authorizationUri, URI tokenUri) {
    /**
     * An OAuth2 provider; the scopes are copied.
     *
     * @throws NullPointerException if an argument or a scope is null
     * @throws IllegalArgumentException if the issuer is blank or holds white space or control characters, the
     *     scopes are empty, hold a duplicate or a character a scope token cannot have (RFC 6749, section 3.3:
     *     printable ASCII without space, {@code "} or {@code \}), or an endpoint is not an absolute {@code https}
     *     URL with a host, or has user information or a fragment
     */
    public OAuth2Provider {
        Validation.noControlCharacters(issuer, "issuer", false);
        if (issuer.isBlank()) {
            throw new IllegalArgumentException("issuer must not be blank");
        }
        if (issuer.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("issuer must not contain white space: \"" + issuer + "\"");
        }
        Objects.requireNonNull(scopes, "scopes");
        if (scopes.isEmpty()) {
            throw new IllegalArgumentException("scopes must name at least one scope");
        }
        Set<String> seen = new HashSet<>();
        for (String scope : scopes) {
            Objects.requireNonNull(scope, "a scope in scopes");
            checkScope(scope);
            if (!seen.add(scope)) {
                throw new IllegalArgumentException("scopes name \"" + scope + "\" twice");
            }
        }
        scopes = List.copyOf(scopes);
        endpoint(authorizationUri, "authorizationUri");
        endpoint(tokenUri, "tokenUri");
    }

    /**
     * An OAuth2 provider; the same as the constructor.
     *
     * @throws NullPointerException if an argument or a scope is null
     * @throws IllegalArgumentException as the constructor does
     */
    public static OAuth2Provider of(String issuer, List<String> scopes, URI authorizationUri, URI tokenUri) {
        return new OAuth2Provider(issuer, scopes, authorizationUri, tokenUri);
    }

    private static void checkScope(String scope) {
        if (scope.isEmpty()) {
            throw new IllegalArgumentException("a scope must not be empty");
        }
        for (int i = 0; i < scope.length(); i++) {
            char c = scope.charAt(i);
            if (c < 0x21 || c > 0x7E || c == '"' || c == '\\') {
                throw new IllegalArgumentException(String.format("the scope \"%s\" has U+%04X at index %d, which an "
                        + "OAuth2 scope token cannot hold (RFC 6749, section 3.3)", printable(scope), (int) c, i));
            }
        }
    }

    private static void endpoint(URI uri, String name) {
        Objects.requireNonNull(uri, name);
        if (!uri.isAbsolute() || !"https".equals(uri.getScheme().toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException(name + " must be an absolute https URL, was \"" + uri + "\"");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException(name + " must name a host, was \"" + uri + "\"");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException(name + " must not hold user information, was \"" + uri + "\"");
        }
        if (uri.getRawFragment() != null) {
            throw new IllegalArgumentException(name + " must not have a fragment (RFC 6749, section 3.1), was \""
                    + uri + "\"");
        }
    }

    private static String printable(String value) {
        StringBuilder out = new StringBuilder(value.length());
        value.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return out.toString();
    }

    /** The scopes as OAuth2's {@code scope} parameter: separated by single spaces. */
    public String scope() {
        return String.join(" ", scopes);
    }

    /** E.g. {@code OAuth2 at accounts.google.com, scopes [https://mail.google.com/], authorization https://...}. */
    @Override
    public String toString() {
        return "OAuth2 at " + issuer + ", scopes " + scopes + ", authorization " + authorizationUri + ", token "
                + tokenUri;
    }
}
