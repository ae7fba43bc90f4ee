package org.mailintegrator.core.internal.planning;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.Phase;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.internal.Timeline;

/**
 * What one integrator remembers, across its integrations, about endpoints it could not connect to, so that the
 * next account on the same host does not wait for a connect timeout again. Opt-in
 * ({@code Integrator.Builder.rememberUnreachable}); without it no integration depends on what another one saw.
 *
 * <p><b>The key</b> is the endpoint as the candidate names it: its host name, in lower case, and its port
 * ({@link #endpoint}), the same key the connection limit counts against. Not the protocol or the security: a TCP
 * connect to a port does not depend on what is spoken over it afterwards, so IMAP with STARTTLS and cleartext IMAP
 * on port 143 share one fate. Not the resolved address either: an attempt races every address of the host, and it
 * fails to connect only when all of them failed, so "this host's port cannot be reached" is what a failure proves;
 * keying on the name also lets an entry be used before any lookup, so a remembered endpoint costs neither a DNS
 * query nor a connection. The integrator's resolver is fixed for its life, so the name means the same addresses
 * to every integration of it, up to DNS changes, which the entry's expiry bounds.
 *
 * <p><b>What is remembered</b>: only a try that failed to connect on its own, in {@link Phase#CONNECT}, as
 * {@link Outcome#REFUSED} or {@link Outcome#TIMED_OUT} (a firewall that rejects or drops, a stopped service, a
 * host that is down). Never a server's answer: not a rejected login, a busy server, a TLS failure, a protocol
 * error, a silent server that accepted the connection, nor a name that does not resolve. An endpoint that any try
 * connects to is forgotten at once ({@link #reachable}).
 *
 * <p><b>Bounds</b>: an entry expires {@code forHowLong} after it was noted, on the engine's {@link Timeline} clock;
 * at most {@code maxEndpoints} are kept, the least recently noted evicted first. Noting an endpoint again renews
 * its entry; recalling it does not, so that an endpoint is tried again at the latest {@code forHowLong} after the
 * last real failure. Expired entries are dropped as new ones are noted.
 *
 * <p>Thread-safe: every method holds this object's monitor briefly and does no I/O.
 */
public final class UnreachableMemory {
    /** What is known about an endpoint: the outcome of the try that could not connect, and how long ago. */
    public record Known(Outcome outcome, Duration ago) {
    }

    private record Entry(Outcome outcome, long notedAt) {
    }

    private final Duration forHowLong;
    private final long forNanos;
    private final int maxEndpoints;
    private final Timeline timeline;
    /** Oldest noting first: insertion order, an endpoint noted again is moved to the end. */
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();

    /**
     * @param forHowLong how long an entry is kept after it was noted; positive
     * @param maxEndpoints the most endpoints kept; at least 1
     * @param timeline the clock entries expire on
     */
    public UnreachableMemory(Duration forHowLong, int maxEndpoints, Timeline timeline) {
        if (forHowLong.isNegative() || forHowLong.isZero()) {
            throw new IllegalArgumentException("forHowLong must be positive, was " + forHowLong);
        }
        if (maxEndpoints < 1) {
            throw new IllegalArgumentException("maxEndpoints must be at least 1, was " + maxEndpoints);
        }
        this.forHowLong = forHowLong;
        this.forNanos = forHowLong.toNanos();
        this.maxEndpoints = maxEndpoints;
        this.timeline = timeline;
    }

    /** The key of {@code candidate}'s endpoint: host name in lower case, a colon, the port. */
    public static String endpoint(ProtocolCandidate candidate) {
        return candidate.host().toLowerCase(Locale.ROOT) + ":" + candidate.port();
    }

    /** How long an entry is kept after it was noted. */
    public Duration duration() {
        return forHowLong;
    }

    /** The most endpoints kept at once. */
    public int maxEndpoints() {
        return maxEndpoints;
    }

    /** What is known about {@code candidate}'s endpoint: empty unless it is remembered as unreachable now. */
    public synchronized Optional<Known> recall(ProtocolCandidate candidate) {
        String key = endpoint(candidate);
        Entry entry = entries.get(key);
        if (entry == null) {
            return Optional.empty();
        }
        long age = timeline.nanoTime() - entry.notedAt();
        if (age >= forNanos) {
            entries.remove(key);
            return Optional.empty();
        }
        return Optional.of(new Known(entry.outcome(), Duration.ofNanos(Math.max(age, 0))));
    }

    /**
     * Learns from the end of a try that failed or succeeded on its own (not one the race stopped): a failure to
     * connect ({@link Outcome#REFUSED} or {@link Outcome#TIMED_OUT} in {@link Phase#CONNECT}) is noted; a try
     * that got past the connect ({@link Phase#TLS}, {@link Phase#GREETING}, {@link Phase#LOGIN}) makes the
     * endpoint forgotten; anything else (a try that never started, a failed lookup) teaches nothing.
     *
     * @return whether the endpoint is now noted as unreachable
     */
    public boolean learn(ProtocolCandidate candidate, Outcome outcome, Phase phase) {
        switch (phase) {
            case TLS:
            case GREETING:
            case LOGIN:
                reachable(candidate);
                return false;
            case CONNECT:
                if (outcome == Outcome.REFUSED || outcome == Outcome.TIMED_OUT) {
                    note(endpoint(candidate), outcome);
                    return true;
                }
                return false;
            default:
                return false;
        }
    }

    /** A try connected to {@code candidate}'s endpoint: it is forgotten at once. */
    public synchronized void reachable(ProtocolCandidate candidate) {
        entries.remove(endpoint(candidate));
    }

    /** How many endpoints are remembered now (expired entries not counted). */
    public synchronized int size() {
        dropExpired(timeline.nanoTime());
        return entries.size();
    }

    private synchronized void note(String key, Outcome outcome) {
        long now = timeline.nanoTime();
        entries.remove(key);
        entries.put(key, new Entry(outcome, now));
        dropExpired(now);
        Iterator<Map.Entry<String, Entry>> oldest = entries.entrySet().iterator();
        while (entries.size() > maxEndpoints) {
            oldest.next();
            oldest.remove();
        }
    }

    /** Drops expired entries from the oldest end; entries are in the order they were noted. */
    private void dropExpired(long now) {
        Iterator<Entry> oldest = entries.values().iterator();
        while (oldest.hasNext()) {
            if (now - oldest.next().notedAt() < forNanos) {
                return;
            }
            oldest.remove();
        }
    }

    @Override
    public synchronized String toString() {
        return "UnreachableMemory{" + entries.size() + " of at most " + maxEndpoints + " endpoints, for "
                + forHowLong.toMillis() + " ms}";
    }
}
