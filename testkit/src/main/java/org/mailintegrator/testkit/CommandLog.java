package org.mailintegrator.testkit;

import java.util.ArrayList;
import java.util.List;

/** The lines a fixture's services received, bounded so that a chatty or hostile client cannot exhaust memory. */
final class CommandLog {
    static final int MAX_COMMANDS = 10_000;
    static final int MAX_LINE = 1_000;

    private final List<ReceivedCommand> commands = new ArrayList<>();

    synchronized void add(Service service, String line, boolean overTls) {
        if (commands.size() < MAX_COMMANDS) {
            commands.add(new ReceivedCommand(service, line, overTls));
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

    synchronized void clear() {
        commands.clear();
    }
}
