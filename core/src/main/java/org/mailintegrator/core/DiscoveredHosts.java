package org.mailintegrator.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What discovery found for one account: servers in discovery's order (the deciding source's first), services a
 * domain says it deliberately does not offer, the provider's OAuth2 sign-in data when the source has it, and what
 * each source said. A {@link PreferencePolicy} turns it into candidates; the {@link Integrator} uses it to tell
 * where each candidate's endpoint (host and port) came from, whether credentials may go to its host, and whether a
 * password can work there ({@link Endpoint#authentication()}). An application reads it from
 * {@link IntegrationResult#discovered()}; a {@link org.mailintegrator.core.spi.HostDiscovery} builds it.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class DiscoveredHosts {
    private final String domain;
    private final List<Endpoint> endpoints;
    private final Map<String, String> notOffered;
    private final List<String> notes;
    private final @Nullable OAuth2Provider oauth2;
    private final @Nullable Provenance oauth2Provenance;

    private DiscoveredHosts(Builder builder) {
        this.domain = builder.domain;
        this.endpoints = List.copyOf(builder.endpoints);
        this.notOffered = Map.copyOf(builder.notOffered);
        this.oauth2 = builder.oauth2;
        this.oauth2Provenance = builder.oauth2Provenance;
        List<String> allNotes = new ArrayList<>(builder.notes);
        if (oauth2 != null) {
            allNotes.add("the provider signs in with " + oauth2 + " (from " + oauth2Provenance + ")");
        }
        this.notes = List.copyOf(allNotes);
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

    /**
     * Every server found, each once: the incoming ones (IMAP, POP3) from the source that decided them and the
     * outgoing ones (SMTP) from the source that decided those, each source's servers in its own order.
     */
    public List<Endpoint> endpoints() {
        return endpoints;
    }

    /**
     * The servers found for {@code protocol}, in discovery's order, each with its provenance: e.g.
     * {@code endpoints(MailProtocol.SMTP)} for where the account sends mail.
     */
    public List<Endpoint> endpoints(MailProtocol protocol) {
        Objects.requireNonNull(protocol, "protocol");
        return endpoints.stream().filter(e -> e.candidate().protocol() == protocol).toList();
    }

    /** Whether no server was found (a domain may still say what it does not offer). */
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

    /**
     * Why {@code protocol} with {@code security} is deliberately not offered by the domain (an SRV record whose
     * target is {@code .}), if it is not.
     */
    public Optional<String> notOffered(MailProtocol protocol, Security security) {
        return Optional.ofNullable(notOffered.get(protocol + "/" + security));
    }

    /**
     * The provider's OAuth2 sign-in data (issuer, scopes, endpoints), when the deciding source has it: what an
     * application needs to sign the user in and integrate with an access token, for instance after an attempt ended
     * with {@link Outcome#OAUTH_REQUIRED}. Check {@link #oauth2Provenance()} before opening a sign-in page.
     */
    public Optional<OAuth2Provider> oauth2() {
        return Optional.ofNullable(oauth2);
    }

    /**
     * Where {@link #oauth2()} came from; present exactly when it is. From a source that is not
     * {@linkplain Provenance#isTrusted() trusted} (an MX record), the domain's link to the provider is unauthenticated.
     */
    public Optional<Provenance> oauth2Provenance() {
        return Optional.ofNullable(oauth2Provenance);
    }

    /**
     * What each source said, in the order they answered, for the result's explanation; the last one names the
     * OAuth2 provider, when there is one.
     */
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
                + notOffered.values()) + (oauth2 == null ? "" : ", " + oauth2 + " (from " + oauth2Provenance + ")");
    }

    /** Collects what discovery found. Not thread-safe. */
    public static final class Builder {
        private final String domain;
        private final List<Endpoint> endpoints = new ArrayList<>();
        private final Map<String, String> notOffered = new LinkedHashMap<>();
        private final List<String> notes = new ArrayList<>();
        private @Nullable OAuth2Provider oauth2;
        private @Nullable Provenance oauth2Provenance;

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

        /**
         * Sets the provider's OAuth2 sign-in data and where it came from; a later call replaces both. The built
         * value's notes end with a sentence naming them.
         */
        public Builder oauth2(OAuth2Provider provider, Provenance provenance) {
            this.oauth2 = Objects.requireNonNull(provider, "provider");
            this.oauth2Provenance = Objects.requireNonNull(provenance, "provenance");
            return this;
        }

        /** Adds a sentence on what a source said or why it said nothing. */
        public Builder note(String note) {
            notes.add(Objects.requireNonNull(note, "note"));
            return this;
        }

        /** What was collected so far; the builder may go on collecting for another value. */
        public DiscoveredHosts build() {
            return new DiscoveredHosts(this);
        }
    }
}
