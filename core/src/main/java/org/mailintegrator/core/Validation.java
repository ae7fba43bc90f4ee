package org.mailintegrator.core;

import java.net.IDN;
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

    /**
     * Checks a host name or address and returns its ASCII form: an internationalised domain name becomes its IDNA
     * (punycode) form, which is what DNS and certificates use; {@code bücher.example} becomes
     * {@code xn--bcher-kva.example}.
     */
    static String host(String host, String name) {
        noControlCharacters(host, name, false);
        if (host.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        if (!host.strip().equals(host) || host.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException(name + " must not contain white space: \"" + host + "\"");
        }
        if (host.chars().filter(c -> c == ':').count() == 1 || host.contains("/")) {
            throw new IllegalArgumentException(name + " must be a host name or address alone, without a port or "
                    + "path (the policy gives each candidate its port): \"" + host + "\"");
        }
        String ascii;
        try {
            ascii = host.chars().allMatch(c -> c < 0x80) ? host : IDN.toASCII(host, IDN.USE_STD3_ASCII_RULES);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " is not a valid internationalised domain name: \"" + host
                    + "\" (" + e.getMessage() + ")", e);
        }
        if (ascii.length() > 253) {
            throw new IllegalArgumentException(name + " is longer than 253 characters: \"" + host + "\"");
        }
        return ascii;
    }

    /**
     * Rejects a user name with characters beyond ASCII: Jakarta Mail sends them in ISO-8859-1 in IMAP LOGIN and
     * POP3 USER, which servers decode inconsistently, so such a login would fail for reasons that look like a
     * wrong password.
     */
    static String asciiUsername(String username, String source) {
        for (int i = 0; i < username.length(); i++) {
            if (username.charAt(i) >= 0x80) {
                throw new IllegalArgumentException(source + " \"" + username + "\" has a character beyond ASCII at"
                        + " index " + i + "; mail servers do not agree on how to receive such a login name over"
                        + " IMAP LOGIN and POP3 USER, so set an ASCII user name with username(...)");
            }
        }
        return username;
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
