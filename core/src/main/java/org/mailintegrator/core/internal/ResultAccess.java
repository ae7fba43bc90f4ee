package org.mailintegrator.core.internal;

import java.net.InetSocketAddress;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.DiscoveredHosts;
import org.mailintegrator.core.Explanation;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Phase;
import org.mailintegrator.core.Provenance;

/**
 * What the engine records on the API's result values that an application cannot: an attempt's phase, address,
 * cause, provenance and explained cause, and what discovery found for a result, through {@link CoreAccess}; this
 * package is not exported from the module. Thread-safe.
 */
public final class ResultAccess {
    private ResultAccess() {
    }

    /** A copy of {@code attempt} that ended in {@code phase}. */
    public static Attempt withPhase(Attempt attempt, Phase phase) {
        return CoreAccess.get().recorded(attempt, Objects.requireNonNull(phase, "phase"), null, null, null, null);
    }

    /** A copy of {@code attempt} that talked to the server at {@code address}. */
    public static Attempt withAddress(Attempt attempt, InetSocketAddress address) {
        return CoreAccess.get().recorded(attempt, null, Objects.requireNonNull(address, "address"), null, null, null);
    }

    /** A copy of {@code attempt} that keeps {@code cause}, whose messages must hold no secret. */
    public static Attempt withCause(Attempt attempt, Throwable cause) {
        return CoreAccess.get().recorded(attempt, null, null, Objects.requireNonNull(cause, "cause"), null, null);
    }

    /** A copy of {@code attempt} whose candidate's endpoint came from {@code provenance}. */
    public static Attempt withProvenance(Attempt attempt, Provenance provenance) {
        return CoreAccess.get().recorded(attempt, null, null, null, Objects.requireNonNull(provenance, "provenance"), null);
    }

    /** A copy of {@code attempt} whose cause, in the terms of {@link Explanation}, is {@code cause}. */
    public static Attempt explainedAs(Attempt attempt, Explanation.Cause cause) {
        return CoreAccess.get().recorded(attempt, null, null, null, null, Objects.requireNonNull(cause, "cause"));
    }

    /** A copy of {@code result} that records what discovery found. */
    public static IntegrationResult withDiscovered(IntegrationResult result, DiscoveredHosts discovered) {
        return CoreAccess.get().discovered(result, discovered);
    }
}
