package org.mailintegrator.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The log of a private server: one or more files in one directory, read line by line, and waited on through
 * file-system change events (servers write their log a little after the client saw the connection end).
 */
final class ServerLog {
    private final String server;
    private final Path directory;
    private final List<Path> files;

    ServerLog(String server, Path directory, List<Path> files) {
        this.server = server;
        this.directory = directory;
        this.files = List.copyOf(files);
    }

    /** Every line so far, file after file. */
    List<String> lines() {
        List<String> lines = new ArrayList<>();
        for (Path file : files) {
            lines.addAll(lines(file));
        }
        return lines;
    }

    static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * Waits until at least {@code count} lines match {@code line}, and returns the matching lines.
     *
     * @throws AssertionError with the whole log if they do not appear in time
     */
    List<String> await(String description, Predicate<String> line, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (WatchService watcher = FileSystems.getDefault().newWatchService()) {
            directory.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
            while (true) {
                List<String> matching = lines().stream().filter(line).collect(Collectors.toList());
                if (matching.size() >= count) {
                    return matching;
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    throw new AssertionError(server + " did not log " + count + " line(s) of " + description
                            + " within " + timeout.toMillis() + " ms; found " + matching.size() + ". Log:\n"
                            + String.join("\n", lines()));
                }
                // a bounded wait for the next change in the directory; the slice keeps the loop safe should the
                // kernel coalesce events
                WatchKey key = watcher.poll(Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(250)),
                        TimeUnit.NANOSECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot watch " + directory, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the " + server + " log", e);
        } catch (ClosedWatchServiceException e) {
            throw new IllegalStateException("the watch on " + directory + " was closed", e);
        }
    }

    /**
     * Waits until the log has had no change for {@code quiet}, bounded by {@code timeout}: for counting what a burst
     * of clients did.
     *
     * @throws AssertionError if the log keeps changing until the timeout
     */
    void awaitQuiet(Duration quiet, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (WatchService watcher = FileSystems.getDefault().newWatchService()) {
            directory.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
            while (true) {
                WatchKey key = watcher.poll(quiet.toNanos(), TimeUnit.NANOSECONDS);
                if (key == null) {
                    return;
                }
                key.pollEvents();
                key.reset();
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(server + "'s log was still changing after " + timeout.toMillis()
                            + " ms");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot watch " + directory, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the " + server + " log", e);
        }
    }
}
