package org.mailintegrator.discovery;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.Endpoint;
import org.mailintegrator.core.Provenance;

/**
 * Finds the provider of a domain hosted elsewhere (a company domain on Google or Microsoft) from its MX records:
 * each MX host's domain is looked up in the provider sources given (the ISPDB, autoconfig), in MX preference
 * order, and the first that knows it decides. The MX answer is unauthenticated DNS, so every server found this way
 * is untrusted: credentials go there only when the host is within the address's domain or the caller approves it.
 * The provider's OAuth2 sign-in data and the servers' ways of signing in come along, the data also marked untrusted.
 * Thread-safe.
 */
final class MxSource implements Source {
    private final MxLookup mx;
    private final List<Source> providerSources;

    MxSource(MxLookup mx, List<Source> providerSources) {
        this.mx = mx;
        this.providerSources = List.copyOf(providerSources);
    }

    @Override
    public String name() {
        return "mx";
    }

    @Override
    public Findings find(Query query) throws IOException, InterruptedException {
        List<String> hosts = mx.mxHosts(query.domain(), query.timeout());
        if (hosts.isEmpty()) {
            return Findings.nothing("mx: " + query.domain() + " has no MX record");
        }
        Findings findings = new Findings();
        Set<String> tried = new LinkedHashSet<>();
        for (String host : hosts) {
            String provider = MxLookup.providerDomain(host);
            if (provider.equalsIgnoreCase(query.domain()) || !tried.add(provider.toLowerCase(java.util.Locale.ROOT))) {
                continue;
            }
            for (Source source : providerSources) {
                Findings found = lookUp(source, query.forDomain(provider), findings);
                if (found != null && !found.endpoints().isEmpty()) {
                    for (Endpoint endpoint : found.endpoints()) {
                        findings.add(Endpoint.of(endpoint.candidate(), viaMx(query, host, endpoint.provenance()),
                                endpoint.authentication()));
                    }
                    found.oauth2().ifPresent(signIn -> findings.oauth2(signIn.provider(),
                            viaMx(query, host, signIn.provenance())));
                    return findings.note("mx: " + query.domain() + " is hosted at " + host + "; " + source.name()
                            + " knows " + provider);
                }
            }
        }
        return findings.note("mx: no source knows the provider behind " + String.join(", ", hosts));
    }

    /** What {@code provenance} said about the provider behind the MX {@code host}: not trusted, as the MX is not. */
    private static Provenance viaMx(Query query, String host, Provenance provenance) {
        return Provenance.of(Provenance.Kind.MX, query.domain() + " MX " + host + ", then " + provenance.kind() + " "
                + provenance.origin(), false);
    }

    private static @Nullable Findings lookUp(Source source, Query query, Findings notes) throws InterruptedException {
        try {
            return source.find(query);
        } catch (IOException e) {
            notes.note("mx: " + source.name() + " for " + query.domain() + ": " + e.getMessage());
            return null;
        }
    }
}
