package org.mailintegrator.core.internal.planning;

import java.util.ArrayList;
import java.util.List;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;
import org.mailintegrator.core.internal.Wording;

/** Turns a policy's chain into routes: candidates below the integrator's minimum security are skipped. Stateless. */
public final class Plan {
    private Plan() {
    }

    /** The routes for {@code candidates}, in the same order. */
    public static List<Route> routes(List<ProtocolCandidate> candidates, Security minimum) {
        List<Route> routes = new ArrayList<>(candidates.size());
        for (int i = 0; i < candidates.size(); i++) {
            ProtocolCandidate candidate = candidates.get(i);
            boolean tooWeak = rank(candidate.security()) < rank(minimum);
            routes.add(new Route(i, candidate, tooWeak ? Wording.skipped(candidate.security(), minimum) : null));
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
