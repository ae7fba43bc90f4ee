package org.mailintegrator.core;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.mailintegrator.core.internal.Json;

/**
 * Both directions of one account, integrated together: how it reads mail ({@link #incoming()}, an IMAP or POP3
 * policy) and how it sends it ({@link #outgoing()}, {@code Policies.submission()}). The two run at once, each under
 * its own integrator, so the pair takes about as long as the slower of the two; the pair is one value to save
 * ({@link #toJson()}), explain ({@link #explain()}) and integrate again from
 * ({@link #integrate(Integrator, Integrator, MailAccount, IntegrationPair)}).
 *
 * <pre>{@code
 * Integrator reading = Integrator.builder().policy(Policies.secure()).build();
 * Integrator sending = Integrator.builder().policy(Policies.submission()).build();
 * IntegrationPair both = IntegrationPair.integrate(reading, sending, account);
 * if (both.isIntegrated()) {
 *     try (Store store = JakartaMail.openStore(reading, account, both.incoming());
 *             Transport transport = JakartaMail.openTransport(sending, account, both.outgoing())) {
 *         ...
 *     }
 * }
 * String saved = both.toJson();   // later: IntegrationPair.integrate(reading, sending, account, IntegrationPair.fromJson(saved))
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param incoming the integration that reads mail
 * @param outgoing the integration that sends mail
 */
public record IntegrationPair(IntegrationResult incoming, IntegrationResult outgoing) {
    static final String FORMAT = "mailintegrator.pair";

    /**
     * A pair of results for one address.
     *
     * @throws IllegalArgumentException if the two results are for different addresses
     */
    public IntegrationPair {
        Objects.requireNonNull(incoming, "incoming");
        Objects.requireNonNull(outgoing, "outgoing");
        if (!incoming.emailAddress().equals(outgoing.emailAddress())) {
            throw new IllegalArgumentException("the results are for " + incoming.emailAddress() + " and "
                    + outgoing.emailAddress() + ": a pair is for one address");
        }
    }

    /**
     * Integrates {@code account} both ways at once: {@code incoming}'s policy for reading, {@code outgoing}'s for
     * sending (typically {@code Policies.submission()}). Each integrator applies its own settings (timeouts,
     * discovery, minimum security) to its own chain; the call returns when both are done.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException as {@link Integrator#integrate(MailAccount)}, for either policy
     * @throws CancellationException if the calling thread is interrupted; both integrations are stopped and the
     *     interrupt flag is kept
     */
    public static IntegrationPair integrate(Integrator incoming, Integrator outgoing, MailAccount account) {
        Objects.requireNonNull(incoming, "incoming");
        Objects.requireNonNull(outgoing, "outgoing");
        Objects.requireNonNull(account, "account");
        return both(incoming.integrateAsync(account), () -> outgoing.integrate(account));
    }

    /**
     * Integrates {@code account} both ways again from {@code previous}, each direction as
     * {@link Integrator#integrate(MailAccount, IntegrationResult)} does from its half: the remembered candidates are
     * tried first, at once.
     *
     * @throws IllegalArgumentException if {@code previous} is for another address, or as
     *     {@link #integrate(Integrator, Integrator, MailAccount)}
     * @throws CancellationException as {@link #integrate(Integrator, Integrator, MailAccount)}
     */
    public static IntegrationPair integrate(Integrator incoming, Integrator outgoing, MailAccount account,
            IntegrationPair previous) {
        Objects.requireNonNull(incoming, "incoming");
        Objects.requireNonNull(outgoing, "outgoing");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(previous, "previous");
        CompletableFuture<IntegrationResult> reading = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                reading.complete(incoming.integrate(account, previous.incoming()));
            } catch (RuntimeException | Error e) {
                reading.completeExceptionally(e);
            }
        }, "mailintegrator-pair");
        thread.setDaemon(true);
        thread.start();
        reading.whenComplete((result, failure) -> {
            if (reading.isCancelled()) {
                thread.interrupt();
            }
        });
        return both(reading, () -> outgoing.integrate(account, previous.outgoing()));
    }

    /** Runs {@code sending} on the calling thread while {@code reading} runs, and waits for both. */
    private static IntegrationPair both(CompletableFuture<IntegrationResult> reading,
            Supplier<IntegrationResult> sending) {
        IntegrationResult sent;
        try {
            sent = sending.get();
        } catch (RuntimeException | Error e) {
            reading.cancel(true);
            throw e;
        }
        try {
            return new IntegrationPair(reading.get(), sent);
        } catch (InterruptedException e) {
            reading.cancel(true);
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while integrating");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(cause);
        }
    }

    /** The address both results are for. */
    public String emailAddress() {
        return incoming.emailAddress();
    }

    /** Whether the account can both read and send: each direction selected a candidate. */
    public boolean isIntegrated() {
        return incoming.isIntegrated() && outgoing.isIntegrated();
    }

    /**
     * Whether the outgoing ports most likely are blocked by the network the integration ran on: every SMTP attempt
     * that reached no server went unanswered (a connect timeout), none authenticated, and an incoming server on one
     * of those hosts answered. A firewall or an ISP that drops outgoing mail ports looks exactly so; a host that is
     * down would not have answered for incoming mail either.
     */
    public boolean outgoingPortsLikelyBlocked() {
        if (outgoing.isIntegrated()) {
            return false;
        }
        java.util.Set<String> hostsThatAnswered = new java.util.HashSet<>();
        for (Attempt attempt : incoming.attempts()) {
            if (attempt.phase() != Phase.CONNECT && attempt.phase() != Phase.RESOLVE
                    && attempt.phase() != Phase.NOT_STARTED) {
                hostsThatAnswered.add(attempt.candidate().host());
            }
        }
        boolean unanswered = false;
        for (Attempt attempt : outgoing.attempts()) {
            if (attempt.outcome() == Outcome.TIMED_OUT && attempt.phase() == Phase.CONNECT) {
                if (!hostsThatAnswered.contains(attempt.candidate().host())) {
                    return false;
                }
                unanswered = true;
            } else if (attempt.phase() != Phase.NOT_STARTED) {
                return false;
            }
        }
        return unanswered;
    }

    /**
     * Why each direction is what it is, in the words of {@link IntegrationResult#explain()}: reading first, then
     * sending. When the outgoing ports went unanswered while the incoming server on the same host answered, the
     * sending part says that the network most likely blocks outgoing mail ports, and what to do.
     */
    public String explain() {
        return incoming.explain() + "\n" + outgoingExplanation().text();
    }

    /** The explanation of {@link #outgoing()}, knowing what {@link #incoming()} saw of the same hosts. */
    public Explanation outgoingExplanation() {
        return Explanation.of(outgoing, Explanation.englishWords(), outgoingPortsLikelyBlocked());
    }

    /**
     * This pair in its saved form: JSON, {@code "format": "mailintegrator.pair", "version": 1}, with both results in
     * their own saved form ({@link IntegrationResult#toJson()}) as {@code incoming} and {@code outgoing}. No secret.
     */
    public String toJson() {
        Map<String, Object> root = new java.util.LinkedHashMap<>();
        root.put("format", FORMAT);
        root.put("version", SavedResult.VERSION);
        root.put("emailAddress", emailAddress());
        root.put("incoming", Json.read(incoming.toJson()));
        root.put("outgoing", Json.read(outgoing.toJson()));
        return Json.write(root);
    }

    /**
     * Reads a pair saved by {@link #toJson()}.
     *
     * @throws IllegalArgumentException if {@code json} is not a saved pair of a version this library reads
     */
    public static IntegrationPair fromJson(String json) {
        Object parsed = Json.read(Objects.requireNonNull(json, "json"));
        if (!(parsed instanceof Map<?, ?> root) || !FORMAT.equals(root.get("format"))) {
            throw new IllegalArgumentException("not a saved pair: \"format\" is not \"" + FORMAT + "\"");
        }
        if (!Long.valueOf(SavedResult.VERSION).equals(root.get("version"))) {
            throw new IllegalArgumentException("a saved pair of version " + root.get("version")
                    + "; this library reads version " + SavedResult.VERSION);
        }
        if (root.get("incoming") == null || root.get("outgoing") == null) {
            throw new IllegalArgumentException("a saved pair needs \"incoming\" and \"outgoing\"");
        }
        return new IntegrationPair(IntegrationResult.fromJson(Json.write(root.get("incoming"))),
                IntegrationResult.fromJson(Json.write(root.get("outgoing"))));
    }
}
