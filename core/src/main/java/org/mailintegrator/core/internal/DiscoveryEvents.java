package org.mailintegrator.core.internal;

import java.util.Objects;
import java.util.function.Supplier;
import org.mailintegrator.core.DiscoveredHosts;
import org.mailintegrator.core.IntegrationListener.Integration;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.spi.DiscoveryContext;
import org.mailintegrator.core.spi.HostDiscovery;

/**
 * Runs one discovery with the listener's events around it: {@code discoveryStart}, each source's answer as the
 * discovery reports it, then {@code discoveryEnd}, also when the discovery throws. A source's answer reported after
 * the discovery returned is dropped, so that the events stay paired. Thread-safe: answers reported from several
 * threads reach the listener one at a time.
 */
public final class DiscoveryEvents implements DiscoveryContext.SourceListener {
    private final SafeListener listener;
    private final Integration integration;
    private boolean open = true;

    private DiscoveryEvents(SafeListener listener, Integration integration) {
        this.listener = listener;
        this.integration = integration;
    }

    /**
     * What {@code finder} finds for {@code account}, heard by {@code listener} under a handle from
     * {@code integration} (made only when someone listens).
     *
     * @throws NullPointerException if the discovery returns null
     */
    public static DiscoveredHosts discover(HostDiscovery finder, MailAccount account, DiscoveryContext context,
            SafeListener listener, Supplier<Integration> integration) {
        if (listener.isNone()) {
            return returned(finder, finder.discover(account, context));
        }
        DiscoveryEvents events = new DiscoveryEvents(listener, integration.get());
        listener.discoveryStart(events.integration);
        DiscoveredHosts found;
        try {
            found = returned(finder, finder.discover(account, context.withSourceListener(events)));
        } catch (RuntimeException | Error e) {
            events.close();
            listener.discoveryEnd(events.integration, DiscoveredHosts.builder(account.domain())
                    .note("the discovery " + finder + " failed: " + e).build());
            throw e;
        }
        events.close();
        listener.discoveryEnd(events.integration, found);
        return found;
    }

    private static DiscoveredHosts returned(HostDiscovery finder, DiscoveredHosts found) {
        return Objects.requireNonNull(found, () -> "the discovery " + finder + " returned null");
    }

    @Override
    public synchronized void sourceAnswered(String source, DiscoveredHosts answer) {
        if (open) {
            listener.discoverySourceEnd(integration, source, answer);
        }
    }

    private synchronized void close() {
        open = false;
    }

    @Override
    public String toString() {
        return "the source events of " + integration;
    }
}
