package org.mailintegrator.core.internal.planning;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;
import org.mailintegrator.core.internal.Wording;

/**
 * Turns a policy's chain into routes: candidates below the integrator's minimum security, and those whose host may
 * not receive the credentials ({@link CredentialRelease}), are skipped; so is, for a password, a candidate whose
 * server discovery says takes OAuth2 only ({@link Outcome#OAUTH_REQUIRED}). Stateless.
 */
public final class Plan {
    private Plan() {
    }

    /** The routes for {@code candidates}, in the same order, for hosts the caller or the policy named. */
    public static List<Route> routes(List<ProtocolCandidate> candidates, Security minimum) {
        return routes(candidates, minimum, CredentialRelease.CALLER_HOSTS);
    }

    /** The routes for a password: {@link #routes(List, Security, CredentialRelease, boolean)}. */
    public static List<Route> routes(List<ProtocolCandidate> candidates, Security minimum, CredentialRelease release) {
        return routes(candidates, minimum, release, false);
    }

    /**
     * The routes for {@code candidates}, in the same order: a candidate below {@code minimum}, or whose host may not
     * receive the credentials, is skipped with the reason ({@link Outcome#SKIPPED}); unless {@code token} (the
     * secret is an access token), a candidate whose server discovery says takes OAuth2 only ends with
     * {@link Outcome#OAUTH_REQUIRED} without a connection. A token is never held back on what discovery says.
     */
    public static List<Route> routes(List<ProtocolCandidate> candidates, Security minimum, CredentialRelease release,
            boolean token) {
        List<Route> routes = new ArrayList<>(candidates.size());
        for (int i = 0; i < candidates.size(); i++) {
            ProtocolCandidate candidate = candidates.get(i);
            boolean tooWeak = rank(candidate.security()) < rank(minimum);
            String skipped = tooWeak ? Wording.skipped(candidate.security(), minimum)
                    : release.refusal(candidate).orElse(null);
            Outcome skippedAs = Outcome.SKIPPED;
            if (skipped == null && !token) {
                Optional<String> oauth2Only = release.oauth2Only(candidate);
                if (oauth2Only.isPresent()) {
                    skipped = oauth2Only.get();
                    skippedAs = Outcome.OAUTH_REQUIRED;
                }
            }
            routes.add(new Route(i, candidate, skipped, skippedAs, release.provenance(candidate).orElse(null)));
        }
        return List.copyOf(routes);
    }

    private static int rank(Security security) {
        switch (security) {
            case IMPLICIT_TLS:
                return 2;
            case STARTTLS:
                return 1;
            default:
                return 0;
        }
    }
}
