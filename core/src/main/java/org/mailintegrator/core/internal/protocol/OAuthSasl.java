package org.mailintegrator.core.internal.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The client side of the two OAuth2 SASL mechanisms, shared by the IMAP and POP3 drivers: {@code OAUTHBEARER}
 * (RFC 7628) and Google's and Microsoft's {@code XOAUTH2}. Stateless.
 */
public final class OAuthSasl {
    /** The mechanisms in the order they are preferred: the standard one first. */
    public static final String OAUTHBEARER = "OAUTHBEARER";
    public static final String XOAUTH2 = "XOAUTH2";
    private static final int MAX_ERROR_LENGTH = 4096;
    private static final Pattern JSON_STRING_MEMBER =
            Pattern.compile("\"([A-Za-z0-9_-]{1,64})\"\\s*:\\s*\"([^\"\\\\]{0,512})\"");

    private OAuthSasl() {
    }

    /** What the server sent with a refusal: RFC 7628's JSON status and scope, when it sent one. */
    public record ErrorStatus(@Nullable String status, @Nullable String scope) {
        static final ErrorStatus NONE = new ErrorStatus(null, null);
    }

    /** The mechanism to use with what the server advertises, if it advertises one of the two. */
    public static Optional<String> choose(Predicate<String> advertised) {
        if (advertised.test(OAUTHBEARER)) {
            return Optional.of(OAUTHBEARER);
        }
        return advertised.test(XOAUTH2) ? Optional.of(XOAUTH2) : Optional.empty();
    }

    /** Whether {@code mechanisms} (as a server listed them, upper-cased) are OAuth2 mechanisms and nothing else. */
    public static boolean onlyOAuth(java.util.List<String> mechanisms) {
        return !mechanisms.isEmpty() && mechanisms.stream().allMatch(m -> m.equals(OAUTHBEARER) || m.equals(XOAUTH2));
    }

    /**
     * The client's first message, base64-encoded. {@code host} (the server's name, which OAUTHBEARER carries so
     * that a token meant for one service is not replayed to another) may be null.
     */
    public static String initialResponse(String mechanism, String user, String token, @Nullable String host,
            int port) {
        String message;
        if (OAUTHBEARER.equals(mechanism)) {
            message = "n,a=" + user.replace("=", "=3D").replace(",", "=2C") + ",\1"
                    + (host == null ? "" : "host=" + host + "\1port=" + port + "\1")
                    + "auth=Bearer " + token + "\1\1";
        } else {
            message = "user=" + user + "\1auth=Bearer " + token + "\1\1";
        }
        return Base64.getEncoder().encodeToString(message.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The client's answer to an error challenge, which lets the server finish with its refusal: a single
     * {@code %x01} for OAUTHBEARER (RFC 7628 §3.2.3), an empty line for XOAUTH2.
     */
    public static String errorReply(String mechanism) {
        return OAUTHBEARER.equals(mechanism) ? "AQ==" : "";
    }

    /** Decodes an error challenge ({@code base64} of a JSON object); anything else gives no status. */
    public static ErrorStatus decodeError(String challenge) {
        String text = challenge.strip();
        if (text.isEmpty() || text.length() > MAX_ERROR_LENGTH) {
            return ErrorStatus.NONE;
        }
        String json;
        try {
            json = new String(Base64.getDecoder().decode(text), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notBase64) {
            return ErrorStatus.NONE;
        }
        Map<String, String> members = new HashMap<>();
        Matcher matcher = JSON_STRING_MEMBER.matcher(json);
        while (matcher.find()) {
            members.putIfAbsent(matcher.group(1), matcher.group(2));
        }
        return new ErrorStatus(printable(members.get("status")), printable(members.get("scope")));
    }

    private static @Nullable String printable(@Nullable String value) {
        return value == null || value.isBlank() || !value.chars().allMatch(c -> c >= 0x20 && c < 0x7f) ? null
                : value;
    }
}
