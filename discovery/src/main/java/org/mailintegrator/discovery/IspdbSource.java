package org.mailintegrator.discovery;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.Provenance;

/**
 * Mozilla's ISPDB: the bundled snapshot ({@link Ispdb#bundled()}, read on first use), and optionally the live
 * service at {@code https://autoconfig.thunderbird.net/v1.1/<domain>}.
 *
 * <p>The snapshot answers whenever it knows the domain, with no network and nothing disclosed; its servers are
 * trusted, with the origin {@code ISPDB snapshot of <date>}. The live service is asked only when the source is
 * built with {@code liveLookup} and the snapshot has no entry for the domain (it tells Mozilla which domain is
 * looked up, never the address); it is fetched like autoconfig (see {@link CappedHttp}), and its servers carry the
 * URL as origin, trusted when it is HTTPS.
 *
 * <p>Each server comes with the ways of signing in its entry lists, and the provider's OAuth2 sign-in data
 * ({@code <oAuth2>}) with the same provenance; from the live service over plain HTTP, the OAuth2 data is not taken,
 * as anyone on the path could have written its URLs.
 *
 * <p>Immutable and thread-safe.
 */
final class IspdbSource implements Source {
    /** The live ISPDB service; the domain is appended. */
    static final String LIVE_BASE = "https://autoconfig.thunderbird.net/v1.1/";

    /** Opens the snapshot; {@link Ispdb#bundled()} unless a test or caller gives another. */
    @FunctionalInterface
    interface Snapshot {
        Ispdb load() throws IOException;
    }

    private final Snapshot snapshot;
    private final @Nullable Function<String, URI> liveLocation;

    /** The bundled snapshot only. */
    IspdbSource() {
        this(false);
    }

    /** The bundled snapshot, and with {@code liveLookup} the live service for domains it lacks. */
    IspdbSource(boolean liveLookup) {
        this(Ispdb::bundled, liveLookup ? IspdbSource::liveLocation : null);
    }

    /**
     * Another snapshot and, unless {@code liveLocation} is null, a live service at the URL it gives for a domain.
     */
    IspdbSource(Snapshot snapshot, @Nullable Function<String, URI> liveLocation) {
        this.snapshot = Objects.requireNonNull(snapshot, "snapshot");
        this.liveLocation = liveLocation;
    }

    /** The live service's URL for {@code domain}. */
    static URI liveLocation(String domain) {
        return URI.create(LIVE_BASE + domain.toLowerCase(Locale.ROOT));
    }

    @Override
    public String name() {
        return "ISPDB";
    }

    /**
     * {@inheritDoc}
     *
     * @throws IOException if the snapshot cannot be read
     */
    @Override
    public Findings find(Query query) throws IOException, InterruptedException {
        Ispdb ispdb = snapshot.load();
        String origin = "ISPDB snapshot of " + ispdb.snapshotDate();
        Optional<ClientConfig> entry = ispdb.lookup(query.domain());
        if (entry.isPresent()) {
            ClientConfig.Candidates found = entry.get().candidates(query.account());
            Findings findings = new Findings();
            found.notes().forEach(note -> findings.note(origin + ", " + entry.get().providerId() + ": " + note));
            Provenance provenance = Provenance.of(Provenance.Kind.ISPDB, origin, true);
            found.endpoints(provenance).forEach(findings::add);
            found.oauth2().ifPresent(provider -> findings.oauth2(provider, provenance));
            findings.note(origin + ": " + query.domain() + " is served by " + entry.get().providerId() + " ("
                    + found.candidates().size() + " usable server" + (found.candidates().size() == 1 ? "" : "s")
                    + ")");
            if (!found.candidates().isEmpty() || liveLocation == null) {
                return findings;
            }
        }
        if (liveLocation == null) {
            return Findings.nothing("ISPDB: no entry for " + query.domain() + " in the snapshot of "
                    + ispdb.snapshotDate());
        }
        return live(query, liveLocation);
    }

    private static Findings live(Query query, Function<String, URI> liveLocation) throws InterruptedException {
        URI uri;
        try {
            uri = liveLocation.apply(query.domain());
        } catch (IllegalArgumentException e) {
            return Findings.nothing("ISPDB live: no URL for the domain " + query.domain() + " (" + e.getMessage()
                    + ")");
        }
        List<String> notes = new ArrayList<>();
        notes.add("ISPDB: no entry for " + query.domain() + " in the snapshot; asking the live service");
        CappedHttp.Answer<ClientConfig.Candidates> answer = CappedHttp.firstGood("ISPDB live", List.of(uri),
                query.context(), query.timeout(), ClientConfig.reader(query.account()), notes);
        Findings findings = new Findings();
        notes.forEach(findings::note);
        if (answer != null) {
            Provenance provenance = Provenance.of(Provenance.Kind.ISPDB, answer.uri().toString(),
                    "https".equalsIgnoreCase(answer.uri().getScheme()));
            answer.value().endpoints(provenance).forEach(findings::add);
            AutoconfigSource.takeOAuth2("ISPDB live", answer.value(), provenance, findings);
            int servers = answer.value().found().size();
            findings.note("ISPDB live " + answer.uri() + ": " + servers + " server" + (servers == 1 ? "" : "s"));
        }
        return findings;
    }

    @Override
    public String toString() {
        return "IspdbSource" + (liveLocation == null ? "" : " (live lookup)");
    }
}
