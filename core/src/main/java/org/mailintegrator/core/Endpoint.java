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
 * <p>An immutable value, equal to another when all three parts are equal; thread-safe.
 *
 * @param candidate the server, as a candidate to try
 * @param provenance where the source that named it came from
 * @param authentication the ways of signing in the source says the server accepts, in the enum's order; empty when
 *     it did not say, which means any may work
 */
public record Endpoint(ProtocolCandidate candidate, Provenance provenance, Set<Authentication> authentication) {
    /**
     * A server and the ways of signing in its source says it accepts; the set is copied.
     *
     * @throws NullPointerException if an argument, or an element of {@code authentication}, is null
     */
    public Endpoint {
        Objects.requireNonNull(candidate, "candidate");
        Objects.requireNonNull(provenance, "provenance");
        Objects.requireNonNull(authentication, "authentication");
        EnumSet<Authentication> copy = EnumSet.noneOf(Authentication.class);
        for (Authentication method : authentication) {
            copy.add(Objects.requireNonNull(method, "an element of authentication"));
        }
        authentication = Collections.unmodifiableSet(copy);
    }

    /** A server whose ways of signing in the source does not say: any may work. */
    public static Endpoint of(ProtocolCandidate candidate, Provenance provenance) {
        return new Endpoint(candidate, provenance, Set.of());
    }

    /**
     * A server and the ways of signing in its source says it accepts; the same as the constructor.
     *
     * @throws NullPointerException if an argument, or an element of {@code authentication}, is null
     */
    public static Endpoint of(ProtocolCandidate candidate, Provenance provenance,
            Set<Authentication> authentication) {
        return new Endpoint(candidate, provenance, authentication);
    }

    /** Whether the source says the server accepts OAuth2 and nothing else: a password cannot work there. */
    public boolean isOAuth2Only() {
        return authentication.equals(EnumSet.of(Authentication.OAUTH2));
    }

    /** E.g. {@code IMAP/IMPLICIT_TLS imap.example.com:993 from SRV ... (not trusted), signs in with [OAUTH2]}. */
    @Override
    public String toString() {
        return candidate + " from " + provenance + (authentication.isEmpty() ? ""
                : ", signs in with " + authentication);
    }
}
