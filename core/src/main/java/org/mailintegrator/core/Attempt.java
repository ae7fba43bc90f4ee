package org.mailintegrator.core;

import java.time.Duration;
import java.util.Objects;

/**
 * The record of trying one {@link ProtocolCandidate}: its {@link Outcome}, how long it took, and a sentence that
 * explains it to a help-desk person, e.g. "The connection was refused: nothing listens on imap.example.com:993
 * (the service is stopped, or a firewall rejects it)."
 *
 * <p>The detail never holds the password. Instances are immutable and thread-safe.
 */
public final class Attempt {
    private final ProtocolCandidate candidate;
    private final Outcome outcome;
    private final Duration elapsed;
    private final String detail;

    private Attempt(ProtocolCandidate candidate, Outcome outcome, Duration elapsed, String detail) {
        this.candidate = candidate;
        this.outcome = outcome;
        this.elapsed = elapsed;
        this.detail = detail;
    }

    /**
     * Creates an attempt record; the integrator makes these, and tests may too.
     *
     * @throws NullPointerException if any argument is null
     * @throws IllegalArgumentException if {@code elapsed} is negative
     */
    public static Attempt of(ProtocolCandidate candidate, Outcome outcome, Duration elapsed, String detail) {
        Objects.requireNonNull(candidate, "candidate");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(elapsed, "elapsed");
        Objects.requireNonNull(detail, "detail");
        if (elapsed.isNegative()) {
            throw new IllegalArgumentException("elapsed must not be negative, was " + elapsed);
        }
        return new Attempt(candidate, outcome, elapsed, detail);
    }

    /** The candidate that was tried. */
    public ProtocolCandidate candidate() {
        return candidate;
    }

    /** What happened. */
    public Outcome outcome() {
        return outcome;
    }

    /** Time spent on this candidate; zero for {@link Outcome#NOT_TRIED}. */
    public Duration elapsed() {
        return elapsed;
    }

    /** A human sentence explaining the outcome. */
    public String detail() {
        return detail;
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof Attempt)) {
            return false;
        }
        Attempt that = (Attempt) other;
        return candidate.equals(that.candidate) && outcome == that.outcome && elapsed.equals(that.elapsed)
                && detail.equals(that.detail);
    }

    @Override
    public int hashCode() {
        return Objects.hash(candidate, outcome, elapsed, detail);
    }

    /** For example {@code IMAP/IMPLICIT_TLS example.com:993 -> REFUSED in 3 ms: The connection was refused...}. */
    @Override
    public String toString() {
        return candidate + " -> " + outcome + " in " + elapsed.toMillis() + " ms: " + detail;
    }
}
