package org.mailintegrator.testkit;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Finds a secret in protocol text, as is or inside a base64 token (how SASL PLAIN and LOGIN carry it). */
final class Secrets {
    private Secrets() {
    }

    static boolean contains(String text, String secret) {
        if (text.contains(secret)) {
            return true;
        }
        for (String token : text.split("[\\s\"]+")) {
            if (token.length() >= 4 && token.matches("[A-Za-z0-9+/]+={0,2}")) {
                try {
                    String decoded = new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8);
                    if (decoded.contains(secret)) {
                        return true;
                    }
                } catch (IllegalArgumentException notBase64) {
                    // an ordinary word
                }
            }
        }
        return false;
    }
}
