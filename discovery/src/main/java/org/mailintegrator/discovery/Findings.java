package org.mailintegrator.discovery;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.Endpoint;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.OAuth2Provider;
import org.mailintegrator.core.Provenance;
import org.mailintegrator.core.Security;

/**
 * What one {@link Source} found: servers in its own order of preference (each with its provenance), services the
 * domain says it does not offer, the provider's OAuth2 sign-in data, and sentences on what it saw. Built by one
 * source, then read only.
 */
final class Findings {
    /** A service the domain deliberately does not offer (an SRV target of {@code .}). */
    record NotOffered(MailProtocol protocol, Security security, String reason) {
    }

    private final List<Endpoint> endpoints = new ArrayList<>();
    private final List<NotOffered> notOffered = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private @Nullable SignIn oauth2;

    /** The provider's OAuth2 sign-in data and where it came from. */
    record SignIn(OAuth2Provider provider, Provenance provenance) {
        SignIn {
            Objects.requireNonNull(provider, "provider");
            Objects.requireNonNull(provenance, "provenance");
        }
    }

    /** Nothing found, and why. */
    static Findings nothing(String note) {
        return new Findings().note(note);
    }

    Findings add(Endpoint endpoint) {
        endpoints.add(Objects.requireNonNull(endpoint, "endpoint"));
        return this;
    }

    Findings notOffered(MailProtocol protocol, Security security, String reason) {
        notOffered.add(new NotOffered(protocol, security, reason));
        return this;
    }

    /** Sets the provider's OAuth2 sign-in data, found by {@code provenance}. */
    Findings oauth2(OAuth2Provider provider, Provenance provenance) {
        oauth2 = new SignIn(provider, provenance);
        return this;
    }

    Findings note(String note) {
        notes.add(Objects.requireNonNull(note, "note"));
        return this;
    }

    List<Endpoint> endpoints() {
        return List.copyOf(endpoints);
    }

    List<NotOffered> notOffered() {
        return List.copyOf(notOffered);
    }

    Optional<SignIn> oauth2() {
        return Optional.ofNullable(oauth2);
    }

    List<String> notes() {
        return List.copyOf(notes);
    }

    /** Whether the source named a server or withdrew a service, of any protocol. */
    boolean decides() {
        return decides(protocol -> true);
    }

    /**
     * Whether the source named a server or withdrew a service of a protocol {@code among} accepts: an answer that
     * decides for those protocols.
     */
    boolean decides(Predicate<MailProtocol> among) {
        return endpoints.stream().anyMatch(e -> among.test(e.candidate().protocol()))
                || notOffered.stream().anyMatch(n -> among.test(n.protocol()));
    }
}
