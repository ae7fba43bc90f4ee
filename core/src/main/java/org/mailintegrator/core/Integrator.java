package org.mailintegrator.core;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import org.mailintegrator.core.internal.CoreAccess;
import org.mailintegrator.core.internal.engine.Engine;
import org.mailintegrator.core.internal.engine.IntegrationCall;
import org.mailintegrator.core.internal.engine.IntegratorSettings;
import org.mailintegrator.core.spi.HostDiscovery;
import org.mailintegrator.core.spi.HostResolver;

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
 * most 128 threads, which end a second after their work, so that they never hold up a
 * program's exit.
 */
public final class Integrator {
    /** The connect timeout used when none is given. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = IntegratorSettings.DEFAULT_CONNECT_TIMEOUT;
    /** The read timeout used when none is given. */
    public static final Duration DEFAULT_READ_TIMEOUT = IntegratorSettings.DEFAULT_READ_TIMEOUT;
    /** The stagger delay used when none is given: the Happy Eyeballs connection attempt delay of RFC 8305. */
    public static final Duration DEFAULT_STAGGER = IntegratorSettings.DEFAULT_STAGGER;
    /** The overall deadline of one integration used when none is given. */
    public static final Duration DEFAULT_INTEGRATION_TIMEOUT = IntegratorSettings.DEFAULT_INTEGRATION_TIMEOUT;
    /**
     * The most connections all integrators with the default limit open to one server (host and port) at a time.
     * Below what common servers allow one user from one address: Dovecot's stock
     * {@code mail_max_userip_connections} is 10, Gmail allows 15 IMAP connections per account.
     */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_SERVER = IntegratorSettings.DEFAULT_MAX_CONNECTIONS_PER_SERVER;
    /**
     * How long a server may take to answer the credentials, used when none is given. Servers delay their answer
     * on purpose after failed logins: Dovecot waits {@code auth_failure_delay} (2 s) before a rejection and then
     * penalises the client's address by 2, 4, 8, up to 15 s for its next logins, successful ones included; so an
     * answer can take 17 s and still be the truth.
     */
    public static final Duration DEFAULT_AUTH_TIMEOUT = IntegratorSettings.DEFAULT_AUTH_TIMEOUT;
    /**
     * How long a candidate whose server says it is busy, or refuses more connections at once, is retried, with
     * backoff, before the chain moves on.
     */
    public static final Duration DEFAULT_BUSY_RETRY_WINDOW = IntegratorSettings.DEFAULT_BUSY_RETRY_WINDOW;
    /**
     * The most endpoints an integrator {@linkplain Builder#rememberUnreachable(Duration) remembers as unreachable}
     * when no other bound is given; the least recently noted is forgotten first.
     */
    public static final int DEFAULT_MAX_UNREACHABLE_ENDPOINTS = IntegratorSettings.DEFAULT_MAX_UNREACHABLE_ENDPOINTS;

    static {
        CoreAccess.install(new ApiAccess());
    }

    private final IntegratorSettings settings;
    private final Engine engine;

    private Integrator(IntegratorSettings settings) {
        this.settings = settings;
        this.engine = new Engine(settings);
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
        return new IntegrationCall(engine, account).execute();
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
        return new IntegrationCall(engine, account).reuse(previous);
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
        return new IntegrationCall(engine, account).checkUpgrade(previous);
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
        return new IntegrationCall(engine, account).enqueue();
    }

    public PreferencePolicy policy() {
        return settings.policy();
    }

    public Duration connectTimeout() {
        return settings.connectTimeout();
    }

    public Duration readTimeout() {
        return settings.readTimeout();
    }

    /** The delay between the starts of consecutive candidates; empty when the integrator is sequential. */
    public Optional<Duration> stagger() {
        return Optional.ofNullable(settings.stagger());
    }

    /** The patience window; empty when the integrator is strict (the default). */
    public Optional<Duration> patience() {
        return Optional.ofNullable(settings.patience());
    }

    /** The deadline of one attempt before its login, not counting the time it waits for its turn. */
    public Duration attemptTimeout() {
        return settings.attemptTimeout();
    }

    /** The overall deadline of one integration. */
    public Duration integrationTimeout() {
        return settings.integrationTimeout();
    }

    /** How long a server may take to answer the credentials. */
    public Duration authTimeout() {
        return settings.authTimeout();
    }

    /** The most connections this integrator's integrations together open to one server at a time. */
    public int maxConnectionsPerServer() {
        return settings.maxConnectionsPerServer();
    }

    /** The engine this integrator's calls run on; for the library's own packages ({@link ApiAccess}). */
    Engine engine() {
        return engine;
    }

    /**
     * Builds {@link Integrator}s. Setters validate at once and throw {@link NullPointerException} or
     * {@link IllegalArgumentException}; {@link #build()} can be called repeatedly.
     *
     * <p>This class is not thread-safe.
     */
    public static final class Builder {
        private final IntegratorSettings.Builder settings = new IntegratorSettings.Builder();

        private Builder() {
        }

        /**
         * Finds the servers from the address when the caller gives no host for a protocol the policy lists (an
         * incoming policy needs IMAP and POP3 hosts, {@code Policies.submission()} an SMTP host): typically
         * {@code org.mailintegrator.discovery.Discovery.standard()} (artifact {@code mailintegrator-discovery}).
         * What it finds is offered to the policy ({@link PreferencePolicy#candidates(MailAccount, DiscoveredHosts)});
         * credentials go only to hosts within the address's domain, hosts from a trusted source, or hosts
         * {@linkplain #approveHosts(HostApproval) approved}. Without it the integrator tries the policy's hosts.
         */
        public Builder discovery(HostDiscovery discovery) {
            settings.discovery(discovery);
            return this;
        }

        /**
         * Decides on hosts that discovery proposed from a source that is not trusted (default: none approved; such
         * candidates are skipped and say why).
         */
        public Builder approveHosts(HostApproval approval) {
            settings.approveHosts(approval);
            return this;
        }

        /**
         * Hears every integration, attempt and phase as it starts and ends ({@link IntegrationListener}): for
         * progress displays, metrics and traces. Called on the integrator's threads, never under its locks; what
         * it throws is logged and ignored. Default: {@link IntegrationListener#NONE}.
         */
        public Builder listener(IntegrationListener listener) {
            settings.listener(listener);
            return this;
        }

        /**
         * How long a server may take to answer the credentials; default {@link #DEFAULT_AUTH_TIMEOUT}. Separate from
         * the read timeout because servers slow their answers to logins on purpose after failures; an answer that
         * comes late is still the answer (a late rejection is {@link Outcome#AUTH_FAILED}, a late acceptance a
         * success).
         */
        public Builder authTimeout(Duration timeout) {
            settings.authTimeout(timeout);
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
            settings.maxConnectionsPerServer(max);
            return this;
        }

        /**
         * How long to wait for one of a host's addresses to connect before also trying the next one (RFC 8305's
         * connection attempt delay); default 250 ms. An address that fails starts the next one at once.
         */
        public Builder addressStagger(Duration delay) {
            settings.addressStagger(delay);
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
            settings.busyRetryWindow(window);
            return this;
        }

        /**
         * Where host names are looked up; default {@link HostResolver#SYSTEM}, the JDK's. Each lookup is bounded by
         * the connect timeout, however long the resolver takes.
         */
        public Builder resolver(HostResolver resolver) {
            settings.resolver(resolver);
            return this;
        }

        /**
         * The least security a candidate must have to be tried, whatever the policy lists: {@link Security#NONE}
         * (the default) tries everything; {@link Security#STARTTLS} skips cleartext candidates;
         * {@link Security#IMPLICIT_TLS} also skips STARTTLS ones (RFC 8314 prefers implicit TLS). A skipped candidate
         * is recorded as {@link Outcome#SKIPPED}: no connection, no password.
         */
        public Builder minimumSecurity(Security minimum) {
            settings.minimumSecurity(minimum);
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
            settings.stopOnAuthFailure();
            return this;
        }

        /**
         * How long a candidate's TCP connect may take before the next candidate is started as well; default
         * {@link #DEFAULT_STAGGER}. A candidate that fails starts the next one at once; one that has connected
         * starts nothing more (it is alive, and waited for). Zero starts each next candidate as soon as the previous
         * one begins to connect. The selection does not depend on it; only speed and load do.
         */
        public Builder stagger(Duration delay) {
            settings.stagger(delay);
            return this;
        }

        /** Tries one candidate at a time: each starts only when the previous one has failed. */
        public Builder sequential() {
            settings.sequential();
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
            settings.patience(window);
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
            settings.rememberUnreachable(forHowLong, maxEndpoints);
            return this;
        }

        /**
         * The deadline of one attempt before its login: name resolution, connect, TLS and greeting, not counting the
         * time it waits for its turn to authenticate; default: twice the connect timeout plus twice the read
         * timeout. Bounds a server that trickles a byte per read timeout. The login then has the
         * {@linkplain #authTimeout(Duration) authentication timeout} plus the read timeout.
         */
        public Builder attemptTimeout(Duration timeout) {
            settings.attemptTimeout(timeout);
            return this;
        }

        /** The overall deadline of one integration; default {@link #DEFAULT_INTEGRATION_TIMEOUT}. */
        public Builder integrationTimeout(Duration timeout) {
            settings.integrationTimeout(timeout);
            return this;
        }

        /**
         * Where attempts run; each running attempt holds a thread while it does blocking I/O. The executor must
         * run tasks in the order they are submitted, or be able to run every candidate of an integration at once.
         * Each attempt is handed to it by a library thread of its own, never by the integrating caller's thread or
         * the integrator's timer, and it may keep that thread: an executor that runs tasks on the calling thread
         * ({@code Runnable::run}) or makes the caller wait while it is full holds up no deadline, cancellation or
         * other integration. Default: a pool shared by all integrators, at most 128
         * threads, first in first out; idle threads end after a second.
         */
        public Builder executor(Executor executor) {
            settings.executor(executor);
            return this;
        }

        /** The policy that lists and orders the candidates. Required. */
        public Builder policy(PreferencePolicy policy) {
            settings.policy(policy);
            return this;
        }

        /** How long a TCP connect may take; default {@link #DEFAULT_CONNECT_TIMEOUT}. Positive, at most 24 days. */
        public Builder connectTimeout(Duration timeout) {
            settings.connectTimeout(timeout);
            return this;
        }

        /** How long any single read may wait; default {@link #DEFAULT_READ_TIMEOUT}. Positive, at most 24 days. */
        public Builder readTimeout(Duration timeout) {
            settings.readTimeout(timeout);
            return this;
        }

        /**
         * The TLS context for implicit TLS and STARTTLS, e.g. one that trusts a private CA. Host names are still
         * verified, unless this context's trust manager decides otherwise. Default: the JDK's.
         */
        public Builder sslContext(SSLContext sslContext) {
            settings.sslContext(sslContext);
            return this;
        }

        /**
         * Builds the integrator.
         *
         * @throws IllegalStateException if no policy was set
         */
        public Integrator build() {
            return new Integrator(settings.build());
        }
    }
}
