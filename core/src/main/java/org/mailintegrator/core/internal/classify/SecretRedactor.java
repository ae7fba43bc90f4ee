package org.mailintegrator.core.internal.classify;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Removes a password, in the forms a mail protocol carries it, from text that came from a server or a library
 * (a hostile server can echo what it received into its error text).
 */
public final class SecretRedactor {
    static final String MASK = "****";
    private final List<String> forms;

    public SecretRedactor(String username, String password) {
        List<String> list = new ArrayList<>();
        list.add(password);
        Base64.Encoder base64 = Base64.getEncoder();
        list.add(base64.encodeToString(password.getBytes(StandardCharsets.UTF_8)));
        list.add(base64.encodeToString(("\0" + username + "\0" + password).getBytes(StandardCharsets.UTF_8)));
        list.add(base64.encodeToString((username + "\0" + username + "\0" + password).getBytes(StandardCharsets.UTF_8)));
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
