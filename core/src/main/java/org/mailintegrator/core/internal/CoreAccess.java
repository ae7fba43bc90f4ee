package org.mailintegrator.core.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.AccessTokenSource;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.DiscoveredHosts;
import org.mailintegrator.core.Explanation;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.Phase;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Provenance;
import org.mailintegrator.core.UpgradeCheck;
import org.mailintegrator.core.internal.protocol.MailSessions;

/**
 * What the library's own packages may read and make of the API types that the public cannot: an account's secret
 * or token source, an integrator's Jakarta Mail settings, a result reused under a chain, an upgrade check, and what
 * the engine records on attempts and results ({@link ResultAccess} says it in the engine's words). The API
 * package installs the one implementation when {@link Integrator} is initialised; this package is not exported from
 * the module. Thread-safe.
 */
public abstract class CoreAccess {
    private static volatile @Nullable CoreAccess instance;

    /** Installs the implementation; only the API package calls this, once. */
    public static void install(CoreAccess access) {
        instance = Objects.requireNonNull(access, "access");
    }

    /** The implementation, installed by initialising {@link Integrator} if that has not happened yet. */
    public static CoreAccess get() {
        CoreAccess access = instance;
        if (access == null) {
            try {
                Class.forName(Integrator.class.getName(), true, Integrator.class.getClassLoader());
            } catch (ClassNotFoundException impossible) {
                throw new IllegalStateException(impossible);
            }
            access = Objects.requireNonNull(instance, "the core API installs its access");
        }
        return access;
    }

    /**
     * The account's user name and secret; a token source is asked for a token.
     *
     * @throws IOException if the token source gives none
     */
    public final Credentials credentials(MailAccount account) throws IOException {
        AccessTokenSource source = tokenSource(account);
        if (source == null) {
            String secret = Objects.requireNonNull(secret(account), "the account's token comes from a source");
            return usesAccessToken(account) ? Credentials.token(account.username(), secret)
                    : Credentials.password(account.username(), secret);
        }
        try {
            return Credentials.fromSource(account.username(), source);
        } catch (RuntimeException e) {
            throw new IOException(e.toString(), e);
        }
    }

    /** The password or fixed access token; null when the token comes from a source. */
    protected abstract @Nullable String secret(MailAccount account);

    /** The application's token source, if the account's token comes from one. */
    public abstract @Nullable AccessTokenSource tokenSource(MailAccount account);

    /** Whether the account's secret is an OAuth2 access token. */
    protected abstract boolean usesAccessToken(MailAccount account);

    /** How the integrator builds Jakarta Mail sessions and stores. */
    public abstract MailSessions sessions(Integrator integrator);

    /** A copy of {@code result} made under {@code chain}, which lists every attempted candidate. */
    public abstract IntegrationResult madeUnder(IntegrationResult result, List<ProtocolCandidate> chain);

    /** The answer of an upgrade check from the remembered candidate and what was tried. */
    public abstract UpgradeCheck upgradeCheck(@Nullable ProtocolCandidate current, IntegrationResult tried);

    /** A copy of {@code attempt} with each part that is given; the others stay. */
    public abstract Attempt recorded(Attempt attempt, @Nullable Phase phase, @Nullable InetSocketAddress address,
            @Nullable Throwable cause, @Nullable Provenance provenance, Explanation.@Nullable Cause explainedAs);

    /** A copy of {@code result} that records what discovery found. */
    public abstract IntegrationResult discovered(IntegrationResult result, DiscoveredHosts discovered);
}
