package org.mailintegrator.core.internal;

import java.util.List;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.DiscoveredHosts;
import org.mailintegrator.core.IntegrationListener;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Phase;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.IntegrationListener.Integration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Calls an {@link IntegrationListener}, logging and swallowing whatever it throws. Thread-safe. */
public final class SafeListener {
    private static final Logger log = LoggerFactory.getLogger(IntegrationListener.class);

    private final IntegrationListener listener;

    public SafeListener(IntegrationListener listener) {
        this.listener = listener;
    }

    public boolean isNone() {
        return listener == IntegrationListener.NONE;
    }

    public void discoveryStart(Integration integration) {
        call(() -> listener.discoveryStart(integration), "discoveryStart");
    }

    public void discoverySourceEnd(Integration integration, String source, DiscoveredHosts answer) {
        call(() -> listener.discoverySourceEnd(integration, source, answer), "discoverySourceEnd");
    }

    public void discoveryEnd(Integration integration, DiscoveredHosts discovered) {
        call(() -> listener.discoveryEnd(integration, discovered), "discoveryEnd");
    }

    public void integrationStart(Integration integration, List<ProtocolCandidate> candidates) {
        call(() -> listener.integrationStart(integration, candidates), "integrationStart");
    }

    public void attemptStart(Integration integration, ProtocolCandidate candidate) {
        call(() -> listener.attemptStart(integration, candidate), "attemptStart");
    }

    public void phaseStart(Integration integration, ProtocolCandidate candidate, Phase phase) {
        call(() -> listener.phaseStart(integration, candidate, phase), "phaseStart");
    }

    public void phaseEnd(Integration integration, ProtocolCandidate candidate, Phase phase) {
        call(() -> listener.phaseEnd(integration, candidate, phase), "phaseEnd");
    }

    public void attemptEnd(Integration integration, Attempt attempt) {
        call(() -> listener.attemptEnd(integration, attempt), "attemptEnd");
    }

    public void integrationEnd(Integration integration, IntegrationResult result) {
        call(() -> listener.integrationEnd(integration, result), "integrationEnd");
    }

    private void call(Runnable event, String name) {
        if (isNone()) {
            return;
        }
        try {
            event.run();
        } catch (RuntimeException e) {
            log.warn("The integration listener {} threw from {}; ignored", listener, name, e);
        }
    }
}
