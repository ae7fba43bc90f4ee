package org.mailintegrator.core.spi;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.mailintegrator.core.DiscoveredHosts;
import org.mailintegrator.core.MailProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the integrator lends a {@link HostDiscovery}: its TLS context, which every TLS connection the integrator
 * makes uses (autoconfig included), its host resolver, the protocols the integration needs servers for
 * ({@link #protocols()}), and where to tell each source's answer as it comes ({@link #sourceAnswered}), for the
 * application's {@code IntegrationListener}. Immutable and thread-safe.
 */
public final class DiscoveryContext {
    private static final Logger log = LoggerFactory.getLogger(DiscoveryContext.class);

    private final SSLContext sslContext;
    private final HostResolver resolver;
    private final SourceListener sources;
    private final Set<MailProtocol> protocols;

    private DiscoveryContext(SSLContext sslContext, HostResolver resolver, SourceListener sources,
            Set<MailProtocol> protocols) {
        this.sslContext = sslContext;
        this.resolver = resolver;
        this.sources = sources;
        this.protocols = protocols;
    }

    /** A context whose {@link #sourceAnswered} goes nowhere, for servers of every protocol. */
    public static DiscoveryContext of(SSLContext sslContext, HostResolver resolver) {
        return new DiscoveryContext(Objects.requireNonNull(sslContext, "sslContext"),
                Objects.requireNonNull(resolver, "resolver"), SourceListener.NONE, Collections.unmodifiableSet(EnumSet.allOf(MailProtocol.class)));
    }

    /** This context, with {@link #sourceAnswered} handed to {@code listener} (instead of the one it had). */
    public DiscoveryContext withSourceListener(SourceListener listener) {
        return new DiscoveryContext(sslContext, resolver, Objects.requireNonNull(listener, "listener"), protocols);
    }

    /**
     * This context, for an integration that needs servers of {@code protocols} only: e.g. {@code SMTP} for where
     * the account sends mail.
     *
     * @throws IllegalArgumentException if {@code protocols} is empty
     */
    public DiscoveryContext withProtocols(Set<MailProtocol> protocols) {
        Objects.requireNonNull(protocols, "protocols");
        if (protocols.isEmpty()) {
            throw new IllegalArgumentException("protocols must name at least one protocol");
        }
        return new DiscoveryContext(sslContext, resolver, sources, Collections.unmodifiableSet(EnumSet.copyOf(protocols)));
    }

    /**
     * The protocols the integration needs servers for (every protocol unless {@link #withProtocols} said
     * otherwise). A discovery may stop searching once it has decided these, and may also return servers of others.
     */
    public Set<MailProtocol> protocols() {
        return protocols;
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
