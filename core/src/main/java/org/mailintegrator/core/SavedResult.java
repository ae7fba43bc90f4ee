package org.mailintegrator.core;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.internal.Json;

/**
 * The saved form of an {@link IntegrationResult}: JSON, format {@code mailintegrator.result} version 1. It holds
 * the address, the elapsed time, the policy's chain the result was made under ({@code chain}: every candidate in
 * preference order; a result saved without it was made under the chain of its attempts) and every attempt
 * (candidate, outcome, phase, time, detail, address it connected through, where its endpoint came from) with the
 * cause and remedy of {@link Explanation}; never a secret, since results hold none. Reading it back keeps each
 * attempt's cause where the outcome alone does not tell it ({@link Attempt#explainedAs()}), so that the explanation
 * reads the same. A reader of version 1 ignores members it does not know, so later versions may add members;
 * a change that old readers cannot follow gets a new version number. Stateless.
 */
final class SavedResult {
    static final String FORMAT = "mailintegrator.result";
    static final long VERSION = 1;

    private SavedResult() {
    }

    static String write(IntegrationResult result) {
        Explanation explanation = result.explanation();
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("emailAddress", result.emailAddress());
        root.put("integrated", result.isIntegrated());
        root.put("selected", result.selected().map(SavedResult::candidate).orElse(null));
        root.put("elapsedMillis", result.elapsed().toMillis());
        root.put("chain", result.chain().stream().map(SavedResult::candidate).toList());
        List<Object> attempts = new ArrayList<>();
        for (Explanation.Entry entry : explanation.entries()) {
            Attempt attempt = entry.attempt();
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("candidate", candidate(attempt.candidate()));
            map.put("outcome", attempt.outcome().name());
            map.put("phase", attempt.phase().name());
            map.put("elapsedMillis", attempt.elapsed().toMillis());
            map.put("detail", attempt.detail());
            attempt.address().ifPresent(address -> map.put("address",
                    Map.of("ip", address.getAddress().getHostAddress(), "port", (long) address.getPort())));
            attempt.provenance().ifPresent(provenance -> {
                Map<String, Object> from = new LinkedHashMap<>();
                from.put("kind", provenance.kind().name());
                from.put("origin", provenance.origin());
                from.put("trusted", provenance.isTrusted());
                map.put("provenance", from);
            });
            map.put("cause", entry.cause().name());
            entry.remedy().ifPresent(remedy -> map.put("remedy", remedy));
            attempts.add(map);
        }
        root.put("attempts", attempts);
        root.put("explanation", explanation.text());
        return Json.write(root);
    }

    private static Map<String, Object> candidate(ProtocolCandidate candidate) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("protocol", candidate.protocol().name());
        map.put("security", candidate.security().name());
        map.put("host", candidate.host());
        map.put("port", (long) candidate.port());
        return map;
    }

    static IntegrationResult read(String json) {
        Object parsed = Json.read(json);
        Map<String, Object> root = object(parsed, "the result");
        if (!FORMAT.equals(root.get("format"))) {
            throw new IllegalArgumentException("not a saved result: \"format\" is not \"" + FORMAT + "\"");
        }
        long version = number(root, "version");
        if (version != VERSION) {
            throw new IllegalArgumentException("a saved result of version " + version + "; this library reads "
                    + "version " + VERSION);
        }
        List<Attempt> attempts = new ArrayList<>();
        Object list = root.get("attempts");
        if (!(list instanceof List<?> items)) {
            throw new IllegalArgumentException("a saved result needs \"attempts\" as an array");
        }
        for (Object item : items) {
            Map<String, Object> map = object(item, "an attempt");
            Attempt attempt = Attempt.of(candidate(object(map.get("candidate"), "a candidate")),
                    name(Outcome.class, map, "outcome"), Duration.ofMillis(number(map, "elapsedMillis")),
                    text(map, "detail")).withPhase(name(Phase.class, map, "phase"));
            if (map.get("address") != null) {
                attempt = attempt.withAddress(address(object(map.get("address"), "an address")));
            }
            if (map.get("provenance") != null) {
                Map<String, Object> from = object(map.get("provenance"), "a provenance");
                attempt = attempt.withProvenance(Provenance.of(name(Provenance.Kind.class, from, "kind"),
                        text(from, "origin"), Boolean.TRUE.equals(from.get("trusted"))));
            }
            Explanation.Cause cause = cause(map.get("cause"));
            if (cause != null && cause != Explanation.Cause.ofOutcome(attempt)) {
                // the integrator knew more than the outcome says (STARTTLS not offered, why it was skipped)
                attempt = attempt.explainedAs(cause);
            }
            attempts.add(attempt);
        }
        IntegrationResult result = IntegrationResult.of(text(root, "emailAddress"), attempts,
                Duration.ofMillis(number(root, "elapsedMillis")));
        Object chain = root.get("chain");
        if (chain == null) {
            return result;
        }
        if (!(chain instanceof List<?> candidates)) {
            throw new IllegalArgumentException("\"chain\" must be an array of candidates");
        }
        return result.madeUnder(candidates.stream().map(item -> candidate(object(item, "a candidate"))).toList());
    }

    /** The saved cause, or null when there is none this library knows (one a later version added). */
    private static Explanation.@Nullable Cause cause(@Nullable Object saved) {
        if (!(saved instanceof String name)) {
            return null;
        }
        try {
            return Explanation.Cause.valueOf(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static ProtocolCandidate candidate(Map<String, Object> map) {
        return ProtocolCandidate.of(name(MailProtocol.class, map, "protocol"), name(Security.class, map, "security"),
                text(map, "host"), Math.toIntExact(number(map, "port")));
    }

    private static InetSocketAddress address(Map<String, Object> map) {
        String ip = text(map, "ip");
        if (!ip.matches("[0-9a-fA-F:.%]+")) {
            throw new IllegalArgumentException("an attempt's address must be an IP address literal, was \"" + ip + "\"");
        }
        try {
            // a literal: no name is looked up
            return new InetSocketAddress(InetAddress.getByName(ip), Math.toIntExact(number(map, "port")));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: \"" + ip + "\"", e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(@Nullable Object value, String what) {
        if (!(value instanceof Map)) {
            throw new IllegalArgumentException(what + " must be a JSON object");
        }
        return (Map<String, Object>) value;
    }

    private static String text(Map<String, Object> map, String key) {
        return Optional.ofNullable(map.get(key)).filter(String.class::isInstance).map(String.class::cast)
                .orElseThrow(() -> new IllegalArgumentException("\"" + key + "\" must be a string"));
    }

    private static long number(Map<String, Object> map, String key) {
        return Optional.ofNullable(map.get(key)).filter(Long.class::isInstance).map(Long.class::cast)
                .orElseThrow(() -> new IllegalArgumentException("\"" + key + "\" must be an integer"));
    }

    private static <E extends Enum<E>> E name(Class<E> type, Map<String, Object> map, String key) {
        String value = text(map, key);
        try {
            return Enum.valueOf(type, value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("\"" + key + "\" is not one of " + List.of(type.getEnumConstants())
                    + ": \"" + value + "\"", e);
        }
    }
}
