package org.mailintegrator.core.internal.racing;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Bounds the connections open to one server (host and port) at a time, across every integration that shares this
 * limiter. A permit is asked for without blocking: it is granted at once when one is free (the asker is told so and
 * goes on itself), else the request waits in a first-in-first-out queue and its callback runs when a permit is
 * released. Callbacks run on the releasing thread, outside the limiter's lock, and must only hand work off.
 *
 * <p>This class is thread-safe.
 */
public final class ConnectionLimiter {
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
         * granted, on the thread that gives another back (see {@link #release()}).
         */
        boolean request(Runnable onGranted);

        /**
         * Stops counting a granted permit whose connection the server has not answered yet (its SYN is unanswered:
         * a firewall that drops, a host that is down); a waiting request may be granted in its place. Such an
         * attempt loads no server, and without this a dropped endpoint would let through only the limit's worth of
         * integrations per connect timeout. May run a callback: hold no lock a callback could need.
         */
        void suspend();

        /** Counts a suspended permit again once its connection is established, even above the limit. */
        void resume();

        /** Withdraws the request if it is still waiting (its callback will then never run); never runs a callback. */
        boolean withdraw();
    }

    private final int maxPerServer;
    private final Map<String, Server> servers = new HashMap<>();

    public ConnectionLimiter(int maxPerServer) {
        this.maxPerServer = maxPerServer;
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

    private void release(Request request) {
        Request next = null;
        synchronized (this) {
            Server state = servers.get(request.server);
            if (request.state == RequestState.WAITING) {
                state.waiting.remove(request);
            } else if (request.state == RequestState.GRANTED && state != null) {
                next = state.waiting.poll();
                if (next != null) {
                    next.state = RequestState.GRANTED;
                } else {
                    state.open--;
                }
            }
            request.state = RequestState.RELEASED;
            if (state != null && state.open == 0 && state.waiting.isEmpty()) {
                servers.remove(request.server);
            }
        }
        if (next != null) {
            next.onGranted.run();
        }
    }

    private enum RequestState { WAITING, GRANTED, SUSPENDED, RELEASED }

    private static final class Server {
        int open;
        final ArrayDeque<Request> waiting = new ArrayDeque<>();
    }

    private final class Request implements Ticket {
        final String server;
        Runnable onGranted;
        RequestState state = RequestState.WAITING;

        Request(String server) {
            this.server = server;
        }

        @Override
        public boolean request(Runnable onGranted) {
            boolean granted;
            synchronized (ConnectionLimiter.this) {
                this.onGranted = onGranted;
                Server at = servers.computeIfAbsent(server, key -> new Server());
                granted = at.open < maxPerServer;
                if (granted) {
                    at.open++;
                    state = RequestState.GRANTED;
                } else {
                    at.waiting.add(this);
                }
            }
            return granted;
        }

        @Override
        public void release() {
            ConnectionLimiter.this.release(this);
        }

        @Override
        public void suspend() {
            Request next = null;
            synchronized (ConnectionLimiter.this) {
                if (state != RequestState.GRANTED) {
                    return;
                }
                state = RequestState.SUSPENDED;
                Server at = servers.get(server);
                next = at.waiting.poll();
                if (next != null) {
                    next.state = RequestState.GRANTED;
                } else {
                    at.open--;
                }
            }
            if (next != null) {
                next.onGranted.run();
            }
        }

        @Override
        public void resume() {
            synchronized (ConnectionLimiter.this) {
                if (state == RequestState.SUSPENDED) {
                    state = RequestState.GRANTED;
                    servers.computeIfAbsent(server, key -> new Server()).open++;
                }
            }
        }

        @Override
        public boolean withdraw() {
            synchronized (ConnectionLimiter.this) {
                if (state != RequestState.WAITING) {
                    return false;
                }
                Server waitingAt = servers.get(server);
                waitingAt.waiting.remove(this);
                state = RequestState.RELEASED;
                if (waitingAt.open == 0 && waitingAt.waiting.isEmpty()) {
                    servers.remove(server);
                }
                return true;
            }
        }
    }
}
