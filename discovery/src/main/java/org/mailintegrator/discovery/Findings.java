package org.mailintegrator.discovery;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.mailintegrator.core.Endpoint;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.Security;

/**
 * What one {@link Source} found: servers in its own order of preference (each with its provenance), services the
 * domain says it does not offer, and sentences on what it saw. Built by one source, then read only.
 */
final class Findings {
    /** A service the domain deliberately does not offer (an SRV target of {@code .}). */
    record NotOffered(MailProtocol protocol, Security security, String reason) {
    }

    private final List<Endpoint> endpoints = new ArrayList<>();
    private final List<NotOffered> notOffered = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

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

    List<String> notes() {
        return List.copyOf(notes);
    }

    /** Whether the source named a server or withdrew a service: an answer that decides. */
    boolean decides() {
        return !endpoints.isEmpty() || !notOffered.isEmpty();
    }
}
