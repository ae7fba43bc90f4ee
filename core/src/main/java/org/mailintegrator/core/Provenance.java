package org.mailintegrator.core;

import java.util.Objects;

/**
 * Where a host came from, and whether that source is trusted to send credentials to it: the caller, the
 * provider's autoconfig over HTTPS, the bundled ISPDB data, or an answer that anyone on the path could forge (plain
 * HTTP, unauthenticated DNS pointing outside the address's domain, a guess).
 *
 * <p>Instances are immutable values and thread-safe.
 */
public final class Provenance {
    /** The kinds of source, in the order discovery prefers them. */
    public enum Kind {
        /** Hosts the caller gave. */
        CALLER,
        /** The provider's autoconfig document (Thunderbird's clientConfig format). */
        AUTOCONFIG,
        /** DNS SRV records (RFC 6186). */
        SRV,
        /** Mozilla's ISPDB, bundled or looked up live. */
        ISPDB,
        /** The domain's MX records, looked up in the other sources. */
        MX,
        /** A guessed name ({@code imap.}, {@code pop.}, {@code mail.}, the bare domain) that resolves. */
        GUESS
    }

    private final Kind kind;
    private final String origin;
    private final boolean trusted;

    private Provenance(Kind kind, String origin, boolean trusted) {
        this.kind = kind;
        this.origin = origin;
        this.trusted = trusted;
    }

    /**
     * A provenance.
     *
     * @param origin what exactly answered, e.g. the autoconfig URL, {@code _imaps._tcp.example.com}, or
     *     {@code ISPDB snapshot of 2026-11-01}
     * @param trusted whether credentials may go to the hosts it names without the caller's approval
     */
    public static Provenance of(Kind kind, String origin, boolean trusted) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(origin, "origin");
        if (origin.isBlank()) {
            throw new IllegalArgumentException("origin must not be blank");
        }
        return new Provenance(kind, origin, trusted);
    }

    public Kind kind() {
        return kind;
    }

    /** What exactly answered: a URL, a DNS name, the data set and its date. */
    public String origin() {
        return origin;
    }

    /** Whether credentials may go to the hosts it names without the caller's approval. */
    public boolean isTrusted() {
        return trusted;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Provenance that && kind == that.kind && origin.equals(that.origin)
                && trusted == that.trusted;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, origin, trusted);
    }

    /** E.g. {@code SRV _imaps._tcp.example.com (not trusted)}. */
    @Override
    public String toString() {
        return kind + " " + origin + (trusted ? " (trusted)" : " (not trusted)");
    }
}
