package org.mailintegrator.core.internal.classify;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;

/**
 * Removes passwords and access tokens, in the forms a mail protocol carries them, from text that came from a server
 * or a library (a hostile server can echo what it received into its error text): as is, base64-encoded alone, and
 * inside any base64-encoded message (the SASL PLAIN, XOAUTH2 and OAUTHBEARER responses), whatever comes before
 * them. Immutable and thread-safe.
 */
public final class SecretRedactor {
    static final String MASK = "****";
    /** Shorter base64 runs are not masked inside other text: they would match by chance. */
    private static final int MIN_EMBEDDED = 8;
    private final List<String> forms;

    public SecretRedactor(String username, String secret) {
        this(username, List.of(secret));
    }

    public SecretRedactor(String username, List<String> secrets) {
        List<String> list = new ArrayList<>();
        Base64.Encoder base64 = Base64.getEncoder();
        for (String secret : secrets) {
            list.add(base64.encodeToString(("user=" + username + "\1auth=Bearer " + secret + "\1\1")
                    .getBytes(StandardCharsets.UTF_8)));
            list.add(base64.encodeToString((username + "\0" + username + "\0" + secret)
                    .getBytes(StandardCharsets.UTF_8)));
            list.add(base64.encodeToString(("\0" + username + "\0" + secret).getBytes(StandardCharsets.UTF_8)));
            list.add(base64.encodeToString(secret.getBytes(StandardCharsets.UTF_8)));
            list.addAll(embedded(secret.getBytes(StandardCharsets.UTF_8)));
            list.add(secret);
        }
        // the longer forms first, so that a shorter one never breaks a longer one before it is masked
        list.sort(Comparator.comparingInt(String::length).reversed());
        this.forms = List.copyOf(list);
    }

    /**
     * The base64 characters that encode only {@code secret}'s bytes, for each of the three offsets at which it can
     * start inside a longer message: what any such message's encoding contains.
     */
    private static List<String> embedded(byte[] secret) {
        List<String> cores = new ArrayList<>();
        for (int offset = 1; offset <= 2; offset++) {
            byte[] shifted = new byte[offset + secret.length];
            System.arraycopy(secret, 0, shifted, offset, secret.length);
            String encoded = Base64.getEncoder().withoutPadding().encodeToString(shifted);
            // the first group mixes in the bytes before the secret, the last one those after it
            int end = (shifted.length / 3) * 4;
            if (end - 4 >= MIN_EMBEDDED) {
                cores.add(encoded.substring(4, end));
            }
        }
        int end = (secret.length / 3) * 4;
        if (end >= MIN_EMBEDDED) {
            cores.add(Base64.getEncoder().withoutPadding().encodeToString(secret).substring(0, end));
        }
        return cores;
    }

    public String redact(String text) {
        String result = text;
        for (String form : forms) {
            result = result.replace(form, MASK);
        }
        return result;
    }
}
