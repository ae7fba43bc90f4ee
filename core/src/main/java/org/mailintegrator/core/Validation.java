package org.mailintegrator.core;

import java.util.Objects;

/** Argument checks shared by the model's factories and builders; each failure names the argument. */
final class Validation {
    private Validation() {
    }

    /**
     * Rejects null and any control character (CR, LF, NUL, TAB, DEL and the rest): such characters would let a
     * value inject protocol commands. The value itself is not echoed when {@code secret} is set.
     */
    static String noControlCharacters(String value, String name, boolean secret) {
        Objects.requireNonNull(value, name);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                String where = secret ? "" : " \"" + printable(value) + "\"";
                throw new IllegalArgumentException(String.format(
                        "%s must not contain control characters; found U+%04X at index %d%s", name, (int) c, i, where));
            }
        }
        return value;
    }

    static String host(String host, String name) {
        noControlCharacters(host, name, false);
        if (host.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        if (!host.strip().equals(host) || host.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException(name + " must not contain white space: \"" + host + "\"");
        }
        if (host.length() > 253) {
            throw new IllegalArgumentException(name + " is longer than 253 characters: \"" + host + "\"");
        }
        return host;
    }

    static int port(int port) {
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port must be between 1 and 65535, was " + port);
        }
        return port;
    }

    private static String printable(String value) {
        StringBuilder out = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            out.append(Character.isISOControl(c) ? String.format("\\u%04X", (int) c) : String.valueOf(c));
        }
        return out.toString();
    }
}
