package org.mailintegrator.core;

import java.io.IOException;

/**
 * Where an account's OAuth2 access token comes from, for an application that keeps tokens fresh itself (the
 * library runs no sign-in flow and holds no refresh token). The integrator calls {@link #accessToken()} once per
 * integration, before any connection, and {@link #refreshedAccessToken()} at most once more, when a server rejects
 * the token ({@link Outcome#TOKEN_REJECTED}); the refreshed token is then tried again on the same candidate before
 * the chain moves on.
 *
 * <p>Implementations are called from the integrator's threads, possibly several integrations at once, so they
 * must be thread-safe. A token they return is a secret like a password: the library never logs or shows it.
 *
 * <pre>{@code
 * MailAccount account = MailAccount.builder("alice@example.com")
 *         .accessTokenSource(new AccessTokenSource() {
 *             public String accessToken() throws IOException {
 *                 return tokens.current("alice@example.com");
 *             }
 *             public String refreshedAccessToken() throws IOException {
 *                 return tokens.refresh("alice@example.com");
 *             }
 *         })
 *         .build();
 * }</pre>
 */
@FunctionalInterface
public interface AccessTokenSource {
    /**
     * A current access token for the account, with the provider's mail scope.
     *
     * @throws IOException if no token can be had now; the integration then ends without a connection, every
     *     candidate {@link Outcome#SKIPPED} with the reason
     */
    String accessToken() throws IOException;

    /**
     * A new access token after a server rejected the one given: the place to use the refresh token. By default the
     * same as {@link #accessToken()}.
     *
     * @throws IOException if no new token can be had; the rejection then stands
     */
    default String refreshedAccessToken() throws IOException {
        return accessToken();
    }
}
