package org.mailintegrator.testkit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.PreferencePolicy;
import org.mailintegrator.core.ProtocolCandidate;

/**
 * Sends an unchanged {@link PreferencePolicy} to test servers: each candidate's host is looked up among the
 * routed host names and replaced by that fixture's address, and its port by the port of the fixture's service
 * standing in for it: for a standard port (993, 995, 143, 110) the service of that port, for any other port the
 * service that speaks the candidate's protocol and security (POP over TLS on 1995 goes to {@link Service#POP3S}).
 * A candidate on a host that is not routed is an error, so that a test never reaches a real server by accident.
 *
 * <pre>{@code
 * PreferencePolicy routed = Routing.host("example.test", imapServer)
 *         .andHost("pop.example.test", popServer)       // POP on its own host name
 *         .apply(Policies.blackBerry());
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class Routing implements UnaryOperator<PreferencePolicy> {
    private final Map<String, MailServerFixture> hosts;
    private final @Nullable MailServerFixture everyHost;

    private Routing(Map<String, MailServerFixture> hosts, @Nullable MailServerFixture everyHost) {
        this.hosts = hosts;
        this.everyHost = everyHost;
    }

    /** Routes every host name to {@code fixture}. */
    public static Routing to(MailServerFixture fixture) {
        return new Routing(Map.of(), Objects.requireNonNull(fixture, "fixture"));
    }

    /** Routes {@code hostName} (compared ignoring case) to {@code fixture}. */
    public static Routing host(String hostName, MailServerFixture fixture) {
        return new Routing(Map.of(), null).andHost(hostName, fixture);
    }

    /** A routing that also sends {@code hostName} to {@code fixture}. */
    public Routing andHost(String hostName, MailServerFixture fixture) {
        Map<String, MailServerFixture> more = new LinkedHashMap<>(hosts);
        more.put(Objects.requireNonNull(hostName, "hostName").toLowerCase(Locale.ROOT),
                Objects.requireNonNull(fixture, "fixture"));
        return new Routing(Map.copyOf(more), everyHost);
    }

    /** {@code policy}, with its candidates routed. */
    @Override
    public PreferencePolicy apply(PreferencePolicy policy) {
        Objects.requireNonNull(policy, "policy");
        return account -> route(policy.candidates(account));
    }

    private List<ProtocolCandidate> route(List<ProtocolCandidate> candidates) {
        return candidates.stream().map(this::route).toList();
    }

    private ProtocolCandidate route(ProtocolCandidate candidate) {
        MailServerFixture fixture = everyHost != null ? everyHost
                : hosts.get(candidate.host().toLowerCase(Locale.ROOT));
        if (fixture == null) {
            throw new IllegalStateException(candidate + " is on " + candidate.host() + ", which this routing sends "
                    + "nowhere (routed: " + hosts.keySet() + "); add it with andHost(\"" + candidate.host()
                    + "\", fixture) so that the test does not reach a real server");
        }
        Service service = Service.forStandardPort(candidate.port());
        if (service == null) {
            service = Service.speaking(candidate.protocol(), candidate.security());
        }
        return ProtocolCandidate.of(candidate.protocol(), candidate.security(), fixture.host(),
                fixture.port(service));
    }
}
