package org.mailintegrator.core;

/**
 * A way a server accepts a sign-in, as discovery reports it for an {@link Endpoint}: Thunderbird's clientConfig
 * {@code <authentication>} values ({@code password-cleartext}, {@code password-encrypted}, {@code OAuth2}, ...)
 * mapped to what this library can send.
 *
 * <p>This enum is immutable and thread-safe. More values may be added in later versions; a {@code switch} over it
 * should have a {@code default} branch.
 */
public enum Authentication {
    /**
     * The account password, however the client protects it on the way (clientConfig {@code password-cleartext},
     * {@code password-encrypted}, {@code NTLM}).
     */
    PASSWORD,
    /**
     * An OAuth2 access token (SASL {@code XOAUTH2} or {@code OAUTHBEARER}; clientConfig {@code OAuth2}), which the
     * application gets by signing the user in with the provider ({@link DiscoveredHosts#oauth2()}) and gives the
     * integrator with {@link MailAccount.Builder#accessToken(String)}.
     */
    OAUTH2
}
