package org.mailintegrator.core.internal;

/**
 * The user name and password of one integration, as the engine carries them. Its {@code toString()} never shows
 * the password. Immutable and thread-safe.
 */
public final class Credentials {
    private final String username;
    private final String password;

    public Credentials(String username, String password) {
        this.username = username;
        this.password = password;
    }

    public String username() {
        return username;
    }

    public String password() {
        return password;
    }

    @Override
    public String toString() {
        return "Credentials[" + username + ", password hidden]";
    }
}
