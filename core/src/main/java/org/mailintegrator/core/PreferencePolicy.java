package org.mailintegrator.core;

import java.util.List;

/**
 * Decides which {@link ProtocolCandidate}s to try for an account, and in which order: the first authenticating
 * candidate of the list wins. The {@link Integrator} decides how they are tried and never reorders them.
 *
 * <p>A lambda is enough:
 * <pre>{@code
 * PreferencePolicy imapOnly = account -> List.of(
 *         ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS, account.host(MailProtocol.IMAP), 993));
 * }</pre>
 *
 * <p>Implementations must be safe for concurrent use (one integrator serves many threads) and deterministic: the
 * same account gives the same list. The returned list should not hold duplicates; the integrator copies it and
 * rejects null elements and duplicates with {@link IllegalArgumentException} before any network I/O.
 */
@FunctionalInterface
public interface PreferencePolicy {
    /** The candidates to try for {@code account}, most preferred first. */
    List<ProtocolCandidate> candidates(MailAccount account);

    /**
     * The candidates to try for {@code account} when discovery has run: by default the candidates for the account
     * with the best host discovery found per protocol ({@link DiscoveredHosts#applyTo(MailAccount)}), so that a
     * policy written for {@link MailAccount#host(MailProtocol)} needs no change. A policy overrides this to use
     * discovered ports and security as well, or the servers as discovery found them.
     */
    default List<ProtocolCandidate> candidates(MailAccount account, DiscoveredHosts discovered) {
        return candidates(discovered.applyTo(account));
    }
}
