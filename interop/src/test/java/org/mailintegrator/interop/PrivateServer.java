package org.mailintegrator.interop;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What the private server fixtures ({@link DovecotServer}, {@link CyrusServer}, {@link CourierServer}) share: a
 * {@link ServerProcess} with four listeners ({@code L}) on loopback addresses and free ports. Thread-safe.
 *
 * @param <L> the listeners: IMAP, IMAPS, POP3, POP3S
 */
abstract class PrivateServer<L extends Enum<L>> extends ServerProcess implements RoutableServer {
    /** How long a server has to stop before it is killed. */
    static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

    private final String name;
    private final Map<L, String> addresses;
    private final Map<L, Integer> ports;
    private final Set<L> running;

    /** {@code addresses} and {@code ports} hold every listener. */
    PrivateServer(String name, Path directory, Process process, Map<L, String> addresses, Map<L, Integer> ports,
            Set<L> running) {
        super(name, directory, process, SHUTDOWN_TIMEOUT);
        this.name = name;
        this.addresses = Collections.unmodifiableMap(new EnumMap<>(addresses));
        this.ports = ports;
        this.running = running;
    }

    /** The port of {@code listener}; for a stopped listener, a port where nothing listens. */
    public int port(L listener) {
        return ports.get(Objects.requireNonNull(listener, "listener"));
    }

    /** The loopback address {@code listener} is (or would be) bound to. */
    public String address(L listener) {
        return addresses.get(Objects.requireNonNull(listener, "listener"));
    }

    /** Whether {@code listener} accepts connections. */
    public boolean isRunning(L listener) {
        return running.contains(listener);
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(name).append("Server{pid=").append(process().pid());
        for (L listener : addresses.keySet()) {
            out.append(", ").append(listener).append('=').append(address(listener)).append(':')
                    .append(port(listener)).append(isRunning(listener) ? "" : " (stopped)");
        }
        return out.append(", dir=").append(directory()).append('}').toString();
    }
}
