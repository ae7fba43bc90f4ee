package org.mailintegrator.core;

import java.util.Objects;

/**
 * A server found for an account by discovery: a candidate and where it came from. Immutable and thread-safe.
 */
public final class Endpoint {
    private final ProtocolCandidate candidate;
    private final Provenance provenance;

    private Endpoint(ProtocolCandidate candidate, Provenance provenance) {
        this.candidate = candidate;
        this.provenance = provenance;
    }

    public static Endpoint of(ProtocolCandidate candidate, Provenance provenance) {
        return new Endpoint(Objects.requireNonNull(candidate, "candidate"),
                Objects.requireNonNull(provenance, "provenance"));
    }

    public ProtocolCandidate candidate() {
        return candidate;
    }

    public Provenance provenance() {
        return provenance;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Endpoint that && candidate.equals(that.candidate)
                && provenance.equals(that.provenance);
    }

    @Override
    public int hashCode() {
        return Objects.hash(candidate, provenance);
    }

    @Override
    public String toString() {
        return candidate + " from " + provenance;
    }
}
