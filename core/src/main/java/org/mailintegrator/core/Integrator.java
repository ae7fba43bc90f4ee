package org.mailintegrator.core;

import jakarta.mail.MessagingException;
import jakarta.mail.Store;
import java.io.IOException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.internal.CoreAccess;
import org.mailintegrator.core.internal.Credentials;
import org.mailintegrator.core.internal.DiscoveryEvents;
import org.mailintegrator.core.internal.SafeListener;
import org.mailintegrator.core.internal.Wording;
import org.mailintegrator.core.internal.attempt.AttemptRunner;
import org.mailintegrator.core.internal.classify.FailureClassifier;
import org.mailintegrator.core.internal.engine.Engine;
import org.mailintegrator.core.internal.planning.CredentialRelease;
import org.mailintegrator.core.internal.planning.UnreachableMemory;
import org.mailintegrator.core.internal.protocol.MailSessions;
import org.mailintegrator.core.internal.racing.ConnectionLimiter;
import org.mailintegrator.core.internal.racing.Race;
import org.mailintegrator.core.jakarta.JakartaMail;
import org.mailintegrator.core.spi.DiscoveryContext;
import org.mailintegrator.core.spi.HostDiscovery;
import org.mailintegrator.core.spi.HostResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Integrates mail accounts: asks the {@link PreferencePolicy} for the account's candidates and configures the
 * most preferred one that authenticates, the way BlackBerry Internet Service did.
 *
 * <ol>
 *   <li>The policy lists the candidates, most preferred first; the list is checked (no nulls, no duplicates)
 *       before any network I/O.</li>
 *   <li>Each candidate is tried for real with Jakarta Mail, in phases ({@link Phase}): its host name is looked
 *       up through the {@linkplain Builder#resolver resolver} (bounded by the connect timeout, once per host and
 *       integration); its addresses are raced the RFC 8305 way (families interleaved, the next address after the
 *       {@linkplain Builder#addressStagger address stagger} or as soon as one fails, the first established
 *       connection wins); then TLS (implicit, or a required STARTTLS/STLS upgrade), the greeting, and the login,
 *       whose answer may take the {@linkplain Builder#authTimeout authentication timeout}.</li>
 *   <li>Connections are raced, not servers: a less preferred candidate starts early, after the
 *       {@linkplain Builder#stagger(Duration) stagger delay}, only while every more preferred one has not yet
 *       established its TCP connection; a candidate whose server accepted the connection is alive and is waited
 *       for. With every server up, an integration opens one connection, whatever the load.</li>
 *   <li>All integrations of an integrator together open at most
 *       {@linkplain Builder#maxConnectionsPerServer(int) a bounded number} of connections to one server; the rest
 *       wait their turn. A server that allows fewer per client address teaches so: a connection it closes before its
 *       greeting while it serves others of ours lowers its limit to the number open then, and each greeting raises
 *       it a little, back toward that bound.</li>
 *   <li>Authentication goes strictly by preference: a candidate sends its credentials only when every more
 *       preferred one has failed. The selected candidate is therefore the one a sequential walk of the same
 *       chain would select, and a wrong password is tried no more often than by that walk.</li>
 *   <li>"Not now" is not "never": a server that says it is busy ({@link Outcome#BUSY}), or that closes a new
 *       connection before its greeting while it serves others of ours (a connection limit), is retried with backoff
 *       within the {@linkplain Builder#busyRetryWindow(Duration) busy window}, keeping its place; a POP3 login delay
 *       only once the delay the server advertised has passed, if that fits. A candidate still busy at the end is
 *       {@link Outcome#BUSY}, and no less preferred candidate with weaker security gets the credentials in that
 *       integration ({@link Outcome#NOT_TRIED}, explained as {@link Explanation.Cause#HELD_BACK}): a busy POP3
 *       over TLS never sends the password to POP3 in cleartext instead. If a less preferred candidate as secure is
 *       selected, the result says so ({@link IntegrationResult#busyBeforeSelected()}).</li>
 *   <li>The first candidate that authenticates is selected; less preferred attempts still running are closed at
 *       once. Every candidate's {@link Attempt} tells what happened to it, in which phase, through which
 *       address.</li>
 * </ol>
 *
 * <pre>{@code
 * Integrator integrator = Integrator.builder().policy(Policies.blackBerry()).build();
 * IntegrationResult result = integrator.integrate(account);
 * result.selected().ifPresent(candidate -> System.out.println("Integrated with " + candidate));
 * }</pre>
 *
 * <p>Certificates are verified against the JDK's trust store, host name included, unless an {@link SSLContext} is
 * given. A password crosses the network in cleartext only on a {@link Security#NONE} candidate, because the
 * policy listed one; each such login is logged at WARN under the logger
 * {@code org.mailintegrator.core.Integrator.cleartext} (never with the password). Every attempt has a deadline,
 * and so has the whole integration; when {@link #integrate} returns, every socket it opened is closed and every
 * task it ran has ended.
 *
 * <p>This class is immutable and thread-safe: share one instance, and integrate many accounts at once. Attempts
 * run on the {@linkplain Builder#executor(Executor) executor} given, or on a pool shared by all integrators of at
 * most {@value #DEFAULT_MAX_THREADS} threads, which end a second after their work, so that they never hold up a
 * program's exit.
 */
public final class Integrator {
    private static final Logger log = LoggerFactory.getLogger(Integrator.class);

    /** The connect timeout used when none is given. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** The read timeout used when none is given. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);
    /** The stagger delay used when none is given: the Happy Eyeballs connection attempt delay of RFC 8305. */
    public static final Duration DEFAULT_STAGGER = Duration.ofMillis(250);
    /** The overall deadline of one integration used when none is given. */
    public static final Duration DEFAULT_INTEGRATION_TIMEOUT = Duration.ofMinutes(2);
    /**
     * The most connections all integrators with the default limit open to one server (host and port) at a time.
     * Below what common servers allow one user from one address: Dovecot's stock
     * {@code mail_max_userip_connections} is 10, Gmail allows 15 IMAP connections per account.
     */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_SERVER = 8;
    /**
     * How long a server may take to answer the credentials, used when none is given. Servers delay their answer
     * on purpose after failed logins: Dovecot waits {@code auth_failure_delay} (2 s) before a rejection and then
     * penalises the client's address by 2, 4, 8, up to 15 s for its next logins, successful ones included; so an
     * answer can take 17 s and still be the truth.
     */
    public static final Duration DEFAULT_AUTH_TIMEOUT = Duration.ofSeconds(30);
    /**
     * How long a candidate whose server says it is busy, or refuses more connections at once, is retried, with
     * backoff, before the chain moves on.
     */
    public static final Duration DEFAULT_BUSY_RETRY_WINDOW = Duration.ofSeconds(20);
    /**
     * The most endpoints an integrator {@linkplain Builder#rememberUnreachable(Duration) remembers as unreachable}
     * when no other bound is given; the least recently noted is forgotten first.
     */
    public static final int DEFAULT_MAX_UNREACHABLE_ENDPOINTS = 10_000;
    /**
     * The most threads the default pool, shared by all integrators, runs at once.
     *
     * @deprecated an implementation detail, to be removed; pass an {@linkplain Builder#executor(Executor)
     *     executor} to control the threads
     */
    @Deprecated(since = "0.1.0", forRemoval = true)
    public static final int DEFAULT_MAX_THREADS = Engine.SHARED_POOL_THREADS;

    static {
        CoreAccess.install(new CoreAccess() {
            @Override
            public Credentials credentials(MailAccount account) throws IOException {
                return credentialsOf(account);
            }

            @Override
            public MailSessions sessions(Integrator integrator) {
                return integrator.sessions;
            }
        });
    }

    private static final AtomicLong INTEGRATIONS = new AtomicLong();
    /** One limiter per limit value, shared JVM-wide by every integrator with that limit. */
    private static final ConcurrentMap<Integer, ConnectionLimiter> SHARED_LIMITERS = new ConcurrentHashMap<>();

    private final PreferencePolicy policy;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final @Nullable Duration stagger;
    private final @Nullable Duration patience;
    private final Duration attemptTimeout;
    private final Duration integrationTimeout;
    private final Duration authTimeout;
    private final int maxConnectionsPerServer;
    private final MailSessions sessions;
    private final SafeListener listener;
    private final Engine engine;
    private final @Nullable HostDiscovery discovery;
    private final DiscoveryContext discoveryContext;
    private final HostApproval approval;

    private Integrator(Builder builder) {
        this.policy = Objects.requireNonNull(builder.policy, "policy");
        this.connectTimeout = builder.connectTimeout;
        this.readTimeout = builder.readTimeout;
        this.stagger = builder.stagger;
        this.patience = builder.patience;
        this.attemptTimeout = builder.attemptTimeout != null ? builder.attemptTimeout
                : connectTimeout.multipliedBy(2).plus(readTimeout.multipliedBy(2));
        this.integrationTimeout = builder.integrationTimeout;
        this.authTimeout = builder.authTimeout;
        this.maxConnectionsPerServer = builder.maxConnectionsPerServer;
        SSLContext sslContext = builder.sslContext != null ? builder.sslContext : defaultSslContext();
        this.sessions = new MailSessions(connectTimeout, readTimeout, sslContext.getSocketFactory());
        this.listener = new SafeListener(builder.listener);
        ConnectionLimiter limiter = SHARED_LIMITERS.computeIfAbsent(maxConnectionsPerServer, ConnectionLimiter::new);
        Race.Rules rules = new Race.Rules(stagger, patience, attemptTimeout, authTimeout.plus(readTimeout),
                integrationTimeout, builder.busyRetryWindow, builder.stopOnAuthFailure, limiter, Engine.timeline(),
                listener);
        AttemptRunner.Settings attempts = new AttemptRunner.Settings(sessions,
                new FailureClassifier(connectTimeout, readTimeout, authTimeout), builder.addressStagger, authTimeout,
                listener);
        UnreachableMemory unreachable = builder.unreachableFor == null ? null
                : new UnreachableMemory(builder.unreachableFor, builder.maxUnreachable, Engine.timeline());
        this.engine = new Engine(rules, attempts, builder.executor, builder.minimumSecurity, builder.resolver,
                connectTimeout, unreachable);
        this.discovery = builder.discovery;
        this.discoveryContext = DiscoveryContext.of(sslContext, builder.resolver);
        this.approval = builder.approval;
    }

    /** Starts a builder; a policy is required, everything else has a default. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Integrates {@code account}: tries the policy's candidates and selects the most preferred one that
     * authenticates. A server's behaviour never makes this method throw; it is an {@link Outcome} in the result.
     *
     * @throws NullPointerException if {@code account} is null, or the policy returns null or a null candidate
     * @throws IllegalArgumentException if the policy returns no candidate or a duplicate
     * @throws java.util.concurrent.CancellationException if the calling thread is interrupted; the attempts are
     *     stopped and the interrupt flag is kept
     */
    public IntegrationResult integrate(MailAccount account) {
        Objects.requireNonNull(account, "account");
        DiscoveredHosts discovered = discovered(account);
        Credentials credentials;
        try {
            credentials = credentialsOf(account);
        } catch (IOException e) {
            return logged(account, withoutToken(account, discovered, e));
        }
        return logged(account, await(account, negotiation(account, discovered, credentials)));
    }

    /**
     * Integrates {@code account} again, starting from {@code previous}, an earlier result for the same address
     * (kept by the application, perhaps in its {@linkplain IntegrationResult#toJson() saved form}). A saved result is
     * a hint inside this integrator's policy, never a way around it: the candidate it selected is tried first, alone,
     * so that when nothing has changed the integration costs about one login, only when
     * <ol>
     *   <li>{@code previous} was made under the same chain this integrator's policy lists for the account now
     *       ({@link IntegrationResult#chain()}: the same candidates in the same order, hosts found by discovery
     *       included), so every candidate more preferred than the remembered one was tried then and failed;</li>
     *   <li>the remembered candidate's security is not below the {@linkplain Builder#minimumSecurity(Security)
     *       minimum}; and</li>
     *   <li>its host may receive the credentials under today's rules: a host that discovery found is released as
     *       it would be in a fresh integration (trusted source, within the address's domain, or
     *       {@linkplain Builder#approveHosts(HostApproval) approved} now), whatever the saved result says.</li>
     * </ol>
     * Otherwise, or when the remembered candidate no longer authenticates, or {@code previous} selected nothing, the
     * policy's chain is walked as {@link #integrate(MailAccount)} does. So a result saved under one policy and reused
     * under another never sends a credential the current policy would not send. A more preferred candidate that
     * works again is not looked for here: that is {@link #checkUpgrade(MailAccount, IntegrationResult)}, on the
     * application's schedule. The result of a reuse holds the remembered attempt alone, made under the current
     * chain, so it can be saved and reused again.
     *
     * @throws IllegalArgumentException if {@code previous} is for another address, or as {@link #integrate(MailAccount)}
     * @throws java.util.concurrent.CancellationException as {@link #integrate(MailAccount)}
     */
    public IntegrationResult integrate(MailAccount account, IntegrationResult previous) {
        Objects.requireNonNull(account, "account");
        requireSameAddress(account, previous);
        DiscoveredHosts discovered = discovered(account);
        List<ProtocolCandidate> chain = candidatesFor(account, discovered);
        Credentials credentials;
        try {
            credentials = credentialsOf(account);
        } catch (IOException e) {
            return logged(account, withoutToken(account, discovered, e));
        }
        Optional<ProtocolCandidate> remembered = reusable(account, previous, chain);
        if (remembered.isPresent()) {
            IntegrationResult again = await(account,
                    negotiation(account, discovered, credentials, List.of(remembered.get())));
            if (again.isIntegrated()) {
                return logged(account, again.madeUnder(chain));
            }
            log.info("The remembered {} of {} no longer works ({}); trying the whole chain", remembered.get(),
                    account.emailAddress(), again.attempts().get(0).outcome());
        }
        return logged(account, await(account, negotiation(account, discovered, credentials, chain)));
    }

    /** The candidate {@code previous} selected, if it may be tried alone under {@code chain}; why not is logged. */
    private Optional<ProtocolCandidate> reusable(MailAccount account, IntegrationResult previous,
            List<ProtocolCandidate> chain) {
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

    /**
     * Checks, on the application's schedule, whether a candidate more preferred than the one {@code previous}
     * selected works now (an administrator started IMAP again, say), without touching the selected one: only the
     * part of the policy's chain before it is tried, with the same rules for credentials (one candidate at a time,
     * in preference order). When {@code previous} selected nothing, the whole chain is tried; when its selection is
     * no longer in the chain, every candidate but it.
     *
     * @throws IllegalArgumentException if {@code previous} is for another address
     * @throws java.util.concurrent.CancellationException as {@link #integrate(MailAccount)}
     */
    public UpgradeCheck checkUpgrade(MailAccount account, IntegrationResult previous) {
        Objects.requireNonNull(account, "account");
        requireSameAddress(account, previous);
        Optional<ProtocolCandidate> remembered = previous.selected();
        DiscoveredHosts discovered = discovered(account);
        List<ProtocolCandidate> chain = candidatesFor(account, discovered);
        List<ProtocolCandidate> better = remembered.map(current -> chain.contains(current)
                ? chain.subList(0, chain.indexOf(current))
                : chain.stream().filter(candidate -> !candidate.equals(current)).toList()).orElse(chain);
        if (better.isEmpty()) {
            return new UpgradeCheck(remembered.orElse(null), IntegrationResult.of(account.emailAddress(), List.of(),
                    Duration.ZERO));
        }
        Credentials credentials;
        try {
            credentials = credentialsOf(account);
        } catch (IOException e) {
            return new UpgradeCheck(remembered.orElse(null), withoutToken(account, discovered, e));
        }
        IntegrationResult tried = await(account, negotiation(account, discovered, credentials, better));
        UpgradeCheck check = new UpgradeCheck(remembered.orElse(null), tried);
        log.info("{}", check.summary());
        return check;
    }

    private static void requireSameAddress(MailAccount account, IntegrationResult previous) {
        Objects.requireNonNull(previous, "previous");
        if (!previous.emailAddress().equals(account.emailAddress())) {
            throw new IllegalArgumentException("the previous result is for " + previous.emailAddress() + ", not for "
                    + account.emailAddress());
        }
    }

    /** Runs {@code negotiation} to its end on the calling thread. */
    private static IntegrationResult await(MailAccount account, Race negotiation) {
        CompletableFuture<IntegrationResult> result = negotiation.start();
        try {
            return result.get();
        } catch (InterruptedException e) {
            negotiation.cancel();
            Thread.currentThread().interrupt();
            CancellationException cancelled = new CancellationException("interrupted while integrating "
                    + account.emailAddress());
            cancelled.initCause(e);
            throw cancelled;
        } catch (ExecutionException e) {
            throw new IllegalStateException("the negotiation failed unexpectedly", e.getCause());
        }
    }

    /**
     * Integrates {@code account} without blocking the caller. A null {@code account} throws at once; everything
     * {@link #integrate(MailAccount)} would throw for the policy's answer (a null, empty or duplicate list) fails the
     * returned future with that same exception instead, whether discovery runs or not, since the policy may need
     * discovery's answer first. Cancelling the future stops every attempt at once and closes its sockets.
     *
     * @throws NullPointerException if {@code account} is null
     */
    public CompletableFuture<IntegrationResult> integrateAsync(MailAccount account) {
        Objects.requireNonNull(account, "account");
        CompletableFuture<IntegrationResult> caller = new CompletableFuture<>();
        if (!needsDiscovery(account) && account.tokenSource() == null) {
            Race negotiation;
            try {
                negotiation = negotiation(account, null, fixedCredentials(account));
            } catch (RuntimeException invalid) {
                caller.completeExceptionally(invalid);
                return caller;
            }
            race(account, negotiation, caller);
            return caller;
        }
        // discovery and the application's token source may block: they run on the executor, not the caller's thread
        CompletableFuture.runAsync(() -> {
            if (caller.isDone()) {
                return;
            }
            DiscoveredHosts found = discovered(account);
            Credentials credentials;
            try {
                credentials = credentialsOf(account);
            } catch (IOException e) {
                caller.complete(logged(account, withoutToken(account, found, e)));
                return;
            }
            race(account, negotiation(account, found, credentials), caller);
        }, engine.executor()).whenComplete((done, failure) -> {
            if (failure != null) {
                caller.completeExceptionally(failure instanceof CompletionException ? failure.getCause() : failure);
            }
        });
        return caller;
    }

    private void race(MailAccount account, Race negotiation, CompletableFuture<IntegrationResult> caller) {
        caller.whenComplete((result, failure) -> {
            if (caller.isCancelled()) {
                negotiation.cancel();
            }
        });
        negotiation.start().whenComplete((result, failure) -> {
            if (failure != null) {
                caller.completeExceptionally(failure);
            } else if (caller.isCancelled()) {
                log.info("Integration of {} cancelled after {} ms", account.emailAddress(),
                        result.elapsed().toMillis());
            } else {
                caller.complete(logged(account, result));
            }
        });
    }

    private boolean needsDiscovery(MailAccount account) {
        return discovery != null && !(account.givesHost(MailProtocol.IMAP) && account.givesHost(MailProtocol.POP3));
    }

    /**
     * What discovery finds for {@code account}, or null when it does not run (not set, or the caller gave hosts).
     * The listener hears it start, each source's answer, and its end, before the integration's start.
     */
    private @Nullable DiscoveredHosts discovered(MailAccount account) {
        HostDiscovery finder = discovery;
        if (finder == null || !needsDiscovery(account)) {
            return null;
        }
        return DiscoveryEvents.discover(finder, account, discoveryContext, listener,
                () -> new IntegrationListener.Integration(INTEGRATIONS.incrementAndGet(), account.emailAddress()));
    }

    /** The account's credentials; a token source is asked for its token here, once per integration. */
    private static Credentials credentialsOf(MailAccount account) throws IOException {
        AccessTokenSource source = account.tokenSource();
        if (source == null) {
            return fixedCredentials(account);
        }
        try {
            return Credentials.fromSource(account.username(), source);
        } catch (RuntimeException e) {
            throw new IOException(e.toString(), e);
        }
    }

    private static Credentials fixedCredentials(MailAccount account) {
        String secret = Objects.requireNonNull(account.secret(), "the account's token comes from a source");
        return account.usesAccessToken() ? Credentials.token(account.username(), secret)
                : Credentials.password(account.username(), secret);
    }

    /** The result when the token source gave no token: every candidate skipped, no connection made. */
    private IntegrationResult withoutToken(MailAccount account, @Nullable DiscoveredHosts discovered,
            IOException failure) {
        List<ProtocolCandidate> candidates = candidatesFor(account, discovered);
        IntegrationListener.Integration integration = new IntegrationListener.Integration(
                INTEGRATIONS.incrementAndGet(), account.emailAddress());
        listener.integrationStart(integration, candidates);
        String detail = Wording.noAccessToken(failure.getMessage() == null ? failure.getClass().getName()
                : failure.getMessage());
        List<Attempt> attempts = new ArrayList<>();
        for (ProtocolCandidate candidate : candidates) {
            Attempt skipped = Attempt.of(candidate, Outcome.SKIPPED, Duration.ZERO, detail).explainedAs(Explanation.Cause.NO_ACCESS_TOKEN);
            attempts.add(skipped);
            listener.attemptEnd(integration, skipped);
        }
        IntegrationResult result = IntegrationResult.of(account.emailAddress(), attempts, Duration.ZERO);
        if (discovered != null) {
            result = result.withDiscovered(discovered);
        }
        listener.integrationEnd(integration, result);
        return result;
    }

    private Race negotiation(MailAccount account, @Nullable DiscoveredHosts discovered, Credentials credentials) {
        return negotiation(account, discovered, credentials, candidatesFor(account, discovered));
    }

    private Race negotiation(MailAccount account, @Nullable DiscoveredHosts discovered, Credentials credentials,
            List<ProtocolCandidate> candidates) {
        IntegrationListener.Integration integration = new IntegrationListener.Integration(
                INTEGRATIONS.incrementAndGet(), account.emailAddress());
        listener.integrationStart(integration, candidates);
        CredentialRelease release = discovered == null ? CredentialRelease.CALLER_HOSTS
                : CredentialRelease.discovered(account, discovered, approval);
        return engine.race(integration, credentials, candidates,
                release, discovered);
    }

    private static IntegrationResult logged(MailAccount account, IntegrationResult result) {
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

    /**
     * Opens the mailbox of {@code account} through {@code candidate} (typically {@code result.selected()}) with
     * the same settings the integration used: a connected Jakarta Mail {@link Store} that the caller must close.
     *
     * @throws MessagingException if the server does not accept the connection now
     * @deprecated Jakarta Mail types live in {@link org.mailintegrator.core.jakarta}: use
     *     {@link JakartaMail#openStore(Integrator, MailAccount, ProtocolCandidate)}
     */
    @Deprecated(since = "0.1.0", forRemoval = true)
    public Store openStore(MailAccount account, ProtocolCandidate candidate) throws MessagingException {
        return JakartaMail.openStore(this, account, candidate);
    }

    /**
     * Opens the mailbox through the candidate that {@code result} selected.
     *
     * @throws IllegalArgumentException if the result selected nothing, or is for another account
     * @throws MessagingException if the server does not accept the connection now
     * @deprecated use {@link JakartaMail#openStore(Integrator, MailAccount, IntegrationResult)}
     */
    @Deprecated(since = "0.1.0", forRemoval = true)
    public Store openStore(MailAccount account, IntegrationResult result) throws MessagingException {
        return JakartaMail.openStore(this, account, result);
    }

    /**
     * The Jakarta Mail session properties this integrator uses for {@code candidate}: protocol, host, port,
     * timeouts, TLS settings and the TLS socket factory (an object value). No credential is among them. For
     * applications that build their own {@code Session}.
     *
     * @deprecated Angus Mail's property keys are an implementation detail; use
     *     {@link JakartaMail#sessionProperties(Integrator, ProtocolCandidate)}, which keeps them in the Jakarta bridge
     */
    @Deprecated(since = "0.1.0", forRemoval = true)
    public Properties sessionProperties(ProtocolCandidate candidate) {
        return JakartaMail.sessionProperties(this, candidate);
    }

    public PreferencePolicy policy() {
        return policy;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration readTimeout() {
        return readTimeout;
    }

    /** The delay between the starts of consecutive candidates; empty when the integrator is sequential. */
    public Optional<Duration> stagger() {
        return Optional.ofNullable(stagger);
    }

    /** The patience window; empty when the integrator is strict (the default). */
    public Optional<Duration> patience() {
        return Optional.ofNullable(patience);
    }

    /** The deadline of one attempt before its login, not counting the time it waits for its turn. */
    public Duration attemptTimeout() {
        return attemptTimeout;
    }

    /** The overall deadline of one integration. */
    public Duration integrationTimeout() {
        return integrationTimeout;
    }

    /** How long a server may take to answer the credentials. */
    public Duration authTimeout() {
        return authTimeout;
    }

    /** The most connections this integrator's integrations together open to one server at a time. */
    public int maxConnectionsPerServer() {
        return maxConnectionsPerServer;
    }

    private List<ProtocolCandidate> candidatesFor(MailAccount account, @Nullable DiscoveredHosts discovered) {
        List<ProtocolCandidate> listed = Objects.requireNonNull(
                discovered == null ? policy.candidates(account) : policy.candidates(account, discovered),
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
        return List.copyOf(listed);
    }

    private static SSLContext defaultSslContext() {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK offers no default TLS context", e);
        }
    }

    /**
     * Builds {@link Integrator}s. Setters validate at once and throw {@link NullPointerException} or
     * {@link IllegalArgumentException}; {@link #build()} can be called repeatedly.
     *
     * <p>This class is not thread-safe.
     */
    public static final class Builder {
        private static final Duration MAX_UNREACHABLE_MEMORY = Duration.ofHours(24);
        private static final int MAX_UNREACHABLE_ENDPOINTS = 1_000_000;

        private @Nullable PreferencePolicy policy;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration readTimeout = DEFAULT_READ_TIMEOUT;
        private @Nullable SSLContext sslContext;
        private @Nullable Duration stagger = DEFAULT_STAGGER;
        private @Nullable Duration patience;
        private @Nullable Duration unreachableFor;
        private int maxUnreachable = DEFAULT_MAX_UNREACHABLE_ENDPOINTS;
        private @Nullable Duration attemptTimeout;
        private Duration integrationTimeout = DEFAULT_INTEGRATION_TIMEOUT;
        private @Nullable Executor executor;
        private Security minimumSecurity = Security.NONE;
        private boolean stopOnAuthFailure;
        private Duration authTimeout = DEFAULT_AUTH_TIMEOUT;
        private int maxConnectionsPerServer = DEFAULT_MAX_CONNECTIONS_PER_SERVER;
        private Duration addressStagger = DEFAULT_STAGGER;
        private Duration busyRetryWindow = DEFAULT_BUSY_RETRY_WINDOW;
        private HostResolver resolver = HostResolver.SYSTEM;
        private IntegrationListener listener = IntegrationListener.NONE;
        private @Nullable HostDiscovery discovery;
        private HostApproval approval = HostApproval.NONE;

        private Builder() {
        }

        /**
         * Finds the servers from the address when the caller gives no host: typically
         * {@code org.mailintegrator.discovery.Discovery.standard()} (artifact {@code mailintegrator-discovery}).
         * What it finds is offered to the policy ({@link PreferencePolicy#candidates(MailAccount, DiscoveredHosts)});
         * credentials go only to hosts within the address's domain, hosts from a trusted source, or hosts
         * {@linkplain #approveHosts(HostApproval) approved}. Without it the integrator tries the policy's hosts.
         */
        public Builder discovery(HostDiscovery discovery) {
            this.discovery = Objects.requireNonNull(discovery, "discovery");
            return this;
        }

        /**
         * Decides on hosts that discovery proposed from a source that is not trusted (default: none approved; such
         * candidates are skipped and say why).
         */
        public Builder approveHosts(HostApproval approval) {
            this.approval = Objects.requireNonNull(approval, "approval");
            return this;
        }

        /**
         * Hears every integration, attempt and phase as it starts and ends ({@link IntegrationListener}): for
         * progress displays, metrics and traces. Called on the integrator's threads, never under its locks; what
         * it throws is logged and ignored. Default: {@link IntegrationListener#NONE}.
         */
        public Builder listener(IntegrationListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * How long a server may take to answer the credentials; default {@link #DEFAULT_AUTH_TIMEOUT}. Separate from
         * the read timeout because servers slow their answers to logins on purpose after failures; an answer that
         * comes late is still the answer (a late rejection is {@link Outcome#AUTH_FAILED}, a late acceptance a
         * success).
         */
        public Builder authTimeout(Duration timeout) {
            this.authTimeout = checkTimeout(timeout, "authTimeout");
            return this;
        }

        /**
         * The most connections that the integrations of every integrator with this same limit together open to
         * one server (host and port) at a time, in this JVM, counted from the start of the connect to the close; the
         * others wait their turn, and the time they wait counts against the integration's deadline only. The limit
         * is shared by value: two integrators built with 4 open at most 4 connections to a server together, not 8
         * (integrators with different limits count apart). Default {@link #DEFAULT_MAX_CONNECTIONS_PER_SERVER}.
         */
        public Builder maxConnectionsPerServer(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxConnectionsPerServer must be at least 1, was " + max);
            }
            this.maxConnectionsPerServer = max;
            return this;
        }

        /**
         * How long to wait for one of a host's addresses to connect before also trying the next one (RFC 8305's
         * connection attempt delay); default 250 ms. An address that fails starts the next one at once.
         */
        public Builder addressStagger(Duration delay) {
            Objects.requireNonNull(delay, "addressStagger");
            if (delay.isNegative() || delay.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("addressStagger must be between 0 and " + Integer.MAX_VALUE
                        + " ms, was " + delay);
            }
            this.addressStagger = delay;
            return this;
        }

        /**
         * How long a candidate whose server says it is busy, or refuses more connections at once, is retried, with
         * backoff from 250 ms doubling to 4 s, before it is recorded as busy ({@link Outcome#BUSY}) and the chain
         * moves on to candidates as secure; default {@link #DEFAULT_BUSY_RETRY_WINDOW}, never beyond the
         * integration's deadline. A login delay is tried again only if the delay the server advertised ends within
         * it.
         */
        public Builder busyRetryWindow(Duration window) {
            Objects.requireNonNull(window, "busyRetryWindow");
            if (window.isNegative() || window.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("busyRetryWindow must be between 0 and " + Integer.MAX_VALUE
                        + " ms, was " + window);
            }
            this.busyRetryWindow = window;
            return this;
        }

        /**
         * Where host names are looked up; default {@link HostResolver#SYSTEM}, the JDK's. Each lookup is bounded by
         * the connect timeout, however long the resolver takes.
         */
        public Builder resolver(HostResolver resolver) {
            this.resolver = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        /**
         * The least security a candidate must have to be tried, whatever the policy lists: {@link Security#NONE}
         * (the default) tries everything; {@link Security#STARTTLS} skips cleartext candidates;
         * {@link Security#IMPLICIT_TLS} also skips STARTTLS ones (RFC 8314 prefers implicit TLS). A skipped candidate
         * is recorded as {@link Outcome#SKIPPED}: no connection, no password.
         */
        public Builder minimumSecurity(Security minimum) {
            this.minimumSecurity = Objects.requireNonNull(minimum, "minimumSecurity");
            return this;
        }

        /**
         * Stops the chain at the first candidate that rejects the password ({@link Outcome#AUTH_FAILED}); the rest
         * are not tried. Protects accounts that lock after a few failures, and keeps a wrong password from being
         * sprayed down to cleartext candidates. BlackBerry's behaviour (the default here) goes on, which is right
         * when candidates may have different credentials or when a protocol may be refused for other reasons than
         * the password.
         */
        public Builder stopOnAuthFailure() {
            this.stopOnAuthFailure = true;
            return this;
        }

        /**
         * How long a candidate's TCP connect may take before the next candidate is started as well; default
         * {@link #DEFAULT_STAGGER}. A candidate that fails starts the next one at once; one that has connected
         * starts nothing more (it is alive, and waited for). Zero starts each next candidate as soon as the previous
         * one begins to connect. The selection does not depend on it; only speed and load do.
         */
        public Builder stagger(Duration delay) {
            Objects.requireNonNull(delay, "stagger");
            if (delay.isNegative() || delay.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("stagger must be between 0 and " + Integer.MAX_VALUE
                        + " ms, was " + delay);
            }
            this.stagger = delay;
            return this;
        }

        /** Tries one candidate at a time: each starts only when the previous one has failed. */
        public Builder sequential() {
            this.stagger = null;
            return this;
        }

        /**
         * Gives up waiting for more preferred candidates that have not even connected this long after the start,
         * as soon as a less preferred candidate is ready to authenticate; they are recorded as
         * {@link Outcome#ABANDONED}. Trades preference for speed: behind a firewall that drops packets, the
         * integration takes about this long instead of a connect timeout, but a slow, more preferred server can
         * lose to a less preferred one. Default: none (strict; the selection is always the sequential one).
         */
        public Builder patience(Duration window) {
            this.patience = checkTimeout(window, "patience");
            return this;
        }

        /**
         * Remembers, for {@code forHowLong}, the endpoints this integrator could not connect to, so that the next
         * accounts on the same host do not wait for a connect timeout again: for a migration or onboarding service
         * that integrates many accounts of one provider, whose IMAP may be firewalled. Remembers at most
         * {@link #DEFAULT_MAX_UNREACHABLE_ENDPOINTS} endpoints; see {@link #rememberUnreachable(Duration, int)}.
         *
         * @throws IllegalArgumentException if {@code forHowLong} is not between 1 ms and 24 hours
         */
        public Builder rememberUnreachable(Duration forHowLong) {
            return rememberUnreachable(forHowLong, DEFAULT_MAX_UNREACHABLE_ENDPOINTS);
        }

        /**
         * Remembers, for {@code forHowLong}, the endpoints this integrator could not connect to, at most
         * {@code maxEndpoints} of them (the least recently noted is forgotten first).
         *
         * <p>An endpoint is a candidate's host name (ignoring case) and port: a TCP connect does not depend on the
         * protocol or the security spoken over it, and an attempt races every address of the host, so a failure
         * means the host's port cannot be reached. It is remembered when an attempt could not connect to it on its
         * own: {@link Outcome#REFUSED} or {@link Outcome#TIMED_OUT} in {@link Phase#CONNECT} (a firewall that
         * rejects or drops, a stopped service, a host that is down). Never for a server's answer: a rejected login,
         * a busy server, a TLS or protocol failure, a server that accepted the connection and then said nothing, a
         * name that does not resolve, or a candidate given up by {@linkplain #patience(Duration) patience}. An
         * endpoint that any attempt connects to is forgotten at once; an entry expires {@code forHowLong} after the
         * last failure that noted it, and the endpoint is then tried again.
         *
         * <p>While an endpoint is remembered, a candidate on it is not contacted: its attempt ends at once with the
         * outcome the endpoint had (REFUSED or TIMED_OUT), in {@link Phase#NOT_STARTED}, with a detail that says
         * when and why, and the chain moves on to the next candidate; the selection among the others still goes
         * strictly by preference. The price: a service that comes back is not used by this integrator until its
         * entry expires, so choose {@code forHowLong} as the time a provider's firewall or outage is trusted to last
         * (minutes, not days).
         *
         * <p>Off by default, and the default stays strict: every account tries every candidate as the chain says,
         * and no result depends on what earlier integrations saw. The memory belongs to the integrator built (each
         * {@link #build()} starts an empty one; integrators never share it) and is used by all its integrations at
         * once: it is thread-safe, and holds at most about 400 bytes per endpoint (a 253-character host name),
         * so about 4 MB at the default bound.
         *
         * @throws IllegalArgumentException if {@code forHowLong} is not between 1 ms and 24 hours, or
         *     {@code maxEndpoints} is not between 1 and 1,000,000
         */
        public Builder rememberUnreachable(Duration forHowLong, int maxEndpoints) {
            Objects.requireNonNull(forHowLong, "forHowLong");
            if (forHowLong.isNegative() || forHowLong.toMillis() < 1
                    || forHowLong.compareTo(MAX_UNREACHABLE_MEMORY) > 0) {
                throw new IllegalArgumentException("rememberUnreachable: forHowLong must be between 1 ms and 24 hours,"
                        + " was " + forHowLong);
            }
            if (maxEndpoints < 1 || maxEndpoints > MAX_UNREACHABLE_ENDPOINTS) {
                throw new IllegalArgumentException("rememberUnreachable: maxEndpoints must be between 1 and "
                        + MAX_UNREACHABLE_ENDPOINTS + ", was " + maxEndpoints);
            }
            this.unreachableFor = forHowLong;
            this.maxUnreachable = maxEndpoints;
            return this;
        }

        /**
         * The deadline of one attempt before its login: name resolution, connect, TLS and greeting, not counting the
         * time it waits for its turn to authenticate; default: twice the connect timeout plus twice the read
         * timeout. Bounds a server that trickles a byte per read timeout. The login then has the
         * {@linkplain #authTimeout(Duration) authentication timeout} plus the read timeout.
         */
        public Builder attemptTimeout(Duration timeout) {
            this.attemptTimeout = checkTimeout(timeout, "attemptTimeout");
            return this;
        }

        /** The overall deadline of one integration; default {@link #DEFAULT_INTEGRATION_TIMEOUT}. */
        public Builder integrationTimeout(Duration timeout) {
            this.integrationTimeout = checkTimeout(timeout, "integrationTimeout");
            return this;
        }

        /**
         * Where attempts run; each running attempt holds a thread while it does blocking I/O. The executor must
         * run tasks in the order they are submitted, or be able to run every candidate of an integration at once.
         * Each attempt is handed to it by a library thread of its own, never by the integrating caller's thread or
         * the integrator's timer, and it may keep that thread: an executor that runs tasks on the calling thread
         * ({@code Runnable::run}) or makes the caller wait while it is full holds up no deadline, cancellation or
         * other integration. Default: a pool shared by all integrators, at most {@link #DEFAULT_MAX_THREADS}
         * threads, first in first out; idle threads end after a second.
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /** The policy that lists and orders the candidates. Required. */
        public Builder policy(PreferencePolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** How long a TCP connect may take; default {@link #DEFAULT_CONNECT_TIMEOUT}. Positive, at most 24 days. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = checkTimeout(timeout, "connectTimeout");
            return this;
        }

        /** How long any single read may wait; default {@link #DEFAULT_READ_TIMEOUT}. Positive, at most 24 days. */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = checkTimeout(timeout, "readTimeout");
            return this;
        }

        /**
         * The TLS context for implicit TLS and STARTTLS, e.g. one that trusts a private CA. Host names are still
         * verified, unless this context's trust manager decides otherwise. Default: the JDK's.
         */
        public Builder sslContext(SSLContext sslContext) {
            this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
            return this;
        }

        /**
         * Builds the integrator.
         *
         * @throws IllegalStateException if no policy was set
         */
        public Integrator build() {
            if (policy == null) {
                throw new IllegalStateException("a policy is required: call policy(...) before build()");
            }
            return new Integrator(this);
        }

        private static Duration checkTimeout(Duration timeout, String name) {
            Objects.requireNonNull(timeout, name);
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + timeout);
            }
            if (timeout.toMillis() > Integer.MAX_VALUE || timeout.toMillis() == 0) {
                throw new IllegalArgumentException(name + " must be between 1 ms and "
                        + Integer.MAX_VALUE + " ms, was " + timeout);
            }
            return timeout;
        }
    }
}
