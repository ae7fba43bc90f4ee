package org.mailintegrator.core;

/**
 * The caller's say on a host that discovery proposed from a source that is not trusted (an MX record outside the
 * address's domain, an autoconfig document over plain HTTP, a guess outside the domain). Only an approved host
 * gets credentials; any other such candidate is skipped, never contacted, and says why.
 *
 * <p>Called before any connection, on the integrating thread; implementations must be thread-safe and quick
 * (ask a user once and remember the answer).
 */
@FunctionalInterface
public interface HostApproval {
    /** Approves no host: only the caller's hosts, the address's domain and trusted sources get credentials. */
    HostApproval NONE = (account, host, provenance) -> false;

    /** Whether the credentials of {@code account} may go to {@code host}, which {@code provenance} proposed. */
    boolean approve(MailAccount account, String host, Provenance provenance);
}
