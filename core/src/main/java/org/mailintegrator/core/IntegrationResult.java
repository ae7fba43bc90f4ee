package org.mailintegrator.core;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.ResourceBundle;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of integrating one account: every candidate's {@link Attempt}, in preference order, and the
 * selected candidate, which is the first (most preferred) one that authenticated.
 *
 * <p>{@link #selected()} and {@link #isIntegrated()} are derived from the attempts. The result never holds the
 * password. Instances are immutable and thread-safe.
 */
public final class IntegrationResult {
    private final String emailAddress;
    private final List<Attempt> attempts;
    private final Duration elapsed;
    private final @Nullable DiscoveredHosts discovered;
    private final List<ProtocolCandidate> chain;

    private IntegrationResult(String emailAddress, List<Attempt> attempts, Duration elapsed,
            @Nullable DiscoveredHosts discovered, List<ProtocolCandidate> chain) {
        this.emailAddress = emailAddress;
        this.attempts = attempts;
        this.elapsed = elapsed;
        this.discovered = discovered;
        this.chain = chain;
    }

    /**
     * Creates a result; the integrator makes these, and tests may too.
     *
     * @param attempts one per candidate, in preference order; copied
     * @throws NullPointerException if any argument or attempt is null
     * @throws IllegalArgumentException if {@code elapsed} is negative
     */
    public static IntegrationResult of(String emailAddress, List<Attempt> attempts, Duration elapsed) {
        Objects.requireNonNull(emailAddress, "emailAddress");
        Objects.requireNonNull(attempts, "attempts");
        Objects.requireNonNull(elapsed, "elapsed");
        if (elapsed.isNegative()) {
            throw new IllegalArgumentException("elapsed must not be negative, was " + elapsed);
        }
        List<Attempt> copy = List.copyOf(attempts);
        return new IntegrationResult(emailAddress, copy, elapsed, null,
                copy.stream().map(Attempt::candidate).toList());
    }

    /** The address of the account that was integrated. */
    public String emailAddress() {
        return emailAddress;
    }

    /** Whether a candidate authenticated. */
    public boolean isIntegrated() {
        return selected().isPresent();
    }

    /** The most preferred candidate that authenticated, if any. */
    public Optional<ProtocolCandidate> selected() {
        return attempts.stream()
                .filter(attempt -> attempt.outcome().isAuthenticated())
                .map(Attempt::candidate)
                .findFirst();
    }

    /**
     * The attempts more preferred than the selected candidate that ended {@link Outcome#BUSY}: the server was up
     * but said it could not serve now, and stayed so while the integrator retried. When this is not empty, a
     * better candidate may well work later; check again then. Empty when nothing was selected (every attempt says
     * what happened), or when no more preferred candidate was busy.
     */
    public List<Attempt> busyBeforeSelected() {
        int selected = -1;
        for (int i = 0; i < attempts.size(); i++) {
            if (attempts.get(i).outcome().isAuthenticated()) {
                selected = i;
                break;
            }
        }
        if (selected < 0) {
            return List.of();
        }
        return attempts.subList(0, selected).stream().filter(attempt -> attempt.outcome() == Outcome.BUSY)
                .collect(java.util.stream.Collectors.toUnmodifiableList());
    }

    /** One attempt per candidate of the policy, in preference order; unmodifiable. */
    public List<Attempt> attempts() {
        return attempts;
    }

    /** The attempt for {@code candidate}, if the policy listed it. */
    public Optional<Attempt> attempt(ProtocolCandidate candidate) {
        Objects.requireNonNull(candidate, "candidate");
        return attempts.stream().filter(attempt -> attempt.candidate().equals(candidate)).findFirst();
    }

    /** Wall-clock time of the whole integration. */
    public Duration elapsed() {
        return elapsed;
    }

    /** What discovery found, when the integrator ran it (no host given, {@code discovery(...)} set). */
    public Optional<DiscoveredHosts> discovered() {
        return Optional.ofNullable(discovered);
    }

    /** A copy of this result that records what discovery found. */
    IntegrationResult withDiscovered(DiscoveredHosts discovered) {
        return new IntegrationResult(emailAddress, attempts, elapsed, Objects.requireNonNull(discovered, "discovered"),
                chain);
    }

    /**
     * The policy's chain this result was made under: every candidate the policy listed, in preference order. Usually
     * the candidates of {@link #attempts()}; longer for a result of
     * {@link Integrator#integrate(MailAccount, IntegrationResult)} that only had to try the remembered candidate.
     * A saved result is reused only under the same chain.
     */
    public List<ProtocolCandidate> chain() {
        return chain;
    }

    /** A copy of this result made under {@code chain}, which lists every attempted candidate. */
    IntegrationResult madeUnder(List<ProtocolCandidate> chain) {
        List<ProtocolCandidate> copy = List.copyOf(chain);
        for (Attempt attempt : attempts) {
            if (!copy.contains(attempt.candidate())) {
                throw new IllegalArgumentException("the chain " + copy + " does not list " + attempt.candidate());
            }
        }
        return new IntegrationResult(emailAddress, attempts, elapsed, discovered, copy);
    }

    /**
     * Why this result is what it is, in words a help desk sends as they are (KB14351's voice, English): what was
     * selected, why each more preferred candidate was not, grouped by cause, and what can be done about it.
     */
    public String explain() {
        return explanation().text();
    }

    /** {@link #explain()} in {@code locale}'s words where the library has them, else English. */
    public String explain(Locale locale) {
        return Explanation.of(this, Explanation.words(Objects.requireNonNull(locale, "locale"))).text();
    }

    /** The explanation as data: summary, reasons grouped by cause, remedies, and the cause of every attempt. */
    public Explanation explanation() {
        return Explanation.of(this, Explanation.englishWords());
    }

    /**
     * The explanation in the words of {@code words}: a translation of {@code org.mailintegrator.core.Explanations}
     * (the keys of the library's English properties file), for a language the library does not ship.
     *
     * @throws java.util.MissingResourceException if a key is missing
     */
    public Explanation explanation(ResourceBundle words) {
        return Explanation.of(this, Objects.requireNonNull(words, "words"));
    }

    /**
     * This result in its saved form: JSON, {@code "format": "mailintegrator.result", "version": 1}, with every
     * attempt (candidate, outcome, phase, time, detail, connected address, host provenance, cause and remedy) and
     * the explanation. It holds no secret. {@link #fromJson(String)} reads it back, e.g. to integrate again with
     * {@link Integrator#integrate(MailAccount, IntegrationResult)}. What discovery found and the attempts' causes
     * (exceptions) are not kept.
     */
    public String toJson() {
        return SavedResult.write(this);
    }

    /**
     * Reads a result saved by {@link #toJson()}.
     *
     * @throws IllegalArgumentException if {@code json} is not a saved result of a version this library reads,
     *     with a message that says what is wrong
     */
    public static IntegrationResult fromJson(String json) {
        return SavedResult.read(Objects.requireNonNull(json, "json"));
    }

    /** Results are equal when they are for the same address, with equal attempts, chain and elapsed time. */
    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof IntegrationResult)) {
            return false;
        }
        IntegrationResult that = (IntegrationResult) other;
        return emailAddress.equals(that.emailAddress) && attempts.equals(that.attempts) && elapsed.equals(that.elapsed)
                && chain.equals(that.chain);
    }

    @Override
    public int hashCode() {
        return Objects.hash(emailAddress, attempts, elapsed, chain);
    }

    /** A multi-line explanation: the verdict, then one line per attempt. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        out.append(emailAddress).append(": ")
                .append(selected().map(candidate -> "integrated with " + candidate).orElse("not integrated"))
                .append(" in ").append(elapsed.toMillis()).append(" ms");
        for (int i = 0; i < attempts.size(); i++) {
            out.append(System.lineSeparator()).append("  ").append(i + 1).append(". ").append(attempts.get(i));
        }
        if (discovered != null) {
            for (String note : discovered.notes()) {
                out.append(System.lineSeparator()).append("  Discovery: ").append(note);
            }
        }
        for (Attempt busy : busyBeforeSelected()) {
            out.append(System.lineSeparator()).append("  Note: ").append(busy.candidate())
                    .append(" is preferred but was busy; integrate again later to move the account to it.");
        }
        return out.toString();
    }
}
