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
    /** The server rejected the credentials. */
    AUTH_FAILED,
    /** The TCP connection was refused: service stopped, port closed, or a firewall that rejects. */
    REFUSED,
    /** Connecting or a read did not complete in time: a firewall that drops packets, a silent or stalled server. */
    TIMED_OUT,
    /**
     * TLS could not be established or verified: handshake failure, an untrusted or mismatched certificate, or
     * STARTTLS/STLS not offered or refused on a {@link Security#STARTTLS} candidate.
     */
    TLS_FAILED,
    /** The host name does not resolve. */
    UNKNOWN_HOST,
    /** The server spoke something other than the expected protocol, broke it, or closed the connection. */
    PROTOCOL_ERROR,
    /** The network failed otherwise: no route to the host, or the connection was reset. */
    NETWORK_ERROR,
    /**
     * Given up by the integrator's patience window: it had not even connected when a less preferred candidate was
     * ready to authenticate. Only with {@code Integrator.Builder.patience(...)}.
     */
    ABANDONED,
    /**
     * Never needed, or not finished because it was no longer needed: a more preferred candidate authenticated, or
     * the integration was cancelled. The detail says which.
     */
    NOT_TRIED;

    /** Whether this outcome configures the account. */
    public boolean isAuthenticated() {
        return this == AUTHENTICATED;
    }
}
