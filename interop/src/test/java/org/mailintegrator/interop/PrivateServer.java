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
 * server process run from a temporary directory, four listeners ({@code L}) on loopback addresses and free ports,
 * and a close that stops the process and its children (at the JVM's exit too, should a test not close it) and
 * deletes the directory. Thread-safe.
 *
 * @param <L> the listeners: IMAP, IMAPS, POP3, POP3S
 */
abstract class PrivateServer<L extends Enum<L>> implements AutoCloseable, RoutableServer {
    /** How long a server has to stop before it is killed. */
    static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

    private final String name;
    private final Path directory;
    private final Process process;
    private final Map<L, String> addresses;
    private final Map<L, Integer> ports;
    private final Set<L> running;
    private final Thread shutdownHook;
    private volatile boolean closed;

    /** {@code addresses} and {@code ports} hold every listener, in order (an {@link java.util.EnumMap}). */
    PrivateServer(String name, Path directory, Process process, Map<L, String> addresses, Map<L, Integer> ports,
            Set<L> running) {
        this.name = name;
        this.directory = directory;
        this.process = process;
        this.addresses = Collections.unmodifiableMap(new EnumMap<>(addresses));
        this.ports = ports;
        this.running = running;
        this.shutdownHook = new Thread(this::stopProcess, name.toLowerCase(java.util.Locale.ROOT) + "-shutdown-"
                + process.pid());
        Runtime.getRuntime().addShutdownHook(shutdownHook);
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

    /** The instance's directory (configuration, state, mailboxes, logs). */
    public Path directory() {
        return directory;
    }

    /** The server's process. */
    Process process() {
        return process;
    }

    /** Stops the server and every process it started, then deletes the directory. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopProcess();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook runs anyway
        }
        PrivateServers.deleteRecursively(directory);
    }

    /** Stops the process and its children; also what the shutdown hook runs. */
    void stopProcess() {
        PrivateServers.stop(process, SHUTDOWN_TIMEOUT);
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(name).append("Server{pid=").append(process.pid());
        for (L listener : addresses.keySet()) {
            out.append(", ").append(listener).append('=').append(address(listener)).append(':')
                    .append(port(listener)).append(isRunning(listener) ? "" : " (stopped)");
        }
        return out.append(", dir=").append(directory).append('}').toString();
    }
}
