package org.mailintegrator.interop;

import java.util.List;
import java.util.Objects;
import org.mailintegrator.core.DiscoveredHosts;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.PreferencePolicy;
import org.mailintegrator.core.ProtocolCandidate;

/**
 * Wraps a policy, unchanged, and routes each of its candidates from the standard port (993, 995, 143, 110) to
 * the port where a server fixture ({@link DovecotServer}, {@link CyrusServer}, {@link CourierServer}: any
 * {@link RoutableServer}) stands in for it. Hosts, protocols, security and order are left as the
 * wrapped policy made them. With discovery, the wrapped policy's own choice from the discovered servers (e.g.
 * {@code Policies.discovered()}) is routed the same way, so those servers must be on standard ports (as the ISPDB
 * and guesses name them).
 */
public final class RoutedPolicy implements PreferencePolicy {
    private final PreferencePolicy policy;
    private final RoutableServer server;

    private RoutedPolicy(PreferencePolicy policy, RoutableServer server) {
        this.policy = policy;
        this.server = server;
    }

    /** {@code policy}, with standard ports mapped to {@code server}'s. */
    public static RoutedPolicy to(RoutableServer server, PreferencePolicy policy) {
        return new RoutedPolicy(Objects.requireNonNull(policy, "policy"), Objects.requireNonNull(server, "server"));
    }

    @Override
    public List<ProtocolCandidate> candidates(MailAccount account) {
        return routed(policy.candidates(account));
    }

    @Override
    public List<ProtocolCandidate> candidates(MailAccount account, DiscoveredHosts discovered) {
        return routed(policy.candidates(account, discovered));
    }

    private List<ProtocolCandidate> routed(List<ProtocolCandidate> candidates) {
        return candidates.stream()
                .map(candidate -> ProtocolCandidate.of(candidate.protocol(), candidate.security(), candidate.host(),
                        server.portFor(candidate.port())))
                .toList();
    }

    @Override
    public String toString() {
        return policy + " routed to " + server;
    }
}
