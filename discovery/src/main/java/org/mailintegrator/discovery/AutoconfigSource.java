package org.mailintegrator.discovery;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import org.mailintegrator.core.Provenance;

/**
 * The provider's own autoconfig document (Thunderbird's clientConfig 1.1), fetched from
 * {@code https://autoconfig.<domain>/mail/config-v1.1.xml} and
 * {@code https://<domain>/.well-known/autoconfig/mail/config-v1.1.xml}, in that order of preference.
 *
 * <p>The address is kept private: the {@code emailaddress} query parameter Thunderbird adds is not sent, so the
 * provider learns only that someone looks up its domain; placeholders in the document are filled in locally. Both
 * URLs are fetched concurrently and the first good answer in the order above wins (the first URL's answer is
 * waited for, within the deadline, before the second one's is taken), so the result does not depend on which
 * server is faster. A good answer is status 200 with a well-formed document naming at least one usable IMAP, POP3
 * or SMTP server. Redirects are not followed; bodies are capped at 1 MiB (see {@link CappedHttp}).
 *
 * <p>Servers from an HTTPS URL are trusted: the document comes from the domain's own web server, authenticated by
 * its certificate under the integrator's TLS context. The plain {@code http://} variants are asked only when the
 * source is built with {@code allowPlainHttp}, after the HTTPS ones, and what they name is not trusted (anyone on
 * the path could have written it).
 *
 * <p>Each server comes with the ways of signing in the document lists for it, and the provider's OAuth2 sign-in
 * data ({@code <oAuth2>}) with the document's provenance, but only from HTTPS: over plain HTTP its URLs could send
 * the user to anyone's sign-in page, so they are left out with a note.
 *
 * <p>Immutable and thread-safe.
 */
final class AutoconfigSource implements Source {
    private final Function<String, List<URI>> locations;

    /** HTTPS only. */
    AutoconfigSource() {
        this(false);
    }

    /** With {@code allowPlainHttp}, the {@code http://} variants are asked too, after the HTTPS ones. */
    AutoconfigSource(boolean allowPlainHttp) {
        this(domain -> standardLocations(domain, allowPlainHttp));
    }

    /**
     * With other URLs for a domain, most preferred first ({@code Discovery.Builder.autoconfigLocations}: an
     * internal autoconfig service, or a test's server on loopback).
     */
    AutoconfigSource(Function<String, List<URI>> locations) {
        this.locations = Objects.requireNonNull(locations, "locations");
    }

    /** The standard URLs for {@code domain}, most preferred first. */
    static List<URI> standardLocations(String domain, boolean allowPlainHttp) {
        String host = domain.toLowerCase(Locale.ROOT);
        List<String> schemes = allowPlainHttp ? List.of("https", "http") : List.of("https");
        List<URI> uris = new ArrayList<>();
        for (String scheme : schemes) {
            uris.add(URI.create(scheme + "://autoconfig." + host + "/mail/config-v1.1.xml"));
            uris.add(URI.create(scheme + "://" + host + "/.well-known/autoconfig/mail/config-v1.1.xml"));
        }
        return List.copyOf(uris);
    }

    /** Only {@code http} and {@code https} URLs with a host can be fetched. */
    private static void checkWebUrl(URI uri) {
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("https") || scheme.equalsIgnoreCase("http"))
                || uri.getHost() == null) {
            throw new IllegalArgumentException("not an http or https URL: " + uri);
        }
    }

    @Override
    public String name() {
        return "autoconfig";
    }

    @Override
    public Findings find(Query query) throws InterruptedException {
        List<URI> uris;
        try {
            uris = List.copyOf(locations.apply(query.domain()));
            uris.forEach(AutoconfigSource::checkWebUrl);
        } catch (IllegalArgumentException | NullPointerException e) {
            return Findings.nothing("autoconfig: no URL for the domain " + query.domain() + " ("
                    + (e instanceof NullPointerException ? "a location is null" : e.getMessage()) + ")");
        }
        List<String> notes = new ArrayList<>();
        CappedHttp.Answer<ClientConfig.Candidates> answer = CappedHttp.firstGood("autoconfig", uris,
                query.context(), query.timeout(), ClientConfig.reader(query.account()), notes);
        Findings findings = new Findings();
        notes.forEach(findings::note);
        if (answer == null) {
            if (uris.isEmpty()) {
                findings.note("autoconfig: no URL to ask for " + query.domain());
            }
            return findings;
        }
        URI uri = answer.uri();
        Provenance provenance = Provenance.of(Provenance.Kind.AUTOCONFIG, uri.toString(),
                "https".equalsIgnoreCase(uri.getScheme()));
        answer.value().endpoints(provenance).forEach(findings::add);
        takeOAuth2("autoconfig", answer.value(), provenance, findings);
        int servers = answer.value().found().size();
        findings.note("autoconfig " + uri + ": " + servers + " server" + (servers == 1 ? "" : "s"));
        return findings;
    }

    /**
     * Adds the document's OAuth2 sign-in data to {@code findings} when {@code provenance} is trusted (HTTPS), or a
     * note saying why it is left out.
     */
    static void takeOAuth2(String label, ClientConfig.Candidates found, Provenance provenance, Findings findings) {
        found.oauth2().ifPresent(provider -> {
            if (provenance.isTrusted()) {
                findings.oauth2(provider, provenance);
            } else {
                findings.note(label + " " + provenance.origin() + ": its OAuth2 sign-in data is left out, as it came"
                        + " over plain HTTP");
            }
        });
    }

    @Override
    public String toString() {
        return "AutoconfigSource";
    }
}
