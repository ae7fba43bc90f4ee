package org.mailintegrator.core.internal.planning;

import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.Explanation;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Provenance;
import org.mailintegrator.core.internal.ResultAccess;

/**
 * One candidate of the chain as the engine will treat it: its place in the preference order, the server its
 * connections count against, and whether it is to be skipped (with the sentence that says why, the outcome its
 * attempt records, and the cause in {@link Explanation}'s terms). Immutable.
 */
public final class Route {
    private final int index;
    private final ProtocolCandidate candidate;
    private final @Nullable String skipped;
    private final @Nullable Provenance provenance;
    private final Outcome skippedAs;
    private final Explanation.@Nullable Cause explainedAs;

    /** @param explainedAs the cause of a skipped candidate's attempt; null when it is not skipped */
    Route(int index, ProtocolCandidate candidate, @Nullable String skipped, Outcome skippedAs,
            Explanation.@Nullable Cause explainedAs, @Nullable Provenance provenance) {
        if ((skipped == null) != (explainedAs == null)) {
            throw new IllegalArgumentException("a skipped route has a cause, and only a skipped one: " + candidate);
        }
        this.index = index;
        this.candidate = candidate;
        this.skipped = skipped;
        this.skippedAs = skippedAs;
        this.explainedAs = explainedAs;
        this.provenance = provenance;
    }

    /** Where the candidate's host came from, when discovery named it. */
    public Optional<Provenance> provenance() {
        return Optional.ofNullable(provenance);
    }

    /** The place in the preference order, 0 for the most preferred. */
    public int index() {
        return index;
    }

    public ProtocolCandidate candidate() {
        return candidate;
    }

    /** The server the candidate's connections count against: host and port as the candidate names them. */
    public String server() {
        return candidate.host().toLowerCase(Locale.ROOT) + ":" + candidate.port();
    }

    /** Why the candidate is not tried at all, if it is not. */
    public Optional<String> skipped() {
        return Optional.ofNullable(skipped);
    }

    /**
     * The outcome a skipped candidate's attempt records: {@link Outcome#SKIPPED}; {@link Outcome#OAUTH_REQUIRED}
     * when discovery says its server takes OAuth2 only and the account carries a password; {@link Outcome#REFUSED}
     * or {@link Outcome#TIMED_OUT} when its endpoint is remembered as unreachable ({@link UnreachableMemory}).
     */
    public Outcome skippedAs() {
        return skippedAs;
    }

    /**
     * Why a skipped candidate was skipped, in {@link Explanation}'s terms: {@link Explanation.Cause#BELOW_MINIMUM_SECURITY},
     * {@link Explanation.Cause#SERVICE_WITHDRAWN}, {@link Explanation.Cause#HOST_NOT_APPROVED},
     * {@link Explanation.Cause#OAUTH_REQUIRED} or {@link Explanation.Cause#REMEMBERED_UNREACHABLE}; empty when it is
     * not skipped.
     */
    public Optional<Explanation.Cause> explainedAs() {
        return Optional.ofNullable(explainedAs);
    }

    /** {@code attempt} with this route's cause ({@link #explainedAs()}), when it has one. */
    public Attempt explained(Attempt attempt) {
        return explainedAs == null ? attempt : ResultAccess.explainedAs(attempt, explainedAs);
    }

    @Override
    public String toString() {
        return index + ": " + candidate + (skipped == null ? "" : " (skipped)");
    }
}
