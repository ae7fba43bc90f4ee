package org.mailintegrator.core;

import java.util.Objects;

/**
 * Where a host came from, and whether that source is trusted to send credentials to it: the caller, the
 * provider's autoconfig over HTTPS, the bundled ISPDB data, or an answer that anyone on the path could forge (plain
 * HTTP, unauthenticated DNS pointing outside the address's domain, a guess).
 *
 * <p>An immutable value, equal to another when all three parts are equal; thread-safe.
 *
 * @param kind the kind of source
 * @param origin what exactly answered: a URL, a DNS name, the data set and its date, e.g. the autoconfig URL,
 *     {@code _imaps._tcp.example.com}, or {@code ISPDB snapshot of 2026-11-01}
 * @param isTrusted whether credentials may go to the hosts it names without the caller's approval
 */
public record Provenance(Kind kind, String origin, boolean isTrusted) {
    /** The kinds of source, in the order discovery prefers them. Immutable and thread-safe. */
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

    /**
     * A provenance.
     *
     * @throws NullPointerException if the kind or the origin is null
     * @throws IllegalArgumentException if the origin is blank
     */
    public Provenance {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(origin, "origin");
        if (origin.isBlank()) {
            throw new IllegalArgumentException("origin must not be blank");
        }
    }

    /**
     * A provenance; the same as the constructor.
     *
     * @param origin what exactly answered, e.g. the autoconfig URL, {@code _imaps._tcp.example.com}, or
     *     {@code ISPDB snapshot of 2026-11-01}
     * @param trusted whether credentials may go to the hosts it names without the caller's approval
     * @throws NullPointerException if the kind or the origin is null
     * @throws IllegalArgumentException if the origin is blank
     */
    public static Provenance of(Kind kind, String origin, boolean trusted) {
        return new Provenance(kind, origin, trusted);
    }

    /** E.g. {@code SRV _imaps._tcp.example.com (not trusted)}. */
    @Override
    public String toString() {
        return kind + " " + origin + (isTrusted ? " (trusted)" : " (not trusted)");
    }
}
