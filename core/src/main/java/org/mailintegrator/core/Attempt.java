package org.mailintegrator.core;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The record of trying one {@link ProtocolCandidate}: its {@link Outcome}, how long it took, and a sentence that
 * explains it to a help-desk person, e.g. "The connection was refused: nothing listens on imap.example.com:993
 * (the service is stopped, or a firewall rejects it)."
 *
 * <p>It also says in which {@link Phase} the attempt ended, through which address it talked to the server, where a
 * discovered endpoint came from, and, where the outcome alone does not tell, the cause the integrator knew
 * ({@link #explainedAs()}), which {@link Explanation} words. The detail never holds the password. Instances are
 * immutable and thread-safe.
 */
public final class Attempt {
    /** A copy of {@code attempt} with each part that is given; the others stay. For the engine, via CoreAccess. */
    static Attempt recorded(Attempt attempt, @Nullable Phase phase, @Nullable InetSocketAddress address,
            @Nullable Throwable cause, @Nullable Provenance provenance, Explanation.@Nullable Cause explainedAs) {
        return new Attempt(attempt.candidate, attempt.outcome, attempt.elapsed, attempt.detail,
                phase != null ? phase : attempt.phase, address != null ? address : attempt.address,
                cause != null ? cause : attempt.cause, provenance != null ? provenance : attempt.provenance,
                explainedAs != null ? explainedAs : attempt.explainedAs);
    }

    private final ProtocolCandidate candidate;
    private final Outcome outcome;
    private final Duration elapsed;
    private final String detail;
    private final Phase phase;
    private final @Nullable InetSocketAddress address;
    private final @Nullable Throwable cause;
    private final @Nullable Provenance provenance;
    private final Explanation.@Nullable Cause explainedAs;

    private Attempt(ProtocolCandidate candidate, Outcome outcome, Duration elapsed, String detail, Phase phase,
            @Nullable InetSocketAddress address, @Nullable Throwable cause,
            @Nullable Provenance provenance, Explanation.@Nullable Cause explainedAs) {
        this.candidate = candidate;
        this.outcome = outcome;
        this.elapsed = elapsed;
        this.detail = detail;
        this.phase = phase;
        this.address = address;
        this.cause = cause;
        this.provenance = provenance;
        this.explainedAs = explainedAs;
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
        return new Attempt(candidate, outcome, elapsed, detail, Phase.NOT_STARTED, null, null, null, null);
    }

    /** A copy of this attempt that ended in {@code phase}. */
    Attempt withPhase(Phase phase) {
        return new Attempt(candidate, outcome, elapsed, detail, Objects.requireNonNull(phase, "phase"), address,
                cause, provenance, explainedAs);
    }

    /** A copy of this attempt that talked to the server at {@code address}. */
    Attempt withAddress(InetSocketAddress address) {
        return new Attempt(candidate, outcome, elapsed, detail, phase, Objects.requireNonNull(address, "address"),
                cause, provenance, explainedAs);
    }

    /** The candidate that was tried. */
    public ProtocolCandidate candidate() {
        return candidate;
    }

    /** What happened. */
    public Outcome outcome() {
        return outcome;
    }

    /** Time spent on this candidate; zero for one that was never started. */
    public Duration elapsed() {
        return elapsed;
    }

    /** A human sentence explaining the outcome. */
    public String detail() {
        return detail;
    }

    /**
     * The phase the attempt was in when it ended: {@link Phase#LOGIN} for an authenticated or rejected login,
     * {@link Phase#NOT_STARTED} for a candidate that was never contacted.
     */
    public Phase phase() {
        return phase;
    }

    /**
     * The address the TCP connection was established with (of all the host's addresses, the one that answered
     * first); empty when no connection was established.
     */
    public Optional<InetSocketAddress> address() {
        return Optional.ofNullable(address);
    }

    /**
     * What went wrong, as the chain of exceptions the attempt ended with: their types, stack traces and messages,
     * the messages passed through the same redaction as the detail, so that no password can appear. Empty for an
     * authenticated attempt and for one the integrator ended itself (not needed, skipped, deadline). For logs and
     * bug reports; decide on {@link #outcome()}, never on the cause. Not part of {@link #equals(Object)}.
     */
    public Optional<Throwable> cause() {
        return Optional.ofNullable(cause);
    }

    /**
     * A copy of this attempt that keeps {@code cause} as what went wrong. The caller is responsible for its
     * messages holding no secret.
     */
    Attempt withCause(Throwable cause) {
        return new Attempt(candidate, outcome, elapsed, detail, phase, address,
                Objects.requireNonNull(cause, "cause"), provenance, explainedAs);
    }

    /**
     * Where the candidate's endpoint came from, when a discovery source named its host with its port; empty for
     * hosts the caller or the policy named, and for a port no source named on a host discovery found (the policy
     * guessed that port there).
     */
    public Optional<Provenance> provenance() {
        return Optional.ofNullable(provenance);
    }

    /** A copy of this attempt whose candidate's endpoint came from {@code provenance}. */
    Attempt withProvenance(Provenance provenance) {
        return new Attempt(candidate, outcome, elapsed, detail, phase, address, cause,
                Objects.requireNonNull(provenance, "provenance"), explainedAs);
    }

    /**
     * Why this attempt ended as it did, in the terms of {@link Explanation}, where the integrator knew more than the
     * outcome says: which {@link Outcome#TLS_FAILED} it was (STARTTLS not offered or refused, a certificate not
     * trusted, a failed handshake), a {@link Outcome#NOT_TRIED} because the deadline passed rather than because it
     * was not needed, a {@link Outcome#SKIPPED} with its reason, a candidate not contacted because its endpoint was
     * remembered as unreachable. Empty when the outcome and phase say it all.
     */
    public Optional<Explanation.Cause> explainedAs() {
        return Optional.ofNullable(explainedAs);
    }

    /** A copy of this attempt whose cause, in the terms of {@link Explanation}, is {@code explainedAs}. */
    Attempt explainedAs(Explanation.Cause explainedAs) {
        return new Attempt(candidate, outcome, elapsed, detail, phase, address, cause, provenance,
                Objects.requireNonNull(explainedAs, "explainedAs"));
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
                && detail.equals(that.detail) && phase == that.phase && Objects.equals(address, that.address)
                && Objects.equals(provenance, that.provenance) && explainedAs == that.explainedAs;
    }

    @Override
    public int hashCode() {
        return Objects.hash(candidate, outcome, elapsed, detail, phase, address, provenance);
    }

    /**
     * For example {@code IMAP/IMPLICIT_TLS example.com:993 -> REFUSED during CONNECT in 3 ms: The connection was
     * refused...}; an attempt that connected names the address, e.g. {@code via /192.0.2.7:993}.
     */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder().append(candidate).append(" -> ").append(outcome);
        if (phase != Phase.NOT_STARTED && !outcome.isAuthenticated()) {
            out.append(" during ").append(phase);
        }
        if (address != null) {
            out.append(" via ").append(address);
        }
        out.append(" in ").append(elapsed.toMillis()).append(" ms: ").append(detail);
        if (provenance != null) {
            out.append(" [host from ").append(provenance).append(']');
        }
        return out.toString();
    }
}
