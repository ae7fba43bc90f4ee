package org.mailintegrator.core.spi;

import org.mailintegrator.core.DiscoveredHosts;
import org.mailintegrator.core.MailAccount;

/**
 * Finds the servers of an account from its address, for {@code Integrator.builder().discovery(...)}. The standard
 * implementation is {@code org.mailintegrator.discovery.Discovery} (artifact {@code mailintegrator-discovery}).
 *
 * <p>The integrator asks only for accounts whose hosts the caller did not give, for the protocols its policy lists
 * without a given host ({@link DiscoveryContext#protocols()}: SMTP for a submission policy). Implementations must be
 * thread-safe, finish within their own deadline whatever the network does, never throw because of what a server
 * or a DNS answer did (say it in {@link DiscoveredHosts#notes()} instead), and never send the address to a third
 * party unless the caller opted in.
 */
@FunctionalInterface
public interface HostDiscovery {
    /** The servers found for {@code account}, in discovery's order. */
    DiscoveredHosts discover(MailAccount account, DiscoveryContext context);
}
