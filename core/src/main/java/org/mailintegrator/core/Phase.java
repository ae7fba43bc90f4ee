package org.mailintegrator.core;

/**
 * How far an {@link Attempt} got: the phase it was in when it ended. The phases of a candidate come in this order,
 * except that on a {@link Security#STARTTLS} candidate {@link #GREETING} comes before {@link #TLS}:
 *
 * <ol>
 *   <li>{@link #RESOLVE}: the host name is looked up (every address, IPv6 and IPv4);</li>
 *   <li>{@link #CONNECT}: TCP connections to the addresses are raced until one is established;</li>
 *   <li>{@link #TLS}: the TLS handshake, certificate and host name checks;</li>
 *   <li>{@link #GREETING}: the server's greeting and capabilities;</li>
 *   <li>{@link #LOGIN}: the credentials are sent and answered.</li>
 * </ol>
 *
 * <p>This enum is immutable and thread-safe. More values may be added in later versions.
 */
public enum Phase {
    /** The attempt never started: not needed, skipped, or not reached before the integration ended. */
    NOT_STARTED,
    /** Looking up the host name's addresses. */
    RESOLVE,
    /** Establishing a TCP connection to one of the addresses. */
    CONNECT,
    /** Establishing TLS: implicit from the first byte, or after STARTTLS/STLS. */
    TLS,
    /** Reading the server's greeting and capabilities. */
    GREETING,
    /** Sending the credentials and reading the answer. */
    LOGIN
}
