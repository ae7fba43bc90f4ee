package org.mailintegrator.core;

/**
 * What happened when one {@link ProtocolCandidate} was tried, classified from the real cause.
 *
 * <p>This enum is immutable and thread-safe. More values may be added in later versions; a {@code switch} over it
 * should have a {@code default} branch.
 */
public enum Outcome {
    /** The server accepted the credentials. */
    AUTHENTICATED,
    /** The server rejected the password. */
    AUTH_FAILED,
    /**
     * The server rejected the OAuth2 access token: expired, revoked, issued for another audience, or without the
     * mail scope. The detail gives the server's status (a provider's JSON error is decoded into it); the application
     * gets a new token (its {@link AccessTokenSource} was already asked once to refresh, if it has one) or signs the
     * user in again.
     */
    TOKEN_REJECTED,
    /**
     * A password cannot work here: the provider signs in with OAuth2 only (the server said that basic
     * authentication is disabled, advertised only OAuth2 mechanisms, or discovery data lists only OAuth2). Not a
     * wrong password; the application signs the user in with OAuth2 and integrates with an access token.
     */
    OAUTH_REQUIRED,
    /**
     * The provider refuses the account password for mail clients and wants an application-specific password
     * (Gmail's "Application-specific password required"): the user creates one in the provider's account settings.
     */
    APP_PASSWORD_REQUIRED,
    /**
     * The account carries an access token but the server advertises neither SASL {@code OAUTHBEARER} nor
     * {@code XOAUTH2}: the token was not sent. The server wants a password, or OAuth2 is switched off on it.
     */
    OAUTH_NOT_OFFERED,
    /**
     * The SMTP server offered no way to sign in (no {@code AUTH} in its {@code EHLO} answer), so it would not verify
     * the credentials: it would take mail without checking who sends it (an open relay, or a server that trusts the
     * network), or it offers sign-in only after a STARTTLS the candidate did not do. Nothing was sent and the
     * candidate is not verified: mail sent through it would likely be refused ("Relay access denied") or go out
     * under nobody's name.
     */
    AUTH_NOT_OFFERED,
    /**
     * The server refuses to take credentials without TLS: not a wrong password. Decided, where the server says so,
     * from its capabilities before anything is sent (IMAP {@code LOGINDISABLED} without a password mechanism the
     * library uses; a POP3 {@code CAPA} that offers {@code STLS} but neither {@code USER} nor {@code SASL PLAIN}), else
     * from its answer ({@code [PRIVACYREQUIRED]}, or the words of a named server such as Dovecot's "Plaintext
     * authentication disallowed").
     */
    TLS_REQUIRED,
    /**
     * The server says this protocol is not enabled for the account (as large providers answer for IMAP or POP
     * when the user has switched it off): not a wrong password, and a reason for the chain to move on.
     */
    SERVICE_DISABLED,
    /**
     * The server cannot serve now: it said so (IMAP {@code [UNAVAILABLE]} or {@code [INUSE]}, POP3 {@code [IN-USE]}
     * or {@code [SYS/TEMP]}, too many connections for the user or address, a locked mailbox), it lets the account sign
     * in only once in a while and it signed in too recently (POP3 {@code [LOGIN-DELAY]},
     * {@link Explanation.Cause#LOGIN_DELAYED}), or it closed new connections before its greeting while it served
     * others of this client (a connection limit, {@link Explanation.Cause#CONNECTION_LIMIT}). The integrator retries
     * such a candidate with backoff before moving on, and no less preferred candidate with weaker security gets the
     * credentials in its place ({@link Explanation.Cause#HELD_BACK}); a result whose selected candidate is less
     * preferred than a busy one says so ({@link IntegrationResult#busyBeforeSelected()}), so that the application can
     * check again later.
     */
    BUSY,
    /** The TCP connection was refused: service stopped, port closed, or a firewall that rejects. */
    REFUSED,
    /** Connecting or a read did not complete in time: a firewall that drops packets, a silent or stalled server. */
    TIMED_OUT,
    /**
     * TLS could not be established or verified: handshake failure, an untrusted or mismatched certificate, or
     * STARTTLS/STLS not offered or refused on a {@link Security#STARTTLS} candidate. Which of these it was is the
     * attempt's {@link Attempt#explainedAs() cause} ({@link Explanation.Cause#TLS_HANDSHAKE_FAILED},
     * {@link Explanation.Cause#TLS_NOT_TRUSTED}, {@link Explanation.Cause#STARTTLS_NOT_OFFERED}); the detail says it
     * in words.
     */
    TLS_FAILED,
    /**
     * The host name does not resolve. A lookup that the resolver does not answer in time is {@link #TIMED_OUT} in
     * {@link Phase#RESOLVE}.
     */
    UNKNOWN_HOST,
    /**
     * The server spoke something other than the expected protocol, broke it, or closed the connection; or it reported
     * a permanent failure of its own (POP3 {@code [SYS/PERM]}, RFC 3206; IMAP {@code [SERVERBUG]}), which its
     * administrators must repair; or, over TLS, it offers no password login the library uses (NTLM or GSSAPI only).
     */
    PROTOCOL_ERROR,
    /** The network failed otherwise: no route to the host, or the connection was reset. */
    NETWORK_ERROR,
    /**
     * Never contacted, for the reason the detail gives: its security is below the integrator's
     * {@linkplain Integrator.Builder#minimumSecurity(Security) minimum}, discovery found its host where the
     * credentials may not go without approval, the domain withdraws the service, or the account's
     * {@link AccessTokenSource} gave no token. No connection was made, no credential sent. The attempt's
     * {@link Attempt#explainedAs() cause} says which reason it was.
     */
    SKIPPED,
    /**
     * Given up by the integrator's patience window: it had not even connected when a less preferred candidate was
     * ready to authenticate. Only with {@code Integrator.Builder.patience(...)}.
     */
    ABANDONED,
    /**
     * Started, then stopped because it was no longer needed: a candidate the policy prefers authenticated first.
     * Says nothing about this candidate's server.
     */
    SUPERSEDED,
    /** Stopped, or never started, because the application cancelled the integration. */
    CANCELLED,
    /**
     * Never given the credentials: not started because a more preferred candidate had already authenticated or the
     * overall deadline had passed, or stopped before its login at the first rejection
     * ({@code stopOnAuthFailure}) or because a more preferred, more secure candidate was only {@link #BUSY}
     * ({@link Explanation.Cause#HELD_BACK}). The detail says which.
     */
    NOT_TRIED;

    /** Whether this outcome configures the account. */
    public boolean isAuthenticated() {
        return this == AUTHENTICATED;
    }
}
