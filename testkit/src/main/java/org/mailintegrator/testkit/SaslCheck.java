package org.mailintegrator.testkit;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/**
 * Checks a SASL {@code PLAIN} or {@code XOAUTH2} response against a fixture's users, as GreenMail would: the user's
 * password, or for {@code XOAUTH2} the bearer token, must be the one the user was given. Lets the fixture answer a
 * POP3 {@code AUTH} that GreenMail would reject, which GreenMail logs as an error with a stack trace.
 */
final class SaslCheck {
    private SaslCheck() {
    }

    /** Whether {@code mechanism} is one this class checks (and GreenMail takes on POP3). */
    static boolean checks(String mechanism) {
        String name = mechanism.toUpperCase(Locale.ROOT);
        return name.equals("PLAIN") || name.equals("XOAUTH2");
    }

    /**
     * Whether the base64 {@code response} for {@code mechanism} names a user of {@code users} with that user's
     * secret; false for anything malformed (not base64, missing fields, an empty response {@code =}).
     */
    static boolean accepted(Map<String, String> users, String mechanism, String response) {
        String text;
        try {
            text = new String(Base64.getDecoder().decode(response), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
        String user = null;
        String secret = null;
        if (mechanism.equalsIgnoreCase("PLAIN")) {
            // [authzid] NUL authcid NUL passwd (RFC 4616)
            String[] parts = text.split("\u0000", -1);
            if (parts.length == 3) {
                user = parts[1];
                secret = parts[2];
            }
        } else if (mechanism.equalsIgnoreCase("XOAUTH2")) {
            // user=<user> ^A auth=Bearer <token> ^A ^A
            for (String field : text.split("\u0001")) {
                if (field.startsWith("user=")) {
                    user = field.substring("user=".length());
                } else if (field.regionMatches(true, 0, "auth=Bearer ", 0, "auth=Bearer ".length())) {
                    secret = field.substring("auth=Bearer ".length());
                }
            }
        }
        return user != null && secret != null && !secret.isEmpty() && secret.equals(users.get(user));
    }
}
