package org.mailintegrator.core.spi;

import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * What the integrator lends a {@link HostDiscovery}: its TLS context, which every TLS connection the integrator
 * makes uses (autoconfig included), and its host resolver. Immutable and thread-safe.
 */
public final class DiscoveryContext {
    private final SSLContext sslContext;
    private final HostResolver resolver;

    private DiscoveryContext(SSLContext sslContext, HostResolver resolver) {
        this.sslContext = sslContext;
        this.resolver = resolver;
    }

    public static DiscoveryContext of(SSLContext sslContext, HostResolver resolver) {
        return new DiscoveryContext(Objects.requireNonNull(sslContext, "sslContext"),
                Objects.requireNonNull(resolver, "resolver"));
    }

    /** The integrator's TLS context: the JDK's trust store unless the caller gave another. */
    public SSLContext sslContext() {
        return sslContext;
    }

    /** The integrator's host resolver. */
    public HostResolver resolver() {
        return resolver;
    }
}
