package org.mailintegrator.core.internal.planning;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.Explanation;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;
import org.mailintegrator.core.internal.Wording;

/**
 * Turns a policy's chain into routes: candidates below the integrator's minimum security, and those whose host may
 * not receive the credentials ({@link CredentialRelease}), are skipped; so is, for a password, a candidate whose
 * server discovery says takes OAuth2 only ({@link Outcome#OAUTH_REQUIRED}), and, when the integrator remembers
 * unreachable endpoints ({@link UnreachableMemory}), a candidate whose endpoint is remembered as unreachable. Each
 * skipped route carries its cause in {@link Explanation}'s terms ({@link Route#explainedAs()}), which its attempt
 * records. Stateless: the memory is the integrator's.
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
        return routes(candidates, minimum, release, token, null);
    }

    /**
     * The routes for {@code candidates}, as {@link #routes(List, Security, CredentialRelease, boolean)} makes them;
     * in addition, a candidate that would be tried but whose endpoint {@code unreachable} remembers as unreachable
     * is not contacted: it ends at once with the outcome the endpoint had ({@link Outcome#REFUSED} or
     * {@link Outcome#TIMED_OUT}) and a detail that says when it was found unreachable.
     *
     * @param unreachable the integrator's memory of unreachable endpoints; null when it keeps none (the default)
     */
    public static List<Route> routes(List<ProtocolCandidate> candidates, Security minimum, CredentialRelease release,
            boolean token, @Nullable UnreachableMemory unreachable) {
        List<Route> routes = new ArrayList<>(candidates.size());
        for (int i = 0; i < candidates.size(); i++) {
            ProtocolCandidate candidate = candidates.get(i);
            String skipped = null;
            Outcome skippedAs = Outcome.SKIPPED;
            Explanation.Cause cause = null;
            if (rank(candidate.security()) < rank(minimum)) {
                skipped = Wording.skipped(candidate.security(), minimum);
                cause = Explanation.Cause.BELOW_MINIMUM_SECURITY;
            } else {
                Optional<CredentialRelease.Refusal> refusal = release.refusal(candidate);
                if (refusal.isPresent()) {
                    skipped = refusal.get().detail();
                    cause = refusal.get().cause();
                }
            }
            if (skipped == null && !token) {
                Optional<String> oauth2Only = release.oauth2Only(candidate);
                if (oauth2Only.isPresent()) {
                    skipped = oauth2Only.get();
                    skippedAs = Outcome.OAUTH_REQUIRED;
                    cause = Explanation.Cause.OAUTH_REQUIRED;
                }
            }
            if (skipped == null && unreachable != null) {
                Optional<UnreachableMemory.Known> known = unreachable.recall(candidate);
                if (known.isPresent()) {
                    skipped = Wording.knownUnreachable(candidate, known.get().outcome(), known.get().ago(),
                            unreachable.duration());
                    skippedAs = known.get().outcome();
                    cause = Explanation.Cause.REMEMBERED_UNREACHABLE;
                }
            }
            routes.add(new Route(i, candidate, skipped, skippedAs, cause,
                    release.provenance(candidate).orElse(null)));
        }
        return List.copyOf(routes);
    }

    /**
     * The routes when there is no credential to send (the account's token source gave none): every candidate is
     * skipped with {@code detail}, its attempt explained as {@code cause}.
     */
    public static List<Route> withoutCredentials(List<ProtocolCandidate> candidates, String detail,
            Explanation.Cause cause) {
        List<Route> routes = new ArrayList<>(candidates.size());
        for (int i = 0; i < candidates.size(); i++) {
            routes.add(new Route(i, candidates.get(i), detail, Outcome.SKIPPED, cause, null));
        }
        return List.copyOf(routes);
    }

    /** Whether {@code security} is at least {@code minimum}. */
    public static boolean meets(Security security, Security minimum) {
        return rank(security) >= rank(minimum);
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
