package org.mailintegrator.core;

import java.net.InetSocketAddress;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.internal.CoreAccess;
import org.mailintegrator.core.internal.protocol.MailSessions;

/** The API package's side of {@link CoreAccess}: reads and makes what only this package may. Thread-safe. */
final class ApiAccess extends CoreAccess {
    @Override
    protected @Nullable String secret(MailAccount account) {
        return account.secret();
    }

    @Override
    public @Nullable AccessTokenSource tokenSource(MailAccount account) {
        return account.tokenSource();
    }

    @Override
    protected boolean usesAccessToken(MailAccount account) {
        return account.usesAccessToken();
    }

    @Override
    public MailSessions sessions(Integrator integrator) {
        return integrator.engine().sessions();
    }

    @Override
    public IntegrationResult madeUnder(IntegrationResult result, List<ProtocolCandidate> chain) {
        return result.madeUnder(chain);
    }

    @Override
    public UpgradeCheck upgradeCheck(@Nullable ProtocolCandidate current, IntegrationResult tried) {
        return new UpgradeCheck(current, tried);
    }

    @Override
    public Attempt recorded(Attempt attempt, @Nullable Phase phase, @Nullable InetSocketAddress address,
            @Nullable Throwable cause, @Nullable Provenance provenance, Explanation.@Nullable Cause explainedAs) {
        return Attempt.recorded(attempt, phase, address, cause, provenance, explainedAs);
    }

    @Override
    public IntegrationResult discovered(IntegrationResult result, DiscoveredHosts discovered) {
        return result.withDiscovered(discovered);
    }
}
