package org.mailintegrator.core.internal.engine;

import java.io.IOException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.DiscoveredHosts;
import org.mailintegrator.core.Explanation;
import org.mailintegrator.core.IntegrationListener.Integration;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.UpgradeCheck;
import org.mailintegrator.core.internal.CoreAccess;
import org.mailintegrator.core.internal.Credentials;
import org.mailintegrator.core.internal.DiscoveryEvents;
import org.mailintegrator.core.internal.Wording;
import org.mailintegrator.core.internal.planning.CredentialRelease;
import org.mailintegrator.core.internal.racing.Race;
import org.mailintegrator.core.spi.HostDiscovery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One use case of an integrator for one account, run end to end:
 * <ol>
 *   <li>discovery, when the integrator has one and the caller gave no host for a protocol the policy lists; the
 *       listener hears it;</li>
 *   <li>the policy's chain for the account, checked (not null, not empty, no null, no duplicate) before any
 *       network I/O;</li>
 *   <li>the candidates to try: the whole chain ({@link #execute()}, {@link #enqueue()}), the one a saved result
 *       selected and then the chain ({@link #reuse}), or those more preferred than it ({@link #checkUpgrade});</li>
 *   <li>the credentials, read once: a token source is asked for its token here; when it gives none, the race skips
 *       every candidate of the chain and says why;</li>
 *   <li>the race the {@link Engine} plans and runs, awaited on the caller's thread or completing a future; the race
 *       makes every result and tells the listener every event;</li>
 *   <li>the result, logged under {@code org.mailintegrator.core.Integrator}.</li>
 * </ol>
 * A call is used once, by one thread at a time; the integrator makes one per use case.
 */
public final class IntegrationCall {
    private static final Logger log = LoggerFactory.getLogger("org.mailintegrator.core.Integrator");
    /** Numbers every integration in this JVM, for the listener's handles. */
    private static final AtomicLong INTEGRATIONS = new AtomicLong();

    private final Engine engine;
    private final MailAccount account;
    private @Nullable DiscoveredHosts discovered;
    private List<ProtocolCandidate> chain = List.of();
    private @Nullable Credentials credentials;
    private @Nullable IOException noToken;
    private @Nullable Set<MailProtocol> toDiscover;

    /** @throws NullPointerException if {@code account} is null */
    public IntegrationCall(Engine engine, MailAccount account) {
        this.engine = engine;
        this.account = Objects.requireNonNull(account, "account");
    }

    /** Integrates the account with the policy's whole chain, on the calling thread. */
    public IntegrationResult execute() {
        plan();
        return logged(await(race(chain)));
    }

    /**
     * Integrates the account again from {@code previous}: its selected candidate alone first when it may be reused
     * under today's chain and minimum security, and the whole chain when it may not or no longer works.
     */
    public IntegrationResult reuse(IntegrationResult previous) {
        requireSameAddress(previous);
        plan();
        Optional<ProtocolCandidate> remembered = hasCredentials() ? reusable(previous) : Optional.empty();
        if (remembered.isPresent()) {
            IntegrationResult again = await(race(List.of(remembered.get())));
            if (again.isIntegrated()) {
                return logged(CoreAccess.get().madeUnder(again, chain));
            }
            log.info("The remembered {} of {} no longer works ({}); trying the whole chain", remembered.get(),
                    account.emailAddress(), again.attempts().get(0).outcome());
        }
        return logged(await(race(chain)));
    }

    /**
     * Tries the part of the chain more preferred than the candidate {@code previous} selected: the whole chain when
     * it selected nothing, every candidate but it when the chain no longer lists it, nothing (no credential read, no
     * event) when it is the most preferred.
     */
    public UpgradeCheck checkUpgrade(IntegrationResult previous) {
        requireSameAddress(previous);
        ProtocolCandidate current = previous.selected().orElse(null);
        plan();
        List<ProtocolCandidate> better = current == null ? chain
                : chain.contains(current) ? chain.subList(0, chain.indexOf(current))
                : chain.stream().filter(candidate -> !candidate.equals(current)).toList();
        if (better.isEmpty()) {
            return CoreAccess.get().upgradeCheck(current,
                    IntegrationResult.of(account.emailAddress(), List.of(), Duration.ZERO));
        }
        UpgradeCheck check = CoreAccess.get().upgradeCheck(current, await(race(better)));
        log.info("{}", check.summary());
        return check;
    }

    /**
     * Integrates the account with the policy's whole chain without blocking the caller: discovery and a token
     * source, which may block, run on the executor; without them the race starts on the calling thread. What
     * {@link #execute()} would throw fails the future instead; cancelling the future stops the race.
     */
    public CompletableFuture<IntegrationResult> enqueue() {
        CompletableFuture<IntegrationResult> caller = new CompletableFuture<>();
        Runnable start = () -> {
            if (!caller.isDone()) {
                plan();
                forward(race(chain), caller);
            }
        };
        if (!needsDiscovery() && CoreAccess.get().tokenSource(account) == null) {
            try {
                start.run();
            } catch (RuntimeException invalid) {
                caller.completeExceptionally(invalid);
            }
            return caller;
        }
        CompletableFuture.runAsync(start, engine.executor()).whenComplete((done, failure) -> {
            if (failure != null) {
                caller.completeExceptionally(failure instanceof CompletionException ? failure.getCause() : failure);
            }
        });
        return caller;
    }

    /** Steps 1 and 2: what discovery finds, then the policy's chain, checked. */
    private void plan() {
        discovered = discover();
        DiscoveredHosts found = discovered;
        List<ProtocolCandidate> listed = Objects.requireNonNull(found == null
                ? engine.settings().policy().candidates(account)
                : engine.settings().policy().candidates(account, found),
                "the policy returned null instead of a list of candidates");
        if (listed.isEmpty()) {
            throw new IllegalArgumentException("the policy returned no candidate for " + account.emailAddress());
        }
        Set<ProtocolCandidate> seen = new HashSet<>();
        for (ProtocolCandidate candidate : listed) {
            Objects.requireNonNull(candidate, () -> "the policy returned a null candidate: " + listed);
            if (!seen.add(candidate)) {
                throw new IllegalArgumentException("the policy returned " + candidate + " twice: " + listed);
            }
        }
        chain = List.copyOf(listed);
    }

    private boolean needsDiscovery() {
        return !toDiscover().isEmpty();
    }

    /**
     * The protocols discovery must find servers for: those the policy lists for the account as given whose host the
     * caller did not give (a submission policy needs an SMTP host, an incoming one IMAP and POP3 hosts); none
     * without a discovery. A policy that lists nothing, or throws, without what discovery finds has every protocol
     * looked for.
     */
    private Set<MailProtocol> toDiscover() {
        Set<MailProtocol> protocols = toDiscover;
        if (protocols == null) {
            protocols = engine.settings().discovery() == null ? Set.of() : withoutGivenHost(listedProtocols());
            toDiscover = protocols;
        }
        return protocols;
    }

    private Set<MailProtocol> listedProtocols() {
        Set<MailProtocol> listed = EnumSet.noneOf(MailProtocol.class);
        try {
            List<ProtocolCandidate> candidates = engine.settings().policy().candidates(account);
            if (candidates != null) {
                candidates.stream().filter(Objects::nonNull).forEach(candidate -> listed.add(candidate.protocol()));
            }
        } catch (RuntimeException e) {
            log.debug("The policy needs what discovery finds for {}: {}", account.emailAddress(), e.toString());
        }
        return listed.isEmpty() ? EnumSet.allOf(MailProtocol.class) : listed;
    }

    private Set<MailProtocol> withoutGivenHost(Set<MailProtocol> protocols) {
        Set<MailProtocol> missing = EnumSet.copyOf(protocols);
        missing.removeIf(account::givesHost);
        return missing;
    }

    /**
     * What discovery finds for the account, or null when it does not run (not set, or the caller gave hosts). The
     * listener hears it start, each source's answer, and its end, before the integration's start.
     */
    private @Nullable DiscoveredHosts discover() {
        HostDiscovery finder = engine.settings().discovery();
        if (finder == null || !needsDiscovery()) {
            return null;
        }
        return DiscoveryEvents.discover(finder, account, engine.discoveryContext().withProtocols(toDiscover()),
                engine.listener(), this::integration);
    }

    /** Step 4: whether there are credentials to send; a token source is asked once per call. */
    private boolean hasCredentials() {
        if (credentials == null && noToken == null) {
            try {
                credentials = CoreAccess.get().credentials(account);
            } catch (IOException e) {
                noToken = e;
            }
        }
        return credentials != null;
    }

    /**
     * Step 5: the race over {@code candidates}, not started, after the listener heard the integration start; without
     * credentials, one over the whole chain that skips every candidate.
     */
    private Race race(List<ProtocolCandidate> candidates) {
        Integration integration = integration();
        Credentials given = hasCredentials() ? credentials : null;
        if (given == null) {
            IOException failure = Objects.requireNonNull(noToken, "noToken");
            engine.listener().integrationStart(integration, chain);
            return engine.withoutCredentials(integration, chain, Wording.noAccessToken(failure.getMessage() == null
                    ? failure.getClass().getName() : failure.getMessage()), Explanation.Cause.NO_ACCESS_TOKEN,
                    discovered);
        }
        engine.listener().integrationStart(integration, candidates);
        DiscoveredHosts found = discovered;
        CredentialRelease release = found == null ? CredentialRelease.CALLER_HOSTS
                : CredentialRelease.discovered(account, found, engine.settings().approval());
        return engine.race(integration, given, candidates, release, found);
    }

    private Integration integration() {
        return new Integration(INTEGRATIONS.incrementAndGet(), account.emailAddress());
    }

    /** The candidate {@code previous} selected, if it may be tried alone under the chain; why not is logged. */
    private Optional<ProtocolCandidate> reusable(IntegrationResult previous) {
        Optional<ProtocolCandidate> selected = previous.selected();
        if (selected.isEmpty()) {
            return Optional.empty();
        }
        ProtocolCandidate candidate = selected.get();
        String notReused = null;
        if (!previous.chain().equals(chain)) {
            notReused = chain.contains(candidate) ? "it was selected under another chain"
                    : "the policy does not list it now";
        } else if (!engine.allows(candidate.security())) {
            notReused = "its security is below the integrator's minimum";
        }
        if (notReused != null) {
            log.info("Not reusing the remembered {} of {}: {}; integrating afresh", candidate,
                    account.emailAddress(), notReused);
            return Optional.empty();
        }
        return selected;
    }

    private void requireSameAddress(IntegrationResult previous) {
        Objects.requireNonNull(previous, "previous");
        if (!previous.emailAddress().equals(account.emailAddress())) {
            throw new IllegalArgumentException("the previous result is for " + previous.emailAddress() + ", not for "
                    + account.emailAddress());
        }
    }

    /** Runs {@code race} to its end on the calling thread; an interrupt stops it. */
    private IntegrationResult await(Race race) {
        CompletableFuture<IntegrationResult> result = race.start();
        try {
            return result.get();
        } catch (InterruptedException e) {
            race.cancel();
            Thread.currentThread().interrupt();
            CancellationException cancelled = new CancellationException("interrupted while integrating "
                    + account.emailAddress());
            cancelled.initCause(e);
            throw cancelled;
        } catch (ExecutionException e) {
            throw new IllegalStateException("the negotiation failed unexpectedly", e.getCause());
        }
    }

    /** Starts {@code race} to complete {@code caller} with its result, logged; cancelling {@code caller} stops it. */
    private void forward(Race race, CompletableFuture<IntegrationResult> caller) {
        caller.whenComplete((result, failure) -> {
            if (caller.isCancelled()) {
                race.cancel();
            }
        });
        race.start().whenComplete((result, failure) -> {
            if (failure != null) {
                caller.completeExceptionally(failure);
            } else if (caller.isCancelled()) {
                log.info("Integration of {} cancelled after {} ms", account.emailAddress(),
                        result.elapsed().toMillis());
            } else {
                caller.complete(logged(result));
            }
        });
    }

    /** Step 6. */
    private IntegrationResult logged(IntegrationResult result) {
        if (result.isIntegrated()) {
            log.info("Integrated {} with {} in {} ms", account.emailAddress(), result.selected().get(),
                    result.elapsed().toMillis());
            for (Attempt busy : result.busyBeforeSelected()) {
                log.info("{} is preferred for {} but was busy; integrate again later", busy.candidate(),
                        account.emailAddress());
            }
        } else {
            log.info("Could not integrate {}: none of {} candidates authenticated", account.emailAddress(),
                    result.attempts().size());
        }
        return result;
    }
}
