package org.mailintegrator.core.internal.classify;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import org.mailintegrator.core.MailProtocol;

/**
 * What a server advertised before the login, as the attempt saw it: IMAP capability names ({@code CAPABILITY}, as
 * Angus Mail parsed them) or POP3 lines of a {@code CAPA} answer (RFC 2449), and whether they came over TLS. Empty
 * when the server advertised nothing the attempt saw (no {@code CAPA}, a failure before the capabilities). Only
 * what arrived on the connection's current layer counts: capabilities seen before STARTTLS/STLS are forgotten when
 * TLS starts. Immutable.
 */
public record Advertised(MailProtocol protocol, List<String> capabilities, boolean overTls) {
    public Advertised {
        capabilities = List.copyOf(capabilities);
    }

    /** Nothing advertised, or nothing seen. */
    public static Advertised none(MailProtocol protocol) {
        return new Advertised(protocol, List.of(), false);
    }

    /** Whether the server advertised anything at all. */
    public boolean known() {
        return !capabilities.isEmpty();
    }

    /**
     * Whether the server advertised the capability {@code name}, ignoring case: an IMAP capability name, or the
     * first word of a POP3 {@code CAPA} line ({@code USER}, {@code STLS}, {@code LOGIN-DELAY}).
     */
    public boolean has(String name) {
        return line(name).isPresent();
    }

    /** The words after the POP3 capability {@code name} (e.g. {@code 60} for {@code LOGIN-DELAY 60}), if listed. */
    public Optional<String> argument(String name) {
        return line(name).map(line -> line.length() > name.length() ? line.substring(name.length()).strip() : "");
    }

    private Optional<String> line(String name) {
        for (String capability : capabilities) {
            String first = capability.strip().split("\\s+", 2)[0];
            if (first.equalsIgnoreCase(name)) {
                return Optional.of(capability.strip());
            }
        }
        return Optional.empty();
    }

    /**
     * The SASL mechanisms offered, upper-cased and in the server's order: IMAP {@code AUTH=} capabilities, POP3 the
     * {@code SASL} line, SMTP the {@code AUTH} line of the {@code EHLO} answer.
     */
    public List<String> saslMechanisms() {
        List<String> mechanisms = new ArrayList<>();
        if (protocol == MailProtocol.IMAP) {
            for (String capability : capabilities) {
                if (capability.regionMatches(true, 0, "AUTH=", 0, 5) && capability.length() > 5) {
                    mechanisms.add(capability.substring(5).toUpperCase(Locale.ROOT));
                }
            }
        } else {
            argument(protocol == MailProtocol.SMTP ? "AUTH" : "SASL").ifPresent(words -> {
                for (String word : words.split("\\s+")) {
                    if (!word.isEmpty()) {
                        mechanisms.add(word.toUpperCase(Locale.ROOT));
                    }
                }
            });
        }
        return mechanisms;
    }

    /**
     * The seconds a POP3 server demands between two logins of the account (RFC 2449 {@code LOGIN-DELAY}, whose
     * value may be followed by {@code USER} when it varies by user), if it advertised them.
     */
    public OptionalLong loginDelaySeconds() {
        Optional<String> argument = argument("LOGIN-DELAY");
        if (argument.isEmpty() || argument.get().isEmpty()) {
            return OptionalLong.empty();
        }
        String digits = argument.get().split("\\s+")[0];
        if (digits.length() > 9 || !digits.chars().allMatch(Character::isDigit)) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Long.parseLong(digits));
    }

    /** The capabilities as the server wrote them, separated by spaces (POP3 lines by commas). */
    public String describe() {
        return String.join(protocol == MailProtocol.IMAP ? " " : ", ", capabilities);
    }
}
