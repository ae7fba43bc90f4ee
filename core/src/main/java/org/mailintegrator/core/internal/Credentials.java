package org.mailintegrator.core.internal;

/**
 * The user name and secret of one integration, as the engine carries them: a password, or an OAuth2 access token
 * that may only be sent through SASL XOAUTH2. Its {@code toString()} never shows the secret. Immutable and
 * thread-safe.
 */
public final class Credentials {
    private final String username;
    private final String secret;
    private final boolean token;

    /** A user name and password. */
    public Credentials(String username, String password) {
        this(username, password, false);
    }

    /** A user name and secret; {@code token} says whether the secret is an OAuth2 access token. */
    public Credentials(String username, String secret, boolean token) {
        this.username = username;
        this.secret = secret;
        this.token = token;
    }

    public String username() {
        return username;
    }

    /** The password or access token. */
    public String secret() {
        return secret;
    }

    /** Whether the secret is an OAuth2 access token, to be offered through XOAUTH2 only. */
    public boolean isToken() {
        return token;
    }

    @Override
    public String toString() {
        return "Credentials[" + username + (token ? ", access token hidden]" : ", password hidden]");
    }
}
