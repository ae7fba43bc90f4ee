package org.mailintegrator.core;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The account to integrate: an email address, the credentials, and where its mail servers are.
 *
 * <p>The secret is a password, or an OAuth2 access token ({@link Builder#accessToken(String)}, or an application's
 * {@link AccessTokenSource}), which the integrator sends only through SASL {@code OAUTHBEARER} or {@code XOAUTH2} on
 * a server that advertises one, never as a password. Neither is ever
 * printed, logged, or put in an exception: {@link #toString()} masks them, and there is no public accessor for
 * them. Instances are immutable and thread-safe.
 *
 * <pre>{@code
 * MailAccount account = MailAccount.builder("alice@example.com")
 *         .password(secret)
 *         .host(MailProtocol.POP3, "pop.example.com")   // "advanced integration": POP on its own host
 *         .build();
 * }</pre>
 */
public final class MailAccount {
    private final String emailAddress;
    private final String username;
    private final @Nullable String secret;
    private final boolean token;
    private final @Nullable AccessTokenSource tokenSource;
    private final String host;
    private final Map<MailProtocol, String> protocolHosts;
    private final boolean hostGiven;

    private MailAccount(Builder builder) {
        this.emailAddress = builder.emailAddress;
        this.username = builder.username != null ? builder.username : defaultUsername(builder.emailAddress);
        int given = (builder.password != null ? 1 : 0) + (builder.accessToken != null ? 1 : 0)
                + (builder.tokenSource != null ? 1 : 0);
        if (given > 1) {
            throw new IllegalStateException("an account has a password, an access token or an access token source, "
                    + "only one of them");
        }
        if (given == 0) {
            throw new IllegalStateException("an account needs a password, an access token or an access token source; "
                    + "none was set");
        }
        this.token = builder.password == null;
        this.secret = token ? builder.accessToken : builder.password;
        this.tokenSource = builder.tokenSource;
        this.host = builder.host != null ? builder.host : domainOf(builder.emailAddress);
        this.protocolHosts = Map.copyOf(builder.protocolHosts);
        this.hostGiven = builder.host != null;
    }

    /**
     * Starts a builder for the account with this address.
     *
     * @throws NullPointerException if the address is null
     * @throws IllegalArgumentException if the address is not {@code local@domain} with both parts non-empty, or
     *     holds white space or control characters
     */
    public static Builder builder(String emailAddress) {
        return new Builder(emailAddress);
    }

    /** The email address, as given. */
    public String emailAddress() {
        return emailAddress;
    }

    /**
     * The user name to authenticate with: the one given, else the full email address (an internationalised domain
     * in its IDNA form). Always ASCII.
     */
    public String username() {
        return username;
    }

    /**
     * The account host: the one given, else the domain of the email address; in ASCII (an internationalised domain
     * name in its IDNA form, as DNS and certificates use it).
     */
    public String host() {
        return host;
    }

    /**
     * The host for {@code protocol}: the per-protocol host when one was given (the "advanced integration", e.g.
     * {@code pop.example.com}), else {@link #host()}.
     */
    public String host(MailProtocol protocol) {
        Objects.requireNonNull(protocol, "protocol");
        return protocolHosts.getOrDefault(protocol, host);
    }

    /** The domain of the email address, in ASCII (an internationalised domain name in its IDNA form). */
    public String domain() {
        return domainOf(emailAddress);
    }

    /**
     * Whether the caller gave the host for {@code protocol} (a per-protocol host, or the account host), rather than
     * leaving it to the address's domain or to discovery.
     */
    public boolean givesHost(MailProtocol protocol) {
        Objects.requireNonNull(protocol, "protocol");
        return hostGiven || protocolHosts.containsKey(protocol);
    }

    /**
     * The password or fixed access token; null when the token comes from a source. Package-private: only the
     * integrator reads it, to hand it to the engine.
     */
    @Nullable String secret() {
        return secret;
    }

    /** The application's token source, if the token comes from one. Package-private, like the secret. */
    @Nullable AccessTokenSource tokenSource() {
        return tokenSource;
    }

    /** Whether {@link #secret()} is an OAuth2 access token. Package-private, like the secret. */
    boolean usesAccessToken() {
        return token;
    }

    /** A builder holding this account's values, to derive a changed copy. */
    public Builder toBuilder() {
        Builder builder = new Builder(emailAddress);
        builder.username = username.equals(defaultUsername(emailAddress)) ? null : username;
        if (!token) {
            builder.password = secret;
        } else if (tokenSource != null) {
            builder.tokenSource = tokenSource;
        } else {
            builder.accessToken = secret;
        }
        builder.host = hostGiven ? host : null;
        builder.protocolHosts.putAll(protocolHosts);
        return builder;
    }

    /**
     * Accounts are equal when address, user name, hosts and secret (password or access token) are equal; accounts
     * with a token source, when they have the same source.
     */
    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof MailAccount)) {
            return false;
        }
        MailAccount that = (MailAccount) other;
        return emailAddress.equals(that.emailAddress) && username.equals(that.username)
                && token == that.token && Objects.equals(secret, that.secret)
                && tokenSource == that.tokenSource && host.equals(that.host)
                && protocolHosts.equals(that.protocolHosts) && hostGiven == that.hostGiven;
    }

    @Override
    public int hashCode() {
        return Objects.hash(emailAddress, username, host, protocolHosts, hostGiven);
    }

    /** Shows everything but the password or access token, which appears as {@code ****}. */
    @Override
    public String toString() {
        return "MailAccount{emailAddress=" + emailAddress + ", username=" + username + ", host=" + host
                + (protocolHosts.isEmpty() ? "" : ", protocolHosts=" + new EnumMap<>(protocolHosts))
                + (tokenSource != null ? ", accessTokenSource=" + tokenSource.getClass().getName() + "}"
                        : token ? ", accessToken=****}" : ", password=****}");
    }

    /** The address itself, with an internationalised domain in its IDNA form; the local part must be ASCII. */
    private static String defaultUsername(String emailAddress) {
        int at = emailAddress.lastIndexOf('@');
        String local = Validation.asciiUsername(emailAddress.substring(0, at),
                "the local part of " + emailAddress + ", the default user name,");
        String domain = emailAddress.substring(at + 1);
        return domain.chars().allMatch(c -> c < 0x80) ? emailAddress : local + "@" + domainOf(emailAddress);
    }

    private static String domainOf(String emailAddress) {
        return Validation.host(emailAddress.substring(emailAddress.lastIndexOf('@') + 1), "emailAddress domain")
                .toLowerCase(Locale.ROOT);
    }

    /**
     * Builds {@link MailAccount}s. Every setter validates its argument at once, before any network I/O, and
     * throws {@link NullPointerException} or {@link IllegalArgumentException} naming the problem (never showing
     * the password or access token); setting a value again replaces it, as {@link MailAccount#toBuilder()} relies
     * on. {@link #build()} checks that the account is complete and throws {@link IllegalStateException} when it is
     * not: it needs exactly one secret, a password, an access token or an access token source. {@link #build()}
     * copies, so one builder can make several independent accounts.
     *
     * <p>This class is not thread-safe.
     */
    public static final class Builder {
        private final String emailAddress;
        private @Nullable String username;
        private @Nullable String password;
        private @Nullable String accessToken;
        private @Nullable AccessTokenSource tokenSource;
        private @Nullable String host;
        private final Map<MailProtocol, String> protocolHosts = new EnumMap<>(MailProtocol.class);

        private Builder(String emailAddress) {
            Validation.noControlCharacters(emailAddress, "emailAddress", false);
            int at = emailAddress.lastIndexOf('@');
            if (at < 0) {
                throw new IllegalArgumentException("emailAddress must contain '@': \"" + emailAddress + "\"");
            }
            if (at == 0 || at == emailAddress.length() - 1) {
                throw new IllegalArgumentException(
                        "emailAddress must have a non-empty local part and domain: \"" + emailAddress + "\"");
            }
            if (emailAddress.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("emailAddress must not contain white space: \"" + emailAddress + "\"");
            }
            Validation.host(emailAddress.substring(at + 1), "emailAddress domain");
            this.emailAddress = emailAddress;
        }

        /** The password. Required; never empty; never shown in any message. */
        public Builder password(String password) {
            Validation.noControlCharacters(password, "password", true);
            if (password.isEmpty()) {
                throw new IllegalArgumentException("password must not be empty");
            }
            this.password = password;
            return this;
        }

        /**
         * An OAuth2 access token instead of a password: the integrator signs in with SASL {@code XOAUTH2}, and only
         * where the server advertises it; it never sends the token as a password. Getting and refreshing the token
         * is the application's part. Never empty; never shown in any message.
         *
         * @throws NullPointerException if the token is null
         * @throws IllegalArgumentException if the token is empty or holds control characters
         */
        public Builder accessToken(String accessToken) {
            Validation.noControlCharacters(accessToken, "accessToken", true);
            if (accessToken.isEmpty()) {
                throw new IllegalArgumentException("accessToken must not be empty");
            }
            this.accessToken = accessToken;
            return this;
        }

        /**
         * An application's source of OAuth2 access tokens instead of a password: asked once per integration for a
         * token, and once more for a refreshed one when a server rejects it. Signs in as
         * {@link #accessToken(String)} does.
         *
         * @throws NullPointerException if the source is null
         */
        public Builder accessTokenSource(AccessTokenSource source) {
            this.tokenSource = Objects.requireNonNull(source, "accessTokenSource");
            return this;
        }

        /** The user name to log in with, when it is not the full email address. */
        public Builder username(String username) {
            Validation.noControlCharacters(username, "username", false);
            if (username.isBlank()) {
                throw new IllegalArgumentException("username must not be blank");
            }
            this.username = Validation.asciiUsername(username, "username");
            return this;
        }

        /** The host for every protocol, when it is not the address's domain. */
        public Builder host(String host) {
            this.host = Validation.host(host, "host");
            return this;
        }

        /** A host for one protocol only, e.g. {@code pop.example.com} for POP3: the "advanced integration". */
        public Builder host(MailProtocol protocol, String host) {
            Objects.requireNonNull(protocol, "protocol");
            protocolHosts.put(protocol, Validation.host(host, "host for " + protocol));
            return this;
        }

        /**
         * Builds the account.
         *
         * @throws IllegalStateException if neither a password nor an access token (or token source) was set, or
         *     more than one of them
         */
        public MailAccount build() {
            return new MailAccount(this);
        }
    }
}
