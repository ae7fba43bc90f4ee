package org.mailintegrator.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What the private Cyrus and Courier instances have in common: the prefix where their Debian packages are unpacked
 * ({@code .ci/install-cyrus-courier.sh}), free loopback ports, waiting for listeners without connecting to them,
 * running Debian's tools, files with owners and modes, and stopping a process tree.
 */
final class PrivateServers {
    /**
     * Where {@code .ci/install-cyrus-courier.sh} unpacked cyrus-common, cyrus-imapd, cyrus-pop3d, courier-imap and
     * courier-pop: {@code /opt/mailintegrator-servers}, or {@code $MAIL_INTEGRATOR_SERVERS}.
     */
    static final Path PREFIX = Path.of(System.getenv().getOrDefault("MAIL_INTEGRATOR_SERVERS",
            "/opt/mailintegrator-servers"));

    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(30);

    private PrivateServers() {
    }

    /** Fails with a message that says how to install, unless every path exists. */
    static void requireInstalled(String what, Path... paths) {
        for (Path path : paths) {
            if (!Files.exists(path)) {
                throw new IllegalStateException(what + " is not installed: " + path + " is missing; run "
                        + "'sudo bash .ci/install-cyrus-courier.sh' (it unpacks Debian's packages into " + PREFIX
                        + ")");
            }
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException(what + " runs as root (as CI does): it switches to its own users, and "
                    + "its private mounts need root");
        }
    }

    /** A TCP port free on {@code address} now (the server binds it a moment later). */
    static int freePort(String address) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + address, e);
        }
    }

    /** Checks that {@code address} is a loopback address, so that nothing of a test listens elsewhere. */
    static String loopback(String address) {
        try {
            if (!InetAddress.getByName(address).isLoopbackAddress()) {
                throw new IllegalArgumentException("only loopback addresses are allowed, not " + address);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not an address: " + address, e);
        }
        return address;
    }

    /**
     * Whether a TCP socket listens on {@code address:port}, read from {@code /proc/net/tcp} and {@code tcp6}: no
     * connection is made, so the server logs nothing for it.
     */
    static boolean listening(String address, int port) {
        InetAddress target;
        try {
            target = InetAddress.getByName(address);
        } catch (IOException e) {
            throw new IllegalArgumentException("not an address: " + address, e);
        }
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines;
            try {
                lines = Files.readAllLines(Path.of(table), StandardCharsets.US_ASCII);
            } catch (IOException missing) {
                continue;
            }
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length < 4 || !"0A".equals(fields[3])) { // 0A: LISTEN
                    continue;
                }
                String[] local = fields[1].split(":");
                if (Integer.parseInt(local[1], 16) == port && sameOrWildcard(procAddress(local[0]), target)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** An address as {@code /proc/net/tcp*} print it: 32-bit words in host (little-endian) order. */
    private static byte[] procAddress(String hex) {
        byte[] bytes = new byte[hex.length() / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int i = 0; i < 4; i++) {
                int at = word * 8 + (3 - i) * 2;
                bytes[word * 4 + i] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
            }
        }
        return bytes;
    }

    private static boolean sameOrWildcard(byte[] listening, InetAddress target) {
        byte[] wanted = target.getAddress();
        if (java.util.Arrays.equals(listening, wanted)) {
            return true;
        }
        boolean allZero = true;
        for (byte b : listening) {
            allZero &= b == 0;
        }
        if (allZero) {
            return true;
        }
        if (listening.length == 16 && target instanceof Inet4Address) { // ::ffff:a.b.c.d
            for (int i = 0; i < 10; i++) {
                if (listening[i] != 0) {
                    return false;
                }
            }
            return listening[10] == (byte) 0xff && listening[11] == (byte) 0xff
                    && java.util.Arrays.equals(java.util.Arrays.copyOfRange(listening, 12, 16), wanted);
        }
        return false;
    }

    /**
     * Waits until something listens on each of {@code endpoints} (name → address and port), bounded; a bounded
     * back-off between looks, cut short if {@code process} exits.
     *
     * @throws IllegalStateException if the process exits or a listener does not appear in time
     */
    static void awaitListening(Process process, Map<String, InetSocketAddress> endpoints, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Map.Entry<String, InetSocketAddress> endpoint : endpoints.entrySet()) {
            InetSocketAddress address = endpoint.getValue();
            long pauseMillis = 5;
            while (!listening(address.getHostString(), address.getPort())) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the server exited with status " + process.exitValue());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(endpoint.getKey() + " did not listen on " + address + " within "
                            + timeout.toSeconds() + " s");
                }
                try {
                    process.waitFor(pauseMillis, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the server", e);
                }
                pauseMillis = Math.min(pauseMillis * 2, 100);
            }
        }
    }

    /**
     * Runs one of the servers' tools (saslpasswd2, userdbpw, makeuserdb, ...) with {@code input} on its standard
     * input, and returns what it printed on its standard output.
     *
     * @throws IllegalStateException if it fails, with what it printed (never the input, which may hold a password)
     */
    static String run(List<String> command, String input, Path directory) {
        try {
            Path errors = Files.createTempFile(directory, "tool-", ".err");
            Process process = new ProcessBuilder(command).directory(directory.toFile())
                    .redirectError(errors.toFile()).start();
            try (var in = process.getOutputStream()) {
                in.write(input.getBytes(StandardCharsets.UTF_8));
            }
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(TOOL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in "
                        + TOOL_TIMEOUT.toSeconds() + " s");
            }
            String stderr = Files.readString(errors, StandardCharsets.UTF_8);
            Files.delete(errors);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed with status "
                        + process.exitValue() + ": " + new String(output, StandardCharsets.UTF_8) + stderr);
            }
            return new String(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        }
    }

    /** Writes {@code content} to {@code file} with the mode given as {@code rwxr-x---}. */
    static Path write(Path file, String content, String mode) throws IOException {
        Files.writeString(file, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    /** Creates directories (as needed) with {@code mode}, owned by {@code user:group}. */
    static Path directory(Path directory, String mode, String user, String group) throws IOException {
        Files.createDirectories(directory);
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString(mode));
        return owned(directory, user, group);
    }

    /** Gives {@code path} to {@code user:group}. */
    static Path owned(Path path, String user, String group) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
        view.setOwner(lookup.lookupPrincipalByName(user));
        view.setGroup(lookup.lookupPrincipalByGroupName(group));
        return path;
    }

    /** The numeric id of a user or group, from {@code /etc/passwd} or {@code /etc/group}. */
    static int numericId(String database, String name) {
        try {
            for (String line : Files.readAllLines(Path.of(database), StandardCharsets.UTF_8)) {
                String[] fields = line.split(":");
                if (fields.length > 2 && fields[0].equals(name)) {
                    return Integer.parseInt(fields[2]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + database, e);
        }
        throw new IllegalStateException(name + " is not in " + database);
    }

    /**
     * Stops {@code process} (SIGTERM, then SIGKILL after {@code timeout}) and then every process it had started
     * that is still alive (the server's session processes): nothing is left behind.
     */
    static void stop(Process process, Duration timeout) {
        List<ProcessHandle> descendants = process.descendants().collect(Collectors.toList());
        process.destroy();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
            for (ProcessHandle descendant : descendants) {
                descendant.destroy();
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            for (ProcessHandle descendant : descendants) {
                long left = Math.max(1, deadline - System.nanoTime());
                try {
                    descendant.onExit().get(left, TimeUnit.NANOSECONDS);
                } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                    descendant.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            descendants.forEach(ProcessHandle::destroyForcibly);
        }
    }

    /** Deletes a directory tree, if it exists. */
    static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }

    /** The files' contents, each under a {@code --- name ---} heading, for a failure message. */
    static String diagnostics(Path... files) {
        StringBuilder out = new StringBuilder();
        for (Path file : files) {
            out.append("--- ").append(file.getFileName()).append(" ---\n");
            try {
                out.append(Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "(none)\n");
            } catch (IOException e) {
                out.append("(unreadable: ").append(e.getMessage()).append(")\n");
            }
        }
        return out.toString();
    }
}
