package org.mailintegrator.core;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The answer of {@link Integrator#checkUpgrade(MailAccount, IntegrationResult)}: whether a candidate more preferred
 * than the remembered one works now, what was tried to find out, and a sentence that says what changed. Immutable
 * and thread-safe.
 */
public final class UpgradeCheck {
    private final @Nullable ProtocolCandidate current;
    private final IntegrationResult tried;

    UpgradeCheck(@Nullable ProtocolCandidate current, IntegrationResult tried) {
        this.current = current;
        this.tried = Objects.requireNonNull(tried, "tried");
    }

    /** The candidate the previous result selected, if it selected one. */
    public Optional<ProtocolCandidate> current() {
        return Optional.ofNullable(current);
    }

    /** The more preferred candidate that works now, if one does: the one to move the account to. */
    public Optional<ProtocolCandidate> upgrade() {
        return tried.selected();
    }

    /** Whether a more preferred candidate works now. */
    public boolean isUpgrade() {
        return tried.isIntegrated();
    }

    /**
     * The more preferred part of the chain, as tried: when it selected a candidate, the account's new result (to
     * keep, and give to {@link Integrator#integrate(MailAccount, IntegrationResult)} next time); otherwise its
     * attempts and {@link IntegrationResult#explain()} say why each one still does not work. No attempts when the
     * current candidate is the most preferred.
     */
    public IntegrationResult tried() {
        return tried;
    }

    /** One sentence: what changed, or that nothing did. */
    public String summary() {
        String account = tried.emailAddress();
        if (isUpgrade()) {
            return account + ": " + upgrade().get() + " works now and is preferred to "
                    + (current == null ? "nothing (the account was not integrated)" : current.toString())
                    + ": move the account to it (tried() is its new result).";
        }
        if (tried.attempts().isEmpty()) {
            return account + ": " + current + " is already the most preferred candidate; there is nothing to check.";
        }
        return account + ": no change; none of the " + tried.attempts().size() + " more preferred candidates works "
                + "yet" + (current == null ? "." : ", so " + current + " stays.");
    }

    /** Same as {@link #summary()}. */
    @Override
    public String toString() {
        return summary();
    }
}
