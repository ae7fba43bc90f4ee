package org.mailintegrator.testkit;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mailintegrator.core.MailProtocol;

/**
 * The lines a fixture's services received, bounded so that a chatty or hostile client cannot exhaust memory, and the
 * logins among them, counted whether or not the lines are still kept.
 */
final class CommandLog {
    static final int MAX_COMMANDS = 10_000;
    static final int MAX_LINE = 1_000;

    private final List<ReceivedCommand> commands = new ArrayList<>();
    private final Map<Service, Integer> logins = new EnumMap<>(Service.class);

    synchronized void add(Service service, String line, boolean overTls) {
        if (commands.size() < MAX_COMMANDS) {
            commands.add(new ReceivedCommand(service, line, overTls));
        }
        if (isLogin(service.protocol(), line)) {
            logins.merge(service, 1, Integer::sum);
        }
    }

    synchronized List<ReceivedCommand> snapshot() {
        return List.copyOf(commands);
    }

    /** Whether {@code secret} arrived outside TLS, as is or inside a base64 token (SASL PLAIN and LOGIN). */
    synchronized boolean containsInCleartext(String secret) {
        return commands.stream().filter(command -> !command.overTls())
                .anyMatch(command -> Secrets.contains(command.line(), secret));
    }

    /** The logins {@code service} received. */
    synchronized int logins(Service service) {
        return logins.getOrDefault(service, 0);
    }

    /** The logins all services received. */
    synchronized int logins() {
        return logins.values().stream().mapToInt(Integer::intValue).sum();
    }

    synchronized void clear() {
        commands.clear();
        logins.clear();
    }

    /**
     * Whether {@code line} is a login command: IMAP {@code LOGIN} or {@code AUTHENTICATE} (after a tag), POP3
     * {@code PASS}, or {@code APOP} or {@code AUTH} with an argument, SMTP {@code AUTH}. A SASL continuation (one
     * base64 word) is not.
     */
    static boolean isLogin(MailProtocol protocol, String line) {
        String[] words = line.trim().split(" +", 3);
        if (protocol == MailProtocol.IMAP) {
            if (words.length < 3) {
                return false;
            }
            String command = words[1].toUpperCase(Locale.ROOT);
            return command.equals("LOGIN") || command.equals("AUTHENTICATE");
        }
        if (protocol == MailProtocol.POP3) {
            String command = words[0].toUpperCase(Locale.ROOT);
            return command.equals("PASS") || words.length > 1 && (command.equals("APOP") || command.equals("AUTH"));
        }
        if (protocol == MailProtocol.SMTP) {
            return words.length > 1 && words[0].equalsIgnoreCase("AUTH");
        }
        return false;
    }
}
