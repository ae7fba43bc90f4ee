package org.mailintegrator.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What discovery found for one account: servers in discovery's order (the deciding source's first), services a
 * domain says it deliberately does not offer, and what each source said. A {@link PreferencePolicy} turns it into
 * candidates; the {@link Integrator} uses it to tell where each candidate's host came from and whether credentials
 * may go there.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class DiscoveredHosts {
    private final String domain;
    private final List<Endpoint> endpoints;
    private final Map<String, String> notOffered;
    private final List<String> notes;

    private DiscoveredHosts(Builder builder) {
        this.domain = builder.domain;
        this.endpoints = List.copyOf(builder.endpoints);
        this.notOffered = Map.copyOf(builder.notOffered);
        this.notes = List.copyOf(builder.notes);
    }

    /** Nothing found for {@code domain}. */
    public static DiscoveredHosts none(String domain) {
        return builder(domain).build();
    }

    /** A builder for what was found for {@code domain} (the address's domain, in its ASCII form). */
    public static Builder builder(String domain) {
        return new Builder(domain);
    }

    /** The address's domain the search was for. */
    public String domain() {
        return domain;
    }

    /** Every server found, most preferred source first, each once. */
    public List<Endpoint> endpoints() {
        return endpoints;
    }

    public boolean isEmpty() {
        return endpoints.isEmpty();
    }

    /** The first server found for {@code protocol}. */
    public Optional<Endpoint> best(MailProtocol protocol) {
        Objects.requireNonNull(protocol, "protocol");
        return endpoints.stream().filter(e -> e.candidate().protocol() == protocol).findFirst();
    }

    /** The first server found for {@code protocol} with {@code security}. */
    public Optional<Endpoint> best(MailProtocol protocol, Security security) {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(security, "security");
        return endpoints.stream().filter(e -> e.candidate().protocol() == protocol
                && e.candidate().security() == security).findFirst();
    }

    /** Where {@code host} was found, in discovery's order; empty when no source named it. */
    public List<Provenance> provenances(String host) {
        String wanted = host.toLowerCase(Locale.ROOT);
        return endpoints.stream().filter(e -> e.candidate().host().equalsIgnoreCase(wanted))
                .map(Endpoint::provenance).distinct().toList();
    }

    /**
     * Why {@code protocol} with {@code security} is deliberately not offered by the domain (an SRV record whose
     * target is {@code .}), if it is not.
     */
    public Optional<String> notOffered(MailProtocol protocol, Security security) {
        return Optional.ofNullable(notOffered.get(protocol + "/" + security));
    }

    /** What each source said, in the order they answered, for the result's explanation. */
    public List<String> notes() {
        return notes;
    }

    /**
     * {@code account} with the best host found per protocol as its per-protocol host, so that a policy written
     * for {@link MailAccount#host(MailProtocol)} tries the servers discovery found. Hosts the caller gave stay.
     */
    public MailAccount applyTo(MailAccount account) {
        MailAccount.Builder builder = account.toBuilder();
        for (MailProtocol protocol : MailProtocol.values()) {
            if (!account.givesHost(protocol)) {
                best(protocol).ifPresent(found -> builder.host(protocol, found.candidate().host()));
            }
        }
        return builder.build();
    }

    @Override
    public String toString() {
        return "discovered for " + domain + ": " + endpoints + (notOffered.isEmpty() ? "" : ", not offered: "
                + notOffered.values());
    }

    /** Collects what discovery found. Not thread-safe. */
    public static final class Builder {
        private final String domain;
        private final List<Endpoint> endpoints = new ArrayList<>();
        private final Map<String, String> notOffered = new LinkedHashMap<>();
        private final List<String> notes = new ArrayList<>();

        private Builder(String domain) {
            this.domain = Validation.host(domain, "domain");
        }

        /** Adds a server, unless the same candidate was already added (the first provenance stays). */
        public Builder add(Endpoint endpoint) {
            Objects.requireNonNull(endpoint, "endpoint");
            if (endpoints.stream().noneMatch(e -> e.candidate().equals(endpoint.candidate()))) {
                endpoints.add(endpoint);
            }
            return this;
        }

        /** Records that the domain deliberately does not offer {@code protocol} with {@code security}, and why. */
        public Builder notOffered(MailProtocol protocol, Security security, String reason) {
            notOffered.putIfAbsent(Objects.requireNonNull(protocol, "protocol") + "/"
                    + Objects.requireNonNull(security, "security"), Objects.requireNonNull(reason, "reason"));
            return this;
        }

        /** Adds a sentence on what a source said or why it said nothing. */
        public Builder note(String note) {
            notes.add(Objects.requireNonNull(note, "note"));
            return this;
        }

        public DiscoveredHosts build() {
            return new DiscoveredHosts(this);
        }
    }
}
