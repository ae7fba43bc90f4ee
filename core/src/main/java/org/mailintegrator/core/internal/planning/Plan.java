package org.mailintegrator.core.internal.planning;

import java.util.ArrayList;
import java.util.List;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;
import org.mailintegrator.core.internal.Wording;

/**
 * Turns a policy's chain into routes: candidates below the integrator's minimum security, and those whose host may
 * not receive the credentials ({@link CredentialRelease}), are skipped. Stateless.
 */
public final class Plan {
    private Plan() {
    }

    /** The routes for {@code candidates}, in the same order, for hosts the caller or the policy named. */
    public static List<Route> routes(List<ProtocolCandidate> candidates, Security minimum) {
        return routes(candidates, minimum, CredentialRelease.CALLER_HOSTS);
    }

    /**
     * The routes for {@code candidates}, in the same order: a candidate below {@code minimum}, or whose host may not
     * receive the credentials, is skipped with the reason.
     */
    public static List<Route> routes(List<ProtocolCandidate> candidates, Security minimum, CredentialRelease release) {
        List<Route> routes = new ArrayList<>(candidates.size());
        for (int i = 0; i < candidates.size(); i++) {
            ProtocolCandidate candidate = candidates.get(i);
            boolean tooWeak = rank(candidate.security()) < rank(minimum);
            String skipped = tooWeak ? Wording.skipped(candidate.security(), minimum)
                    : release.refusal(candidate).orElse(null);
            routes.add(new Route(i, candidate, skipped, release.provenance(candidate).orElse(null)));
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
