package org.mailintegrator.core;

import java.util.List;
import org.mailintegrator.core.IntegrationListener.Integration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Calls an {@link IntegrationListener}, logging and swallowing whatever it throws. Thread-safe. */
final class SafeListener {
    private static final Logger log = LoggerFactory.getLogger(IntegrationListener.class);

    private final IntegrationListener listener;

    SafeListener(IntegrationListener listener) {
        this.listener = listener;
    }

    boolean isNone() {
        return listener == IntegrationListener.NONE;
    }

    void integrationStart(Integration integration, List<ProtocolCandidate> candidates) {
        call(() -> listener.integrationStart(integration, candidates), "integrationStart");
    }

    void attemptStart(Integration integration, ProtocolCandidate candidate) {
        call(() -> listener.attemptStart(integration, candidate), "attemptStart");
    }

    void phaseStart(Integration integration, ProtocolCandidate candidate, Phase phase) {
        call(() -> listener.phaseStart(integration, candidate, phase), "phaseStart");
    }

    void phaseEnd(Integration integration, ProtocolCandidate candidate, Phase phase) {
        call(() -> listener.phaseEnd(integration, candidate, phase), "phaseEnd");
    }

    void attemptEnd(Integration integration, Attempt attempt) {
        call(() -> listener.attemptEnd(integration, attempt), "attemptEnd");
    }

    void integrationEnd(Integration integration, IntegrationResult result) {
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
