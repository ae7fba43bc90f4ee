package org.mailintegrator.core.spi;

import java.util.Objects;
import javax.net.ssl.SSLContext;
import org.mailintegrator.core.DiscoveredHosts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the integrator lends a {@link HostDiscovery}: its TLS context, which every TLS connection the integrator
 * makes uses (autoconfig included), its host resolver, and where to tell each source's answer as it comes
 * ({@link #sourceAnswered}), for the application's {@code IntegrationListener}. Immutable and thread-safe.
 */
public final class DiscoveryContext {
    private static final Logger log = LoggerFactory.getLogger(DiscoveryContext.class);

    private final SSLContext sslContext;
    private final HostResolver resolver;
    private final SourceListener sources;

    private DiscoveryContext(SSLContext sslContext, HostResolver resolver, SourceListener sources) {
        this.sslContext = sslContext;
        this.resolver = resolver;
        this.sources = sources;
    }

    /** A context whose {@link #sourceAnswered} goes nowhere. */
    public static DiscoveryContext of(SSLContext sslContext, HostResolver resolver) {
        return new DiscoveryContext(Objects.requireNonNull(sslContext, "sslContext"),
                Objects.requireNonNull(resolver, "resolver"), SourceListener.NONE);
    }

    /** This context, with {@link #sourceAnswered} handed to {@code listener} (instead of the one it had). */
    public DiscoveryContext withSourceListener(SourceListener listener) {
        return new DiscoveryContext(sslContext, resolver, Objects.requireNonNull(listener, "listener"));
    }

    /** The integrator's TLS context: the JDK's trust store unless the caller gave another. */
    public SSLContext sslContext() {
        return sslContext;
    }

    /** The integrator's host resolver. */
    public HostResolver resolver() {
        return resolver;
    }

    /**
     * Tells the integrator (and the application's listener) what one source answered, as soon as it answers: a
     * {@link HostDiscovery} calls it once per source whose answer it took (what the source alone found, or notes
     * saying why nothing), before {@code discover} returns (the integrator ignores a later call). Never throws:
     * what the listener throws is logged and ignored.
     *
     * @param source the source's short name, e.g. {@code srv}
     */
    public void sourceAnswered(String source, DiscoveredHosts answer) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(answer, "answer");
        try {
            sources.sourceAnswered(source, answer);
        } catch (RuntimeException e) {
            log.warn("The discovery source listener {} threw for {}; ignored", sources, source, e);
        }
    }

    /**
     * Hears each source's answer during one {@link HostDiscovery#discover} call. Called from the discovery's
     * threads, possibly concurrently; must be fast.
     */
    @FunctionalInterface
    public interface SourceListener {
        /** A listener that does nothing. */
        SourceListener NONE = (source, answer) -> {
        };

        /** {@code source} answered {@code answer}; see {@link DiscoveryContext#sourceAnswered}. */
        void sourceAnswered(String source, DiscoveredHosts answer);
    }
}
