package org.mailintegrator.interop;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A firewall rule that silently DROPS TCP packets to exactly one loopback address and port, the way an
 * administrator blocks an integrating service from IMAP: the client's SYN gets no answer, so its connect can only
 * time out. Installed with {@code iptables} in the INPUT chain of the loopback interface (dropping in OUTPUT would
 * fail the sender at once with "operation not permitted", which is not what a remote firewall looks like).
 *
 * <pre>{@code
 * try (LoopbackDropRule rule = LoopbackDropRule.install("127.0.0.1", 993)) {
 *     // connecting to 127.0.0.1:993 now times out
 * }
 * }</pre>
 *
 * <p>{@link #close()} deletes the rule; it needs root, as CI has.
 */
public final class LoopbackDropRule implements AutoCloseable {
    /** The iptables binary: {@code /usr/sbin/iptables} as Debian installs it, else {@code iptables} on the PATH. */
    public static final String IPTABLES = Files.isExecutable(Path.of("/usr/sbin/iptables")) ? "/usr/sbin/iptables"
            : "iptables";

    private static final String COMMENT = "mailintegrator-interop";

    private final String address;
    private final int port;
    private final Thread shutdownHook;
    private boolean removed;

    private LoopbackDropRule(String address, int port) {
        this.address = address;
        this.port = port;
        this.shutdownHook = new Thread(() -> iptables("-D"), "iptables-cleanup-" + port);
    }

    /**
     * Inserts the DROP rule for {@code address:port}.
     *
     * @throws IllegalArgumentException if the address is not a loopback address
     * @throws IllegalStateException if iptables fails
     */
    public static LoopbackDropRule install(String address, int port) {
        try {
            if (!InetAddress.getByName(address).isLoopbackAddress()) {
                throw new IllegalArgumentException("only loopback addresses may be blocked, not " + address);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not an address: " + address, e);
        }
        LoopbackDropRule rule = new LoopbackDropRule(address, port);
        rule.iptables("-I");
        // should the JVM die before close(), the rule still goes
        Runtime.getRuntime().addShutdownHook(rule.shutdownHook);
        return rule;
    }

    /** The blocked address. */
    public String address() {
        return address;
    }

    /** The blocked port. */
    public int port() {
        return port;
    }

    /** Deletes the rule. Idempotent. */
    @Override
    public void close() {
        if (!removed) {
            iptables("-D");
            removed = true;
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the JVM is exiting; the rule is already gone
            }
        }
    }

    @Override
    public String toString() {
        return "DROP tcp to " + address + ":" + port + (removed ? " (removed)" : "");
    }

    private void iptables(String action) {
        iptables(List.of(action, "INPUT", "-i", "lo", "-p", "tcp", "-d", address, "--dport", Integer.toString(port),
                "-m", "comment", "--comment", COMMENT, "-j", "DROP"));
    }

    /**
     * Runs {@code iptables -w 5 <arguments>} and returns its output.
     *
     * @throws IllegalStateException if iptables cannot run, fails, or does not finish in 30 s
     */
    static String iptables(List<String> arguments) {
        List<String> command = new ArrayList<>(List.of(IPTABLES, "-w", "5"));
        command.addAll(arguments);
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish");
            }
            String text = new String(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed with status "
                        + process.exitValue() + ": " + text.strip());
            }
            return text;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + IPTABLES + " (is the iptables package installed?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + IPTABLES, e);
        }
    }
}
