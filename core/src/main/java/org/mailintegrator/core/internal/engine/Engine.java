package org.mailintegrator.core.internal.engine;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.DiscoveredHosts;
import org.mailintegrator.core.Explanation;
import org.mailintegrator.core.IntegrationListener.Integration;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;
import org.mailintegrator.core.internal.Credentials;
import org.mailintegrator.core.internal.DaemonPools;
import org.mailintegrator.core.internal.SafeListener;
import org.mailintegrator.core.internal.attempt.AttemptRunner;
import org.mailintegrator.core.internal.classify.FailureClassifier;
import org.mailintegrator.core.internal.planning.CredentialRelease;
import org.mailintegrator.core.internal.planning.HostLookups;
import org.mailintegrator.core.internal.planning.Plan;
import org.mailintegrator.core.internal.planning.Route;
import org.mailintegrator.core.internal.planning.UnreachableMemory;
import org.mailintegrator.core.internal.protocol.MailSessions;
import org.mailintegrator.core.internal.racing.ConnectionLimiter;
import org.mailintegrator.core.internal.racing.Lane;
import org.mailintegrator.core.internal.racing.Race;
import org.mailintegrator.core.spi.DiscoveryContext;
import org.mailintegrator.core.spi.HostResolver;

/**
 * The engine of one integrator: wires its settings into the parts that run an integration (the race's rules, the
 * attempts' settings, the Jakarta Mail sessions, the listener), plans a chain into routes, races them, and runs each
 * attempt on the executor. It holds the integrator's settings and nothing of any one integration ({@link
 * IntegrationCall} runs one), except, when the integrator keeps one, its memory of unreachable endpoints, which
 * every integration reads and teaches. JVM-wide, it keeps the shared pool, the launcher and one connection limiter
 * per limit value. Thread-safe.
 *
 * <p>Who calls the executor. A race decides to start a candidate on whichever thread enters it: the integrating
 * caller's, the library's one timer thread (the stagger, a busy retry, a deadline that gives a permit back), an
 * attempt's (the next candidate after a failure), or the thread that gives a connection permit back. None of them
 * may run the attempt or wait for a thread to run it on: not the timer, which every integration's deadlines share;
 * not an attempt's, which would then hold up its own end; not the caller's, which must stay free to be interrupted
 * and, for {@code integrateAsync}, to return. The race calls its starter outside its monitor, and the starter:
 * <ul>
 *   <li>with the library's shared pool, whose {@code execute} only queues the task for a thread of its own, calls
 *       it on the deciding thread;</li>
 *   <li>with the application's executor, which may run the task on the calling thread ({@code Runnable::run}) or
 *       keep the caller waiting while it is full, hands every start to the launcher, daemon threads
 *       ({@code mailintegrator-launcher-n}, one per start in progress) that call the executor; a refusal is
 *       recorded as the candidate not run ({@link Lane#notRun}).</li>
 * </ul>
 * So every attempt runs on a thread of the executor's (or, with a caller-runs executor, a launcher thread), and the
 * timer thread never waits for an attempt or an executor.
 */
public final class Engine {
    /** The most attempts the shared pool runs at once. */
    public static final int SHARED_POOL_THREADS = 128;

    private static final Executor SHARED_POOL = DaemonPools.fixed("mailintegrator-attempt", SHARED_POOL_THREADS);

    /** Hands starts to an application's executor, which may run them on the calling thread: see the class comment. */
    private static final Executor LAUNCHER = DaemonPools.unbounded("mailintegrator-launcher");

    /** One limiter per limit value, shared JVM-wide by every integrator with that limit. */
    private static final ConcurrentMap<Integer, ConnectionLimiter> SHARED_LIMITERS = new ConcurrentHashMap<>();

    private final IntegratorSettings settings;
    private final SafeListener listener;
    private final MailSessions sessions;
    private final DiscoveryContext discoveryContext;
    private final Race.Rules rules;
    private final AttemptRunner.Settings attempts;
    private final Executor executor;
    private final Security minimumSecurity;
    private final HostResolver resolver;
    private final Duration connectTimeout;
    private final @Nullable UnreachableMemory unreachable;

    /** The engine an integrator with {@code settings} runs on. */
    public Engine(IntegratorSettings settings) {
        this.settings = settings;
        this.listener = new SafeListener(settings.listener());
        this.sessions = new MailSessions(settings.connectTimeout(), settings.readTimeout(),
                settings.sslContext().getSocketFactory());
        this.discoveryContext = DiscoveryContext.of(settings.sslContext(), settings.resolver());
        ConnectionLimiter limiter = SHARED_LIMITERS.computeIfAbsent(settings.maxConnectionsPerServer(),
                ConnectionLimiter::new);
        this.rules = new Race.Rules(settings.stagger(), settings.patience(), settings.attemptTimeout(),
                settings.authTimeout().plus(settings.readTimeout()), settings.integrationTimeout(),
                settings.busyRetryWindow(), settings.stopOnAuthFailure(), limiter, settings.timeline(), listener);
        this.attempts = new AttemptRunner.Settings(sessions, new FailureClassifier(settings.connectTimeout(),
                settings.readTimeout(), settings.authTimeout()), settings.addressStagger(), settings.authTimeout(),
                listener);
        Duration unreachableFor = settings.unreachableFor();
        this.unreachable = unreachableFor == null ? null
                : new UnreachableMemory(unreachableFor, settings.maxUnreachable(), settings.timeline());
        Executor given = settings.executor();
        this.executor = given != null ? given : SHARED_POOL;
        this.minimumSecurity = settings.minimumSecurity();
        this.resolver = settings.resolver();
        this.connectTimeout = settings.connectTimeout();
    }

    public IntegratorSettings settings() {
        return settings;
    }

    /** The integrator's listener, which never throws. */
    public SafeListener listener() {
        return listener;
    }

    /** How the integrator builds Jakarta Mail sessions and stores. */
    public MailSessions sessions() {
        return sessions;
    }

    /** How discovery reaches the network: the integrator's TLS context and resolver. */
    public DiscoveryContext discoveryContext() {
        return discoveryContext;
    }

    /**
     * A race for one integration, not started yet. {@code release} decides which hosts may receive the
     * credentials; {@code discovered} is what discovery found, when it ran.
     */
    public Race race(Integration integration, Credentials credentials, List<ProtocolCandidate> candidates,
            CredentialRelease release, @Nullable DiscoveredHosts discovered) {
        HostLookups lookups = new HostLookups(resolver, connectTimeout, rules.timeline());
        AttemptRunner runner = new AttemptRunner(attempts, integration, credentials, lookups, unreachable,
                rules.timeline());
        List<Route> routes = Plan.routes(candidates, minimumSecurity, release, credentials.isToken(), unreachable);
        return new Race(rules, integration, routes, starter(runner), discovered);
    }

    /**
     * A race for one integration that has no credential to send, not started yet: every candidate is skipped with
     * {@code detail}, its attempt explained as {@code cause}, so nothing is ever handed to an executor.
     */
    public Race withoutCredentials(Integration integration, List<ProtocolCandidate> candidates, String detail,
            Explanation.Cause cause, @Nullable DiscoveredHosts discovered) {
        return new Race(rules, integration, Plan.withoutCredentials(candidates, detail, cause), lane -> {
            throw new IllegalStateException("a race without credentials started " + lane.candidate());
        }, discovered);
    }

    /** How a race hands a try to the executor, from any thread, without waiting: see the class comment. */
    private Race.Starter starter(AttemptRunner runner) {
        if (executor == SHARED_POOL) {
            return lane -> SHARED_POOL.execute(() -> runner.run(lane));
        }
        return lane -> LAUNCHER.execute(() -> {
            try {
                executor.execute(() -> runner.run(lane));
            } catch (RejectedExecutionException e) {
                lane.notRun(e);
            }
        });
    }

    /** Whether a candidate of {@code security} meets the integrator's minimum security. */
    public boolean allows(Security security) {
        return Plan.meets(security, minimumSecurity);
    }

    /** Where attempts run: the caller's executor, or the library's shared pool. */
    public Executor executor() {
        return executor;
    }
}
