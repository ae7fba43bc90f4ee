package org.mailintegrator.core.internal.classify;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Removes a password or access token, in the forms a mail protocol carries it (plain, base64, the SASL PLAIN and
 * XOAUTH2 initial responses), from text that came from a server or a library (a hostile server can echo what it
 * received into its error text).
 */
public final class SecretRedactor {
    static final String MASK = "****";
    private final List<String> forms;

    public SecretRedactor(String username, String secret) {
        List<String> list = new ArrayList<>();
        Base64.Encoder base64 = Base64.getEncoder();
        // the longer forms first, so that a shorter one never breaks a longer one before it is masked
        list.add(base64.encodeToString(("user=" + username + "\1auth=Bearer " + secret + "\1\1")
                .getBytes(StandardCharsets.UTF_8)));
        list.add(base64.encodeToString((username + "\0" + username + "\0" + secret).getBytes(StandardCharsets.UTF_8)));
        list.add(base64.encodeToString(("\0" + username + "\0" + secret).getBytes(StandardCharsets.UTF_8)));
        list.add(base64.encodeToString(secret.getBytes(StandardCharsets.UTF_8)));
        list.add(secret);
        this.forms = List.copyOf(list);
    }

    public String redact(String text) {
        if (text == null) {
            return null;
        }
        String result = text;
        for (String form : forms) {
            result = result.replace(form, MASK);
        }
        return result;
    }
}
