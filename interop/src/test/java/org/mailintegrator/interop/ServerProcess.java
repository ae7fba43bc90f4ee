package org.mailintegrator.interop;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * A server fixture's process, run from a temporary directory of its own: {@link #close()} stops it and every
 * process it started (at the JVM's exit too, should a test not close it) and deletes the directory. Thread-safe.
 */
abstract class ServerProcess implements AutoCloseable {
    private final Path directory;
    private final Process process;
    private final Duration shutdownTimeout;
    private final Thread shutdownHook;
    private volatile boolean closed;

    /** {@code name} names the shutdown hook's thread; {@code shutdownTimeout} is how long a stop may take. */
    ServerProcess(String name, Path directory, Process process, Duration shutdownTimeout) {
        this.directory = directory;
        this.process = process;
        this.shutdownTimeout = shutdownTimeout;
        this.shutdownHook = new Thread(this::stopProcess, name.toLowerCase(Locale.ROOT) + "-shutdown-"
                + process.pid());
        Runtime.getRuntime().addShutdownHook(shutdownHook);
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
        PrivateServers.stop(process, shutdownTimeout);
    }
}
