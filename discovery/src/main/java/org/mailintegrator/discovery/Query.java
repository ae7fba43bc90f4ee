package org.mailintegrator.discovery;

import java.time.Duration;
import java.util.Objects;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.spi.DiscoveryContext;

/**
 * What a {@link Source} is asked: the domain to look up (the address's domain, or an MX host's domain), the
 * account (for autoconfig's placeholders), what the integrator lends (TLS context, resolver), and the time the
 * source has. Immutable.
 */
record Query(String domain, MailAccount account, DiscoveryContext context, Duration timeout) {
    Query {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(timeout, "timeout");
    }

    /** The same question for another domain (an MX host's). */
    Query forDomain(String otherDomain) {
        return new Query(otherDomain, account, context, timeout);
    }
}
