package org.mailintegrator.discovery;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.mailintegrator.core.Endpoint;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Provenance;
import org.mailintegrator.core.Security;
import org.mailintegrator.core.internal.DaemonPools;
import org.mailintegrator.core.spi.HostResolver;

/**
 * Guesses the usual server names of a domain and proposes those that resolve: {@code imap.<d>}, {@code pop.<d>},
 * {@code pop3.<d>}, {@code mail.<d>} and the bare domain, each looked up with the integrator's
 * {@link HostResolver} ({@code query.context().resolver()}).
 *
 * <p>The order of the proposals, for the names that resolve: the IMAP names first, {@code imap.<d>},
 * {@code mail.<d>}, {@code <d>}, each with IMAP over implicit TLS on 993 and then IMAP with STARTTLS on 143; then
 * the POP3 names, {@code pop.<d>}, {@code pop3.<d>}, {@code mail.<d>}, {@code <d>}, each with POP3 over implicit
 * TLS on 995 and then POP3 with STARTTLS on 110. Dedicated names come before the generic ones because a host
 * called {@code imap.} is likelier to serve IMAP than the web server at the bare domain. Nothing is proposed
 * without TLS. Every proposal is untrusted: {@code Provenance.of(GUESS, "guess <name>", false)}.
 *
 * <p>The five names are looked up concurrently on a small shared pool of daemon threads (a resolver may block
 * without honouring interruption, as the JDK's does); the source waits at most the query's timeout for them, and a
 * name not resolved by then counts as not resolving. Instances are immutable and thread-safe.
 */
final class GuessSource implements Source {
    private static final int LOOKUP_THREADS = 8;
    private static final int QUEUED_LOOKUPS = 64;
    private static final ThreadPoolExecutor LOOKUPS =
            DaemonPools.fixed("mailintegrator-guess", LOOKUP_THREADS, new ArrayBlockingQueue<>(QUEUED_LOOKUPS));

    /** A guessed name's prefix ({@code ""} for the bare domain) and the protocols proposed on it. */
    private enum Guess {
        IMAP_HOST("imap.", MailProtocol.IMAP),
        POP_HOST("pop.", MailProtocol.POP3),
        POP3_HOST("pop3.", MailProtocol.POP3),
        MAIL_HOST("mail.", MailProtocol.IMAP, MailProtocol.POP3),
        BARE("", MailProtocol.IMAP, MailProtocol.POP3);

        private final String prefix;
        private final List<MailProtocol> protocols;

        Guess(String prefix, MailProtocol... protocols) {
            this.prefix = prefix;
            this.protocols = List.of(protocols);
        }
    }

    /** The names in the order they are proposed for IMAP, then for POP3. */
    private static final List<Guess> IMAP_ORDER = List.of(Guess.IMAP_HOST, Guess.MAIL_HOST, Guess.BARE);
    private static final List<Guess> POP3_ORDER = List.of(Guess.POP_HOST, Guess.POP3_HOST, Guess.MAIL_HOST,
            Guess.BARE);

    @Override
    public String name() {
        return "guess";
    }

    @Override
    public Findings find(Query query) throws InterruptedException {
        HostResolver resolver = query.context().resolver();
        long deadline = System.nanoTime() + query.timeout().toNanos();
        Map<Guess, CompletableFuture<Boolean>> lookups = new LinkedHashMap<>();
        for (Guess guess : Guess.values()) {
            lookups.put(guess, resolves(resolver, guess.prefix + query.domain()));
        }

        Findings findings = new Findings();
        Map<Guess, Boolean> resolved = new LinkedHashMap<>();
        try {
            for (Map.Entry<Guess, CompletableFuture<Boolean>> lookup : lookups.entrySet()) {
                String name = lookup.getKey().prefix + query.domain();
                resolved.put(lookup.getKey(), wait(name, lookup.getValue(), deadline, query, findings));
            }
        } catch (InterruptedException e) {
            lookups.values().forEach(lookup -> lookup.cancel(true));
            throw e;
        }

        propose(MailProtocol.IMAP, IMAP_ORDER, resolved, query.domain(), findings);
        propose(MailProtocol.POP3, POP3_ORDER, resolved, query.domain(), findings);
        return findings;
    }

    private static boolean wait(String name, CompletableFuture<Boolean> lookup, long deadline, Query query,
            Findings findings) throws InterruptedException {
        try {
            boolean found = lookup.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            findings.note("guess " + name + ": " + (found ? "resolves" : "does not resolve"));
            return found;
        } catch (TimeoutException e) {
            lookup.cancel(true);
            findings.note("guess " + name + ": not resolved within " + query.timeout().toMillis() + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            findings.note("guess " + name + ": lookup failed: "
                    + (cause instanceof RejectedExecutionException ? "too many lookups in progress" : cause));
        }
        return false;
    }

    private static void propose(MailProtocol protocol, List<Guess> order, Map<Guess, Boolean> resolved,
            String domain, Findings findings) {
        for (Guess guess : order) {
            if (!resolved.getOrDefault(guess, false) || !guess.protocols.contains(protocol)) {
                continue;
            }
            String name = guess.prefix + domain;
            Provenance provenance = Provenance.of(Provenance.Kind.GUESS, "guess " + name, false);
            int tlsPort = protocol == MailProtocol.IMAP ? 993 : 995;
            int startTlsPort = protocol == MailProtocol.IMAP ? 143 : 110;
            findings.add(Endpoint.of(ProtocolCandidate.of(protocol, Security.IMPLICIT_TLS, name, tlsPort), provenance));
            findings.add(Endpoint.of(ProtocolCandidate.of(protocol, Security.STARTTLS, name, startTlsPort),
                    provenance));
        }
    }

    /** Whether {@code name} resolves to at least one address, looked up on the pool. */
    private static CompletableFuture<Boolean> resolves(HostResolver resolver, String name) {
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        try {
            LOOKUPS.execute(() -> {
                if (result.isDone()) {
                    return; // given up before a thread was free
                }
                try {
                    List<InetAddress> addresses = resolver.resolve(name);
                    result.complete(addresses != null && !addresses.isEmpty());
                } catch (UnknownHostException e) {
                    result.complete(false);
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(e);
        }
        return result;
    }
}
