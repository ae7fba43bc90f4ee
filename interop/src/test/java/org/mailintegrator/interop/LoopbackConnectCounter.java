package org.mailintegrator.interop;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Counts the TCP connections clients on this machine begin towards some ports of a loopback address, whatever
 * becomes of them (accepted, refused, closed at once by the server, or left unanswered): an {@code iptables} rule
 * without a target in the OUTPUT chain of the loopback interface, which only counts, matching a connection's first
 * SYN. Retransmitted SYNs of the same connection (when a server's listen queue is full) are not counted again: the
 * rule matches once per source and destination port pair ({@code hashlimit}, one per hour, burst 1). Needs root, as
 * {@link LoopbackDropRule} does; the rule changes no packet's fate.
 *
 * <pre>{@code
 * try (LoopbackConnectCounter counter = LoopbackConnectCounter.install("127.0.0.1", 993, 995, 143, 110)) {
 *     long before = counter.count();
 *     // ... clients connect ...
 *     long begun = counter.count() - before;
 * }
 * }</pre>
 *
 * <p>{@link #close()} deletes the rule (a shutdown hook does it should the JVM end first). Not thread-safe.
 */
final class LoopbackConnectCounter implements AutoCloseable {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final List<String> rule;
    private final String comment;
    private final Thread shutdownHook;
    private boolean removed;

    private LoopbackConnectCounter(List<String> rule, String comment) {
        this.rule = rule;
        this.comment = comment;
        this.shutdownHook = new Thread(() -> {
            try {
                iptables("-D", rule);
            } catch (IllegalStateException alreadyDeleted) {
                // close() got there first
            }
        }, "iptables-cleanup-" + comment);
    }

    /** Installs the counting rule for connections to {@code address} on {@code ports}. */
    static LoopbackConnectCounter install(String address, int... ports) {
        try {
            if (!InetAddress.getByName(address).isLoopbackAddress()) {
                throw new IllegalArgumentException("only loopback addresses are counted here, not " + address);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not an address: " + address, e);
        }
        if (ports.length == 0 || ports.length > 15) {
            throw new IllegalArgumentException("1 to 15 ports (iptables multiport), not " + ports.length);
        }
        // a hashlimit table name has at most 15 characters and is shared by rules of the same name
        String name = "mic" + ProcessHandle.current().pid() % 1_000_000 + "x" + SEQUENCE.incrementAndGet() % 1000;
        String comment = "mailintegrator-count-" + name;
        String portList = java.util.Arrays.stream(ports).mapToObj(Integer::toString)
                .collect(Collectors.joining(","));
        List<String> rule = List.of("OUTPUT", "-o", "lo", "-p", "tcp", "-d", address, "--syn",
                "-m", "multiport", "--dports", portList,
                "-m", "hashlimit", "--hashlimit-upto", "1/hour", "--hashlimit-burst", "1",
                "--hashlimit-mode", "srcport,dstport", "--hashlimit-name", name,
                "-m", "comment", "--comment", comment);
        LoopbackConnectCounter counter = new LoopbackConnectCounter(rule, comment);
        iptables("-I", rule);
        Runtime.getRuntime().addShutdownHook(counter.shutdownHook);
        return counter;
    }

    /** The connections counted since the rule was installed. */
    long count() {
        String listing = iptables("-L", List.of("OUTPUT", "-v", "-n", "-x"));
        for (String line : listing.split("\n")) {
            if (line.contains("/* " + comment + " */")) {
                return Long.parseLong(line.trim().split("\\s+")[0]);
            }
        }
        throw new IllegalStateException("the counting rule " + comment + " is gone:\n" + listing);
    }

    /** Deletes the rule. Idempotent. */
    @Override
    public void close() {
        if (!removed) {
            removed = true;
            iptables("-D", rule);
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the JVM is exiting: the hook runs, and finds the rule already deleted
            }
        }
    }

    private static String iptables(String action, List<String> arguments) {
        List<String> command = new ArrayList<>(List.of(action));
        command.addAll(arguments);
        return LoopbackDropRule.iptables(command);
    }
}
