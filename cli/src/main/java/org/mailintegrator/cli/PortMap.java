package org.mailintegrator.cli;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.mailintegrator.core.DiscoveredHosts;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.PreferencePolicy;
import org.mailintegrator.core.ProtocolCandidate;

/**
 * {@code --mail-port}: sends every candidate of a standard port to another port, so a policy written for 993, 995, 143
 * and 110 can reach a server on other ports (a test server, a port forward). Immutable.
 */
final class PortMap {
    private static final Map<String, Integer> NAMES = Map.of("imaps", 993, "pop3s", 995, "imap", 143, "pop3", 110,
            "submissions", 465, "submission", 587, "smtp", 25);

    private final Map<Integer, Integer> ports;

    private PortMap(Map<Integer, Integer> ports) {
        this.ports = ports;
    }

    /**
     * Reads {@code STANDARD=PORT} entries, e.g. {@code 993=3993} or {@code imaps=3993}.
     *
     * @throws IllegalArgumentException for an entry that is not of that form
     */
    static PortMap parse(List<String> entries) {
        Map<Integer, Integer> ports = new TreeMap<>();
        for (String entry : entries) {
            int equals = entry.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("--mail-port must be STANDARD=PORT, e.g. 993=3993 or imaps=3993, not "
                        + entry);
            }
            String from = entry.substring(0, equals).toLowerCase(Locale.ROOT);
            Integer standard = NAMES.containsKey(from) ? NAMES.get(from) : port(from, entry);
            if (ports.put(standard, port(entry.substring(equals + 1), entry)) != null) {
                throw new IllegalArgumentException("--mail-port " + standard + " is given twice");
            }
        }
        return new PortMap(Map.copyOf(ports));
    }

    private static int port(String value, String entry) {
        if (value.matches("\\d{1,5}")) {
            int port = Integer.parseInt(value);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        }
        throw new IllegalArgumentException("--mail-port " + entry + ": " + value + " is neither a port (1-65535) nor one "
                + "of " + new TreeMap<>(NAMES).keySet());
    }

    /** {@code policy} with its candidates moved; {@code policy} itself when there is nothing to move. */
    PreferencePolicy apply(PreferencePolicy policy) {
        if (ports.isEmpty()) {
            return policy;
        }
        return new PreferencePolicy() {
            @Override
            public List<ProtocolCandidate> candidates(MailAccount account) {
                return moved(policy.candidates(account));
            }

            @Override
            public List<ProtocolCandidate> candidates(MailAccount account, DiscoveredHosts discovered) {
                return moved(policy.candidates(account, discovered));
            }

            @Override
            public String toString() {
                return policy + " with ports " + ports;
            }
        };
    }

    private List<ProtocolCandidate> moved(List<ProtocolCandidate> candidates) {
        return candidates.stream()
                .map(candidate -> ProtocolCandidate.of(candidate.protocol(), candidate.security(), candidate.host(),
                        ports.getOrDefault(candidate.port(), candidate.port())))
                .toList();
    }
}
