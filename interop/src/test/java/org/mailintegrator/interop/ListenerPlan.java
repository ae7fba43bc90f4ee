package org.mailintegrator.interop;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What a private server's builder records of its four listeners ({@code L}): each one's loopback address
 * (127.0.0.1 until another is set) and which are stopped. Not thread-safe.
 *
 * @param <L> the listeners: IMAP, IMAPS, POP3, POP3S
 */
final class ListenerPlan<L extends Enum<L>> {
    private final Class<L> type;
    private final Map<L, String> addresses;
    private final EnumSet<L> stopped;

    ListenerPlan(Class<L> type) {
        this.type = type;
        this.addresses = new EnumMap<>(type);
        this.stopped = EnumSet.noneOf(type);
        for (L listener : type.getEnumConstants()) {
            addresses.put(listener, "127.0.0.1");
        }
    }

    /** Stops {@code listeners}: their ports refuse connections ("the service is stopped"). */
    @SafeVarargs
    final void stop(L... listeners) {
        stopped.addAll(List.of(listeners));
    }

    /** Binds {@code listeners} to {@code address}, which must be a loopback address. */
    @SafeVarargs
    final void bind(String address, L... listeners) {
        PrivateServers.loopback(address);
        for (L listener : listeners) {
            addresses.put(listener, address);
        }
    }

    /**
     * Checks that without TLS every listener that speaks it from the first byte is stopped.
     *
     * @throws IllegalStateException naming the first one that is not
     */
    void requireStoppedWithoutTls(boolean tls, Predicate<L> implicitTls) {
        for (L listener : type.getEnumConstants()) {
            if (!tls && implicitTls.test(listener) && !stopped.contains(listener)) {
                throw new IllegalStateException(listener + " needs TLS: call tls(...) or stop(" + listener + ")");
            }
        }
    }

    /** A free port on each listener's address, stopped ones included (a stopped listener's port refuses). */
    Map<L, Integer> freePorts() {
        Map<L, Integer> ports = new EnumMap<>(type);
        addresses.forEach((listener, address) -> ports.put(listener, PrivateServers.freePort(address)));
        return ports;
    }

    String address(L listener) {
        return addresses.get(listener);
    }

    Map<L, String> addresses() {
        return addresses;
    }

    boolean isStopped(L listener) {
        return stopped.contains(listener);
    }

    Set<L> running() {
        return EnumSet.complementOf(stopped);
    }
}
