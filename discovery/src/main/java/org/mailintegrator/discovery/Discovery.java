package org.mailintegrator.discovery;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.mailintegrator.core.DiscoveredHosts;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.spi.DiscoveryContext;
import org.mailintegrator.core.spi.HostDiscovery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds an account's servers from its address, for {@code Integrator.builder().discovery(Discovery.standard())}.
 *
 * <p>The sources run concurrently and are decided by priority: the provider's autoconfig over HTTPS, DNS SRV
 * records (RFC 6186), the bundled snapshot of Mozilla's ISPDB, the MX records looked up in those sources, and
 * guesses ({@code imap.}, {@code pop.}, {@code mail.}, the bare domain). A source's answer wins once every higher
 * one has answered or failed; lower ones are then cancelled. Each source has its own deadline and the whole search
 * has one (default {@value #DEFAULT_DEADLINE_MILLIS} ms), whatever DNS and HTTP do. Every server carries its
 * {@link org.mailintegrator.core.Provenance}; the integrator gives credentials only to trusted ones, to hosts
 * within the address's domain, or to hosts the caller approves.
 *
 * <p>By default nothing leaves for a third party: the address is sent to no one, the ISPDB is the bundled copy,
 * and autoconfig is fetched over HTTPS only. Instances are immutable and thread-safe.
 */
public final class Discovery implements HostDiscovery {
    private static final Logger log = LoggerFactory.getLogger(Discovery.class);

    /** The default bound of a whole search, in milliseconds. */
    public static final long DEFAULT_DEADLINE_MILLIS = 5_000;

    private static final ThreadPoolExecutor LOOKUPS = lookupPool();

    private final List<Source> sources;
    private final Duration deadline;

    Discovery(List<Source> sources, Duration deadline) {
        this.sources = List.copyOf(sources);
        this.deadline = deadline;
    }

    /** The sources in priority order. */
    List<Source> sources() {
        return sources;
    }

    @Override
    public DiscoveredHosts discover(MailAccount account, DiscoveryContext context) {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(context, "context");
        long start = System.nanoTime();
        long end = start + deadline.toNanos();
        Query query = new Query(account.domain(), account, context, deadline);
        List<Future<Findings>> running = new ArrayList<>();
        for (Source source : sources) {
            running.add(LOOKUPS.submit(() -> source.find(query)));
        }
        DiscoveredHosts.Builder found = DiscoveredHosts.builder(account.domain());
        try {
            for (int i = 0; i < sources.size(); i++) {
                Source source = sources.get(i);
                Findings findings = await(source, running.get(i), end, found);
                if (findings == null) {
                    continue;
                }
                findings.notes().forEach(found::note);
                if (findings.decides()) {
                    findings.endpoints().forEach(found::add);
                    findings.notOffered().forEach(n -> found.notOffered(n.protocol(), n.security(), n.reason()));
                    found.note(source.name() + " decided, after " + millis(System.nanoTime() - start)
                            + (i + 1 < sources.size() ? "; the sources below it were not needed" : ""));
                    break;
                }
            }
        } finally {
            running.forEach(future -> future.cancel(true));
        }
        DiscoveredHosts discovered = found.build();
        log.debug("{}", discovered);
        return discovered;
    }

    /** The findings of one source, or null when it failed or ran out of time (said in a note). */
    private static Findings await(Source source, Future<Findings> future, long end, DiscoveredHosts.Builder found) {
        try {
            return future.get(Math.max(end - System.nanoTime(), 0), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            found.note(source.name() + ": no answer within the discovery deadline");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            found.note(source.name() + ": " + (cause instanceof IOException ? cause.getMessage()
                    : "failed (" + cause + ")"));
            if (!(cause instanceof IOException)) {
                log.warn("The discovery source {} failed", source.name(), cause);
            }
        } catch (CancellationException e) {
            found.note(source.name() + ": cancelled");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            found.note(source.name() + ": interrupted");
        }
        return null;
    }

    private static String millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos) + " ms";
    }

    /** Where every source runs: daemon threads that end a second after their work. */
    private static ThreadPoolExecutor lookupPool() {
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(32, 32, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                runnable -> {
                    Thread thread = new Thread(runnable, "mailintegrator-discovery-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    @Override
    public String toString() {
        List<String> names = new ArrayList<>();
        sources.forEach(source -> names.add(source.name()));
        return "Discovery" + names + " within " + deadline.toMillis() + " ms";
    }
}
