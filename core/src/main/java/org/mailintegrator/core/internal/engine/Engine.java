package org.mailintegrator.core.internal.engine;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.DiscoveredHosts;
import org.mailintegrator.core.IntegrationListener.Integration;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;
import org.mailintegrator.core.internal.Credentials;
import org.mailintegrator.core.internal.DaemonPools;
import org.mailintegrator.core.internal.SystemTimeline;
import org.mailintegrator.core.internal.Timeline;
import org.mailintegrator.core.internal.attempt.AttemptRunner;
import org.mailintegrator.core.internal.planning.CredentialRelease;
import org.mailintegrator.core.internal.planning.HostLookups;
import org.mailintegrator.core.internal.planning.Plan;
import org.mailintegrator.core.internal.planning.Route;
import org.mailintegrator.core.internal.planning.UnreachableMemory;
import org.mailintegrator.core.internal.racing.Lane;
import org.mailintegrator.core.internal.racing.Race;
import org.mailintegrator.core.spi.HostResolver;

/**
 * The engine of one integrator: plans a chain into routes, races them, and runs each attempt on the executor. It
 * holds the integrator's settings and nothing of any one integration, except, when the integrator keeps one, its
 * memory of unreachable endpoints, which every integration reads and teaches. Thread-safe.
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

    private final Race.Rules rules;
    private final AttemptRunner.Settings attempts;
    private final Executor executor;
    private final Security minimumSecurity;
    private final HostResolver resolver;
    private final Duration connectTimeout;
    private final @Nullable UnreachableMemory unreachable;

    /**
     * @param executor where attempts run; null for the library's shared pool
     * @param unreachable the integrator's memory of unreachable endpoints; null when it keeps none (the default)
     */
    public Engine(Race.Rules rules, AttemptRunner.Settings attempts, @Nullable Executor executor,
            Security minimumSecurity, HostResolver resolver, Duration connectTimeout,
            @Nullable UnreachableMemory unreachable) {
        this.rules = rules;
        this.attempts = attempts;
        this.executor = executor != null ? executor : SHARED_POOL;
        this.minimumSecurity = minimumSecurity;
        this.resolver = resolver;
        this.connectTimeout = connectTimeout;
        this.unreachable = unreachable;
    }

    /** The real timeline every integrator uses. */
    public static Timeline timeline() {
        return SystemTimeline.INSTANCE;
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
