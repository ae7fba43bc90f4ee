package org.mailintegrator.core.internal;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.AccessTokenSource;
import org.mailintegrator.core.internal.classify.SecretRedactor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The user name and secret of one integration, as the engine carries them: a password, or an OAuth2 access token
 * that may only be sent through an OAuth2 SASL mechanism. A token from an application's {@link AccessTokenSource}
 * can be refreshed once, after a server rejected it. Its {@code toString()} never shows the secret. Thread-safe.
 */
public final class Credentials {
    private static final Logger log = LoggerFactory.getLogger(Credentials.class);
    private final String username;
    private final boolean token;
    private final @Nullable AccessTokenSource source;
    private final List<String> secrets = new CopyOnWriteArrayList<>();
    private volatile String secret;
    private boolean refreshAsked;

    private Credentials(String username, String secret, boolean token, @Nullable AccessTokenSource source) {
        this.username = username;
        this.secret = secret;
        this.token = token;
        this.source = source;
        secrets.add(secret);
    }

    /** A user name and password. */
    public static Credentials password(String username, String password) {
        return new Credentials(username, password, false, null);
    }

    /** A user name and a fixed access token. */
    public static Credentials token(String username, String token) {
        return new Credentials(username, token, true, null);
    }

    /**
     * A user name and the token {@code source} gives now.
     *
     * @throws IOException if the source has none, or gives an empty one
     */
    public static Credentials fromSource(String username, AccessTokenSource source) throws IOException {
        return new Credentials(username, checked(source.accessToken(), source), true, source);
    }

    private static String checked(@Nullable String token, AccessTokenSource source) throws IOException {
        if (token == null || token.isBlank()) {
            throw new IOException("the access token source " + source.getClass().getName()
                    + " returned " + (token == null ? "null" : "an empty token"));
        }
        if (token.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IOException("the access token source " + source.getClass().getName()
                    + " returned a token with control characters");
        }
        return token;
    }

    public String username() {
        return username;
    }

    /** The password or the current access token. */
    public String secret() {
        return secret;
    }

    /** Whether the secret is an OAuth2 access token, to be offered through an OAuth2 mechanism only. */
    public boolean isToken() {
        return token;
    }

    /**
     * After a server rejected {@code rejected}: asks the token source, once per integration, for a new token.
     *
     * @return whether there is now a different token to try
     */
    public synchronized boolean refresh(String rejected) {
        if (!secret.equals(rejected)) {
            return true;
        }
        if (source == null || refreshAsked) {
            return false;
        }
        refreshAsked = true;
        try {
            String fresh = checked(source.refreshedAccessToken(), source);
            if (fresh.equals(rejected)) {
                return false;
            }
            secrets.add(fresh);
            secret = fresh;
            return true;
        } catch (IOException | RuntimeException e) {
            log.warn("The access token source {} could not refresh the token of {} ({}); the rejection stands",
                    source.getClass().getName(), username, e.getClass().getName());
            return false;
        }
    }

    /** Whether the token source was asked for a new token in this integration. */
    public synchronized boolean refreshAsked() {
        return refreshAsked;
    }

    /** Masks every secret this integration has held, in every form a mail protocol carries it. */
    public SecretRedactor redactor() {
        return new SecretRedactor(username, List.copyOf(secrets));
    }

    @Override
    public String toString() {
        return "Credentials[" + username + (token ? ", access token hidden]" : ", password hidden]");
    }
}
