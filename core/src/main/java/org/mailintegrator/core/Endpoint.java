package org.mailintegrator.core;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * A server found for an account by discovery: a candidate, where it came from, and the ways of signing in that the
 * source says the server accepts (empty when the source does not say). The {@link Integrator} uses them to keep a
 * password away from a server that accepts OAuth2 only ({@link Outcome#OAUTH_REQUIRED}).
 *
 * <p>Instances are immutable values and thread-safe.
 */
public final class Endpoint {
    private final ProtocolCandidate candidate;
    private final Provenance provenance;
    private final Set<Authentication> authentication;

    private Endpoint(ProtocolCandidate candidate, Provenance provenance, Set<Authentication> authentication) {
        this.candidate = candidate;
        this.provenance = provenance;
        this.authentication = authentication;
    }

    /** A server whose ways of signing in the source does not say: any may work. */
    public static Endpoint of(ProtocolCandidate candidate, Provenance provenance) {
        return of(candidate, provenance, Set.of());
    }

    /**
     * A server and the ways of signing in its source says it accepts.
     *
     * @param authentication what the source lists for the server; empty when it lists nothing this library knows,
     *     which means any may work
     * @throws NullPointerException if an argument, or an element of {@code authentication}, is null
     */
    public static Endpoint of(ProtocolCandidate candidate, Provenance provenance,
            Set<Authentication> authentication) {
        Objects.requireNonNull(candidate, "candidate");
        Objects.requireNonNull(provenance, "provenance");
        Objects.requireNonNull(authentication, "authentication");
        EnumSet<Authentication> copy = EnumSet.noneOf(Authentication.class);
        for (Authentication method : authentication) {
            copy.add(Objects.requireNonNull(method, "an element of authentication"));
        }
        return new Endpoint(candidate, provenance, Collections.unmodifiableSet(copy));
    }

    public ProtocolCandidate candidate() {
        return candidate;
    }

    public Provenance provenance() {
        return provenance;
    }

    /**
     * The ways of signing in the source says the server accepts, in the enum's order; empty when it did not say,
     * which means any may work.
     */
    public Set<Authentication> authentication() {
        return authentication;
    }

    /** Whether the source says the server accepts OAuth2 and nothing else: a password cannot work there. */
    public boolean isOAuth2Only() {
        return authentication.equals(EnumSet.of(Authentication.OAUTH2));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Endpoint that && candidate.equals(that.candidate)
                && provenance.equals(that.provenance) && authentication.equals(that.authentication);
    }

    @Override
    public int hashCode() {
        return Objects.hash(candidate, provenance, authentication);
    }

    /** E.g. {@code IMAP/IMPLICIT_TLS imap.example.com:993 from SRV ... (not trusted), signs in with [OAUTH2]}. */
    @Override
    public String toString() {
        return candidate + " from " + provenance + (authentication.isEmpty() ? ""
                : ", signs in with " + authentication);
    }
}
