package org.mailintegrator.discovery;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.EnumMap;
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
 * {@code pop3.<d>}, {@code smtp.<d>}, {@code mail.<d>} and the bare domain, each looked up with the integrator's
 * {@link HostResolver} ({@code query.context().resolver()}); only the names of the protocols the query asks for
 * ({@code query.context().protocols()}).
 *
 * <p>The order of the proposals, for the names that resolve: the IMAP names first, {@code imap.<d>},
 * {@code mail.<d>}, {@code <d>}, each with IMAP over implicit TLS on 993 and then IMAP with STARTTLS on 143; then
 * the POP3 names, {@code pop.<d>}, {@code pop3.<d>}, {@code mail.<d>}, {@code <d>}, each with POP3 over implicit
 * TLS on 995 and then POP3 with STARTTLS on 110; then the SMTP names, {@code smtp.<d>}, {@code mail.<d>},
 * {@code <d>}, each with SMTP submission over implicit TLS on 465 and then with STARTTLS on 587 (RFC 8314). Dedicated
 * names come before the generic ones because a host called {@code imap.} is likelier to serve IMAP than the web
 * server at the bare domain. Nothing is proposed without TLS. Every proposal is untrusted:
 * {@code Provenance.of(GUESS, "guess <name>", false)}.
 *
 * <p>The names are looked up concurrently on a small shared pool of daemon threads (a resolver may block
 * without honouring interruption, as the JDK's does); the source waits at most the query's timeout for them, and a
 * name not resolved by then counts as not resolving. Instances are immutable and thread-safe.
 */
final class GuessSource implements Source {
    private static final int LOOKUP_THREADS = 8;
    private static final int QUEUED_LOOKUPS = 64;
    private static final ThreadPoolExecutor LOOKUPS =
            DaemonPools.fixed("mailintegrator-guess", LOOKUP_THREADS, new ArrayBlockingQueue<>(QUEUED_LOOKUPS));

    /** A guessed name: its prefix ({@code ""} for the bare domain). */
    private enum Guess {
        IMAP_HOST("imap."),
        POP_HOST("pop."),
        POP3_HOST("pop3."),
        SMTP_HOST("smtp."),
        MAIL_HOST("mail."),
        BARE("");

        private final String prefix;

        Guess(String prefix) {
            this.prefix = prefix;
        }
    }

    /**
     * What is proposed for each protocol, in this order: its names in the order they are proposed, each with its
     * implicit-TLS port and then its STARTTLS port.
     */
    private enum Proposal {
        IMAP(MailProtocol.IMAP, 993, 143, Guess.IMAP_HOST, Guess.MAIL_HOST, Guess.BARE),
        POP3(MailProtocol.POP3, 995, 110, Guess.POP_HOST, Guess.POP3_HOST, Guess.MAIL_HOST, Guess.BARE),
        SMTP(MailProtocol.SMTP, 465, 587, Guess.SMTP_HOST, Guess.MAIL_HOST, Guess.BARE);

        private final MailProtocol protocol;
        private final int tlsPort;
        private final int startTlsPort;
        private final List<Guess> names;

        Proposal(MailProtocol protocol, int tlsPort, int startTlsPort, Guess... names) {
            this.protocol = protocol;
            this.tlsPort = tlsPort;
            this.startTlsPort = startTlsPort;
            this.names = List.of(names);
        }
    }

    @Override
    public String name() {
        return "guess";
    }

    @Override
    public Findings find(Query query) throws InterruptedException {
        HostResolver resolver = query.context().resolver();
        long deadline = System.nanoTime() + query.timeout().toNanos();
        List<Proposal> proposals = Arrays.stream(Proposal.values())
                .filter(proposal -> query.context().protocols().contains(proposal.protocol)).toList();
        Map<Guess, CompletableFuture<Boolean>> lookups = new EnumMap<>(Guess.class);
        for (Proposal proposal : proposals) {
            for (Guess guess : proposal.names) {
                lookups.computeIfAbsent(guess, g -> resolves(resolver, g.prefix + query.domain()));
            }
        }

        Findings findings = new Findings();
        Map<Guess, Boolean> resolved = new EnumMap<>(Guess.class);
        try {
            for (Map.Entry<Guess, CompletableFuture<Boolean>> lookup : lookups.entrySet()) {
                String name = lookup.getKey().prefix + query.domain();
                resolved.put(lookup.getKey(), wait(name, lookup.getValue(), deadline, query, findings));
            }
        } catch (InterruptedException e) {
            lookups.values().forEach(lookup -> lookup.cancel(true));
            throw e;
        }

        for (Proposal proposal : proposals) {
            propose(proposal, resolved, query.domain(), findings);
        }
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

    private static void propose(Proposal proposal, Map<Guess, Boolean> resolved, String domain,
            Findings findings) {
        for (Guess guess : proposal.names) {
            if (!resolved.getOrDefault(guess, false)) {
                continue;
            }
            String name = guess.prefix + domain;
            Provenance provenance = Provenance.of(Provenance.Kind.GUESS, "guess " + name, false);
            findings.add(Endpoint.of(ProtocolCandidate.of(proposal.protocol, Security.IMPLICIT_TLS, name,
                    proposal.tlsPort), provenance));
            findings.add(Endpoint.of(ProtocolCandidate.of(proposal.protocol, Security.STARTTLS, name,
                    proposal.startTlsPort), provenance));
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
