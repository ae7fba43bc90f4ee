package org.mailintegrator.interop;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The forms a password or an access token takes on the wire, for tests that check that a secret appears in no log,
 * trace, result or explanation. Stateless.
 */
final class SecretForms {
    private SecretForms() {
    }

    /**
     * The secret as is, in the SASL forms that carry it (PLAIN, XOAUTH2, OAUTHBEARER), and every run of Base64 that
     * encodes it alone, at each of the three byte alignments it can have inside a longer message.
     */
    static String[] of(String secret, String user) {
        Base64.Encoder base64 = Base64.getEncoder();
        List<String> forms = new ArrayList<>();
        forms.add(secret);
        for (String message : List.of("\0" + user + "\0" + secret, "user=" + user + "\1auth=Bearer " + secret + "\1\1",
                "n,a=" + user + ",\1auth=Bearer " + secret + "\1\1")) {
            forms.add(base64.encodeToString(message.getBytes(StandardCharsets.UTF_8)));
        }
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        for (int offset = 0; offset < 3; offset++) {
            byte[] shifted = new byte[offset + bytes.length];
            System.arraycopy(bytes, 0, shifted, offset, bytes.length);
            String encoded = base64.encodeToString(shifted);
            // only the groups of four characters that encode the secret's bytes and nothing else
            int from = offset == 0 ? 0 : 4;
            int to = shifted.length / 3 * 4;
            forms.add(encoded.substring(from, to));
        }
        return forms.toArray(String[]::new);
    }

    /** Whether a word of {@code text} that looks like Base64 decodes to something that contains {@code secret}. */
    static boolean inBase64(String text, String secret) {
        for (String word : text.split("[\\s\"]+")) {
            if (word.length() >= 8 && word.matches("[A-Za-z0-9+/]+={0,2}")) {
                try {
                    if (new String(Base64.getDecoder().decode(word), StandardCharsets.UTF_8).contains(secret)) {
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
