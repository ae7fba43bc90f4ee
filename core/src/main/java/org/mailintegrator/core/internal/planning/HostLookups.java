package org.mailintegrator.core.internal.planning;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import org.mailintegrator.core.internal.DaemonPools;
import org.mailintegrator.core.internal.Timeline;
import org.mailintegrator.core.spi.HostResolver;

/**
 * The host name lookups of one integration: each host is looked up once, on a lookup thread, so that a resolver
 * that hangs holds one of those threads and never an attempt; a lookup fails with a
 * {@link ResolveTimeoutException} at the connect timeout whatever the resolver does. Thread-safe.
 */
public final class HostLookups {
    private static final ThreadPoolExecutor LOOKUPS = DaemonPools.fixed("mailintegrator-lookup", 16);

    private final HostResolver resolver;
    private final Duration timeout;
    private final Timeline timeline;
    private final Map<String, CompletableFuture<List<InetAddress>>> lookups = new HashMap<>();

    public HostLookups(HostResolver resolver, Duration timeout, Timeline timeline) {
        this.resolver = resolver;
        this.timeout = timeout;
        this.timeline = timeline;
    }

    /** The addresses of {@code host}: waits for its lookup, which is bounded by the connect timeout. */
    public List<InetAddress> addresses(String host) throws IOException {
        try {
            return lookup(host).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while resolving " + host);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException) {
                throw (IOException) cause;
            }
            UnknownHostException unknown = new UnknownHostException(host + ": " + cause);
            unknown.initCause(cause);
            throw unknown;
        }
    }

    private synchronized CompletableFuture<List<InetAddress>> lookup(String host) {
        return lookups.computeIfAbsent(host.toLowerCase(Locale.ROOT), key -> {
            CompletableFuture<List<InetAddress>> addresses = new CompletableFuture<>();
            // the deadline is set before the lookup starts, so that it bounds the lookup from its first moment
            Timeline.Scheduled deadline = timeline.schedule(
                    () -> addresses.completeExceptionally(new ResolveTimeoutException(host, timeout)), timeout);
            addresses.whenComplete((found, failure) -> deadline.cancel());
            try {
                LOOKUPS.execute(() -> {
                    try {
                        List<InetAddress> found = resolver.resolve(host);
                        if (found == null || found.isEmpty()) {
                            throw new UnknownHostException(host + ": the resolver returned no address");
                        }
                        addresses.complete(List.copyOf(found)); // throws for a null address
                    } catch (Throwable failure) {
                        addresses.completeExceptionally(failure);
                    }
                });
            } catch (RejectedExecutionException e) {
                addresses.completeExceptionally(e);
            }
            return addresses;
        });
    }
}
