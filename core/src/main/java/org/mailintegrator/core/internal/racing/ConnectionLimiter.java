package org.mailintegrator.core.internal.racing;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.internal.SystemTimeline;
import org.mailintegrator.core.internal.Timeline;

/**
 * Bounds the connections open to one server (host and port) at a time, across every integration that shares this
 * limiter, and learns how many the server takes. A permit is asked for without blocking: it is granted at once when
 * one is free (the asker is told so and goes on itself), else the request waits in a first-in-first-out queue and
 * its callback runs when a permit comes free. Callbacks run on the thread that freed it, outside the limiter's
 * lock, and must only hand work off.
 *
 * <p><b>Learned limits.</b> Each server's limit starts at the configured maximum and follows what the server shows
 * ({@link LearnedLimit}: additive increase, multiplicative decrease):
 * <ul>
 *   <li>a connection the server closes or resets before its greeting ({@link Ticket#closedBeforeGreeting()}) while
 *       it holds other established connections of this limiter, or while it greeted one, or one it had greeted
 *       ended, less than {@link #RECENTLY} ago (a server may count a connection a moment after the client has
 *       closed it), is refused for a connection limit: "not now", not "never". Before its greeting the server knows
 *       nothing of the account, so it closes such a connection for the load it already carries. The limit drops to
 *       the number of others open then (at least 1);</li>
 *   <li>each greeting ({@link Ticket#accepted()}) raises the limit a little, back toward the maximum.</li>
 * </ul>
 * Waiting requests wait for the learned limit. A connection closed early while no other is open and nothing greeted
 * is that recent says nothing about a limit: the server may refuse everyone (a broken TLS setup, say, or a server
 * that has just been stopped for good), and such a close is what it is. The window is kept short for that reason:
 * a server that served us a minute ago and resets every connection now is broken, not full. What a server taught
 * is forgotten {@link #FORGET_AFTER} after it was last asked for.
 *
 * <p>What it cannot see: connections of other programs from the same address. A server kept full by them, with none
 * of ours open, looks like one that refuses everyone.
 *
 * <p>This class is thread-safe.
 */
public final class ConnectionLimiter {
    /**
     * How recent a greeting (or the end of a greeted connection) must be for an early close to count as a connection
     * limit though none of ours is open.
     */
    public static final Duration RECENTLY = Duration.ofSeconds(1);
    /** How long a server's learned limit and last greeting are kept once nothing more is asked of it. */
    public static final Duration FORGET_AFTER = Duration.ofMinutes(10);

    /** A request for a permit: granted, waiting, or given back. */
    public interface Ticket {
        /**
         * Gives the permit back, or withdraws the request if it is still waiting. Idempotent. May run another
         * request's callback on this thread: call it while holding no lock that such a callback could need.
         */
        void release();

        /**
         * Asks for the permit. Returns true when it is granted at once, and {@code onGranted} is then never run: the
         * caller goes on itself. Otherwise the request waits, and {@code onGranted} runs once, when the permit is
         * granted, on the thread that frees one (see {@link #release()}).
         */
        boolean request(Runnable onGranted);

        /**
         * Stops counting a granted permit whose connection the server has not answered yet (its SYN is unanswered:
         * a firewall that drops, a host that is down); a waiting request may be granted in its place. Such an
         * attempt loads no server, and without this a dropped endpoint would let through only the limit's worth of
         * integrations per connect timeout. May run a callback: hold no lock a callback could need.
         */
        void suspend();

        /**
         * The permit's connection is established: counted as open at the server until {@link #disconnected()}; a
         * suspended permit is counted again, even above the limit.
         */
        void connected();

        /** The permit's connection has ended (the try is over); the permit itself is still held. */
        void disconnected();

        /**
         * The server greeted the permit's connection: it serves this client now. The learned limit grows. May run
         * callbacks of waiting requests: hold no lock a callback could need.
         */
        void accepted();

        /**
         * The server closed or reset the permit's connection before its greeting. Returns whether that was a
         * connection limit, a "not now": the server held other established connections of this limiter then, or
         * greeted one, or one it had greeted ended, less than {@link #RECENTLY} ago; the learned limit then drops to
         * the number of others open.
         * Otherwise nothing is learned and false is returned. Never runs a callback.
         */
        boolean closedBeforeGreeting();

        /** Withdraws the request if it is still waiting (its callback will then never run); never runs a callback. */
        boolean withdraw();
    }

    private final int maxPerServer;
    private final Timeline timeline;
    /** In the order last used, eldest first. */
    private final Map<String, Server> servers = new LinkedHashMap<>(16, 0.75f, true);
    private long lastSweep;

    public ConnectionLimiter(int maxPerServer) {
        this(maxPerServer, SystemTimeline.INSTANCE);
    }

    /** A limiter whose notion of "recently" comes from {@code timeline}. */
    public ConnectionLimiter(int maxPerServer, Timeline timeline) {
        if (maxPerServer < 1) {
            throw new IllegalArgumentException("maxPerServer must be at least 1, was " + maxPerServer);
        }
        this.maxPerServer = maxPerServer;
        this.timeline = timeline;
        this.lastSweep = timeline.nanoTime();
    }

    /** A ticket for one connection to {@code server}; {@link Ticket#request} asks for the permit. */
    public Ticket ticket(String server) {
        return new Request(server);
    }

    /** Connections counted as open to {@code server} now. */
    public synchronized int open(String server) {
        Server state = servers.get(server);
        return state == null ? 0 : state.open;
    }

    /** How many connections to {@code server} may be open at once now, as learned. */
    public synchronized int limit(String server) {
        Server state = servers.get(server);
        return state == null ? maxPerServer : state.limit.current();
    }

    /** The state of {@code server}, created if need be (caller holds the lock). */
    private Server server(String server) {
        long now = timeline.nanoTime();
        Server state = servers.get(server);
        if (state == null) {
            sweep(now);
            state = new Server(maxPerServer);
            servers.put(server, state);
        }
        state.lastUsed = now;
        return state;
    }

    /**
     * Forgets servers with nothing open or waiting that were last asked for long enough ago (caller holds the lock):
     * at most once per {@link #RECENTLY}, so that the map holds what is worth remembering and no more.
     */
    private void sweep(long now) {
        if (now - lastSweep < RECENTLY.toNanos()) {
            return;
        }
        lastSweep = now;
        for (Iterator<Server> it = servers.values().iterator(); it.hasNext(); ) {
            Server state = it.next();
            if (state.idle() && !state.worthRemembering(now)) {
                it.remove();
            }
        }
    }

    /** Grants waiting requests while the learned limit allows (caller holds the lock); their callbacks, to run after. */
    private static List<Request> grantWaiting(Server state) {
        List<Request> granted = new ArrayList<>();
        while (!state.waiting.isEmpty() && state.open < state.limit.current()) {
            Request next = state.waiting.poll();
            next.state = RequestState.GRANTED;
            state.open++;
            granted.add(next);
        }
        return granted;
    }

    private static void run(List<Request> granted) {
        for (Request request : granted) {
            Objects.requireNonNull(request.onGranted, "onGranted").run();
        }
    }

    private enum RequestState { WAITING, GRANTED, SUSPENDED, RELEASED }

    private static final class Server {
        final LearnedLimit limit;
        final ArrayDeque<Request> waiting = new ArrayDeque<>();
        /** Granted permits that are not suspended. */
        int open;
        /** Granted permits whose connection is established and not over. */
        int connected;
        long lastUsed;
        /** When the server last greeted a connection of ours, or one it had greeted ended. */
        long lastServed;
        boolean served;

        Server(int max) {
            this.limit = new LearnedLimit(max);
        }

        boolean idle() {
            return open == 0 && connected == 0 && waiting.isEmpty();
        }

        boolean servedRecently(long now) {
            return served && now - lastServed <= RECENTLY.toNanos();
        }

        void served(long now) {
            served = true;
            lastServed = now;
        }

        boolean worthRemembering(long now) {
            return servedRecently(now) || limit.learned() && now - lastUsed <= FORGET_AFTER.toNanos();
        }
    }

    private final class Request implements Ticket {
        final String server;
        @Nullable Runnable onGranted;
        RequestState state = RequestState.WAITING;
        boolean connected;
        /** Whether the server greeted this permit's current connection. */
        boolean greeted;

        Request(String server) {
            this.server = server;
        }

        @Override
        public boolean request(Runnable onGranted) {
            synchronized (ConnectionLimiter.this) {
                this.onGranted = onGranted;
                Server at = server(server);
                boolean granted = at.waiting.isEmpty() && at.open < at.limit.current();
                if (granted) {
                    at.open++;
                    state = RequestState.GRANTED;
                } else {
                    at.waiting.add(this);
                }
                return granted;
            }
        }

        @Override
        public void release() {
            List<Request> granted = List.of();
            synchronized (ConnectionLimiter.this) {
                Server at = servers.get(server);
                if (at != null) {
                    if (state == RequestState.WAITING) {
                        at.waiting.remove(this);
                    } else if (state == RequestState.GRANTED) {
                        at.open--;
                        disconnect(at);
                        granted = grantWaiting(at);
                    }
                }
                state = RequestState.RELEASED;
            }
            run(granted);
        }

        @Override
        public void suspend() {
            List<Request> granted;
            synchronized (ConnectionLimiter.this) {
                if (state != RequestState.GRANTED) {
                    return;
                }
                state = RequestState.SUSPENDED;
                Server at = server(server);
                at.open--;
                disconnect(at);
                granted = grantWaiting(at);
            }
            run(granted);
        }

        @Override
        public void connected() {
            synchronized (ConnectionLimiter.this) {
                Server at = server(server);
                if (state == RequestState.SUSPENDED) {
                    state = RequestState.GRANTED;
                    at.open++;
                }
                if (state == RequestState.GRANTED && !connected) {
                    connected = true;
                    at.connected++;
                }
            }
        }

        @Override
        public void disconnected() {
            synchronized (ConnectionLimiter.this) {
                Server at = servers.get(server);
                if (at != null) {
                    disconnect(at);
                }
            }
        }

        /** Stops counting this permit's connection as open (caller holds the lock). */
        private void disconnect(Server at) {
            if (connected) {
                connected = false;
                at.connected--;
            }
            if (greeted) {
                greeted = false;
                // the server may count it a moment longer than we do
                at.served(timeline.nanoTime());
            }
        }

        @Override
        public void accepted() {
            List<Request> granted;
            synchronized (ConnectionLimiter.this) {
                if (state != RequestState.GRANTED) {
                    return;
                }
                Server at = server(server);
                greeted = true;
                at.served(timeline.nanoTime());
                at.limit.greeted(at.open);
                granted = grantWaiting(at);
            }
            run(granted);
        }

        @Override
        public boolean closedBeforeGreeting() {
            synchronized (ConnectionLimiter.this) {
                if (state != RequestState.GRANTED) {
                    return false;
                }
                Server at = server(server);
                disconnect(at);
                int others = at.connected;
                if (others == 0 && !at.servedRecently(timeline.nanoTime())) {
                    return false;
                }
                at.limit.refused(others);
                return true;
            }
        }

        @Override
        public boolean withdraw() {
            synchronized (ConnectionLimiter.this) {
                if (state != RequestState.WAITING) {
                    return false;
                }
                Server at = servers.get(server);
                if (at != null) {
                    at.waiting.remove(this);
                }
                state = RequestState.RELEASED;
                return true;
            }
        }
    }
}
