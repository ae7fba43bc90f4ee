package org.mailintegrator.discovery;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Looks up SRV and MX records with dnsjava, each lookup bounded by a timeout: the timeout is shared out among the
 * servers' tries (dnsjava's {@code setTimeout} on each {@link SimpleResolver} and on the {@link ExtendedResolver}),
 * and the answer is waited for no longer than the timeout whatever dnsjava does. The servers are either the
 * system's ({@link ResolverConfig}, read at each lookup) or the ones the caller gives, on any port.
 *
 * <p>An answer says whether the resolver marked it DNSSEC-authenticated (the AD flag; the query asks for it). The
 * flag is only as trustworthy as the path to the resolver: a validating resolver on the same host or reached over a
 * protected channel, not one across an untrusted network.
 *
 * <p>A name that does not exist (NXDOMAIN) or has no records of the type is an empty answer; a server that does
 * not answer in time, answers SERVFAIL or refuses is an {@link IOException} saying so.
 *
 * <p>Instances are immutable and thread-safe: every lookup builds its own resolvers.
 */
final class DnsClient {
    /** Tries of each server within one lookup (UDP loses packets). */
    private static final int TRIES_PER_SERVER = 2;
    /** The shortest time one try is given, however short the lookup's timeout. */
    private static final Duration MIN_TRY = Duration.ofMillis(100);

    /** An SRV record (RFC 2782); {@code target} has no final dot and is {@code "."} for "not offered". */
    record Srv(int priority, int weight, int port, String target) {
        Srv {
            Objects.requireNonNull(target, "target");
        }

        /** Whether the target is {@code .}: the service is deliberately not offered at this name. */
        boolean notOffered() {
            return ".".equals(target);
        }
    }

    /** An MX record; {@code host} has no final dot and is {@code "."} for a null MX (RFC 7505). */
    record Mx(int preference, String host) {
        Mx {
            Objects.requireNonNull(host, "host");
        }
    }

    /**
     * The records of one answer, in the order the server gave them, and whether the resolver said it validated
     * them with DNSSEC (the AD flag).
     */
    record Answer<T>(List<T> records, boolean authenticated) {
        Answer {
            records = List.copyOf(records);
        }

        boolean isEmpty() {
            return records.isEmpty();
        }
    }

    private final List<InetSocketAddress> servers;

    private DnsClient(List<InetSocketAddress> servers) {
        this.servers = servers;
    }

    /** A client of the system's DNS servers, as dnsjava's {@link ResolverConfig} finds them at each lookup. */
    static DnsClient system() {
        return new DnsClient(List.of());
    }

    /**
     * A client of the given DNS servers, tried in order.
     *
     * @throws IllegalArgumentException if {@code servers} is empty
     */
    static DnsClient using(List<InetSocketAddress> servers) {
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("at least one DNS server is required");
        }
        return new DnsClient(List.copyOf(servers));
    }

    /** The servers a lookup starting now would ask. */
    List<InetSocketAddress> servers() {
        if (!servers.isEmpty()) {
            return servers;
        }
        List<InetSocketAddress> configured = ResolverConfig.getCurrentConfig().servers();
        return configured.isEmpty() ? List.of(new InetSocketAddress("127.0.0.1", 53)) : configured;
    }

    /**
     * The SRV records at {@code name} (e.g. {@code _imaps._tcp.example.com}), waiting at most {@code timeout}.
     *
     * @throws IOException if no server answered in time, or the answer was an error (SERVFAIL, REFUSED, ...)
     * @throws InterruptedException if interrupted while waiting
     */
    Answer<Srv> srv(String name, Duration timeout) throws IOException, InterruptedException {
        return await(srvAsync(name, timeout), name, "SRV", timeout);
    }

    /**
     * The MX records of {@code domain}, in the order the server gave them, waiting at most {@code timeout}.
     *
     * @throws IOException if no server answered in time, or the answer was an error (SERVFAIL, REFUSED, ...)
     * @throws InterruptedException if interrupted while waiting
     */
    Answer<Mx> mx(String domain, Duration timeout) throws IOException, InterruptedException {
        return await(mxAsync(domain, timeout), domain, "MX", timeout);
    }

    /**
     * Starts an SRV lookup without blocking: dnsjava sends and receives on its own I/O thread. The future fails
     * with an {@link IOException} as {@link #srv} throws it, at the latest when {@code timeout} has passed;
     * cancelling it abandons the lookup.
     */
    CompletableFuture<Answer<Srv>> srvAsync(String name, Duration timeout) {
        return lookup(name, Type.SRV, timeout, record -> {
            SRVRecord srv = (SRVRecord) record;
            return new Srv(srv.getPriority(), srv.getWeight(), srv.getPort(), hostName(srv.getTarget()));
        });
    }

    /** Starts an MX lookup without blocking; see {@link #srvAsync}. */
    CompletableFuture<Answer<Mx>> mxAsync(String domain, Duration timeout) {
        return lookup(domain, Type.MX, timeout, record -> {
            MXRecord mx = (MXRecord) record;
            return new Mx(mx.getPriority(), hostName(mx.getTarget()));
        });
    }

    private <T> CompletableFuture<Answer<T>> lookup(String name, int type, Duration timeout,
            Function<Record, T> convert) {
        Objects.requireNonNull(name, "name");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        String what = Type.string(type) + " " + name;
        Message query;
        try {
            Name qname = Name.fromString(name, Name.root);
            query = Message.newQuery(Record.newRecord(qname, type, DClass.IN));
        } catch (TextParseException e) {
            return CompletableFuture.failedFuture(new IOException("not a DNS name: " + name, e));
        }
        // RFC 6840 section 5.7: ask a validating resolver to say whether it validated the answer
        query.getHeader().setFlag(Flags.AD);

        List<InetSocketAddress> targets = servers();
        ExtendedResolver resolver = resolver(targets, timeout);
        CompletableFuture<Answer<T>> answer = new CompletableFuture<>();
        CompletableFuture<Message> sent = resolver.sendAsync(query).toCompletableFuture();
        sent.whenComplete((response, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                answer.completeExceptionally(new IOException(what + ": no answer from " + describe(targets)
                        + " within " + timeout.toMillis() + " ms (" + reason(cause) + ")", cause));
                return;
            }
            try {
                answer.complete(answer(response, type, what, convert));
            } catch (IOException | RuntimeException e) {
                answer.completeExceptionally(e);
            }
        });
        // The hard bound: whatever dnsjava does, the answer is given up at the timeout. Run on the JDK's delay
        // thread itself (not the common pool, which may be busy), as it only completes the future.
        CompletableFuture.delayedExecutor(timeout.toNanos(), TimeUnit.NANOSECONDS, Runnable::run).execute(() ->
                answer.completeExceptionally(new IOException(what + ": no answer from " + describe(targets)
                        + " within " + timeout.toMillis() + " ms")));
        // given up (answered, timed out, cancelled): dnsjava's tries end at their own, shorter, timeouts
        answer.whenComplete((result, failure) -> sent.cancel(false));
        return answer;
    }

    private static String reason(Throwable cause) {
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }

    private static <T> Answer<T> answer(Message response, int type, String what, Function<Record, T> convert)
            throws IOException {
        int rcode = response.getRcode();
        boolean authenticated = response.getHeader().getFlag(Flags.AD);
        if (rcode == Rcode.NXDOMAIN) {
            return new Answer<>(List.of(), authenticated);
        }
        if (rcode != Rcode.NOERROR) {
            throw new IOException(what + ": the DNS server answered " + Rcode.string(rcode));
        }
        List<T> records = new ArrayList<>();
        for (Record record : response.getSection(Section.ANSWER)) {
            if (record.getType() == type) {
                records.add(convert.apply(record));
            }
        }
        return new Answer<>(records, authenticated);
    }

    private static ExtendedResolver resolver(List<InetSocketAddress> targets, Duration timeout) {
        long perTry = Math.max(MIN_TRY.toMillis(), timeout.toMillis() / ((long) targets.size() * TRIES_PER_SERVER));
        List<Resolver> simple = new ArrayList<>(targets.size());
        for (InetSocketAddress target : targets) {
            SimpleResolver one = new SimpleResolver(target);
            one.setTimeout(Duration.ofMillis(perTry));
            simple.add(one);
        }
        ExtendedResolver resolver = new ExtendedResolver(simple);
        resolver.setRetries(TRIES_PER_SERVER);
        resolver.setTimeout(timeout); // ExtendedResolver: no further tries after this
        return resolver;
    }

    private static <T> Answer<T> await(CompletableFuture<Answer<T>> lookup, String name, String type,
            Duration timeout) throws IOException, InterruptedException {
        try {
            // the future ends itself at the timeout; the margin only guards against a scheduler that is late
            return lookup.get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            lookup.cancel(false);
            throw e;
        } catch (TimeoutException e) {
            lookup.cancel(false);
            throw new IOException(type + " " + name + ": no answer within " + timeout.toMillis() + " ms");
        } catch (CancellationException e) {
            throw new IOException(type + " " + name + ": the lookup was cancelled", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException) {
                throw (IOException) cause;
            }
            throw new IOException(type + " " + name + ": " + cause, cause);
        }
    }

    /** A name without its final dot, lower case; the root is {@code "."}. */
    static String hostName(Name name) {
        if (name.equals(Name.root)) {
            return ".";
        }
        return name.toString(true).toLowerCase(Locale.ROOT);
    }

    private static String describe(List<InetSocketAddress> targets) {
        List<String> out = new ArrayList<>();
        for (InetSocketAddress target : targets) {
            out.add(target.getHostString() + ":" + target.getPort());
        }
        return out.size() == 1 ? out.get(0) : out.toString();
    }

    @Override
    public String toString() {
        return "DnsClient" + (servers.isEmpty() ? "{system}" : servers.toString());
    }
}
