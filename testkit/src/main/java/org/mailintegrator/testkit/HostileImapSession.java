package org.mailintegrator.testkit;

import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mailintegrator.testkit.ServerBehaviour.Command;
import org.mailintegrator.testkit.ServerBehaviour.Login;
import org.mailintegrator.testkit.ServerBehaviour.Step;

/** The IMAP script of a {@link HostileMailServer} connection; its {@link ServerBehaviour} decides the departures. */
final class HostileImapSession extends HostileSession {

    HostileImapSession(HostileMailServer server, Socket raw) throws IOException {
        super(server, raw);
    }

    @Override
    void serve() throws IOException {
        if (!greet("* OK HostileMailServer ready")) {
            return;
        }
        String line;
        while ((line = readLine()) != null) {
            List<String> words = words(line);
            String tag = words.isEmpty() ? "*" : words.get(0);
            String name = words.size() > 1 ? words.get(1).toUpperCase(Locale.ROOT) : "";
            Command command = new Command(tag, name, words.size() > 2 ? words.subList(2, words.size()) : List.of(), line);
            Step step = checked(behaviour.command(this, command));
            if (step == Step.DEFAULT) {
                step = handle(command);
            }
            if (step == Step.CLOSE) {
                return;
            }
        }
    }

    @Override
    List<String> standardCapabilities() {
        return overTls() ? List.of("IMAP4rev1") : List.of("IMAP4rev1", "STARTTLS");
    }

    @Override
    String startTlsName() {
        return "STARTTLS";
    }

    /** The protocol's own handling of {@code command}: {@link Step#ANSWERED} or {@link Step#CLOSE}. */
    private Step handle(Command command) throws IOException {
        String tag = command.tag();
        switch (command.name()) {
            case "CAPABILITY":
                sendLine("* CAPABILITY " + String.join(" ", capabilities()));
                sendLine(tag + " OK CAPABILITY completed");
                return Step.ANSWERED;
            case "STARTTLS":
                return startTls(command);
            case "LOGIN":
                return login(command);
            case "AUTHENTICATE":
                sendLine(tag + " NO AUTHENTICATE is not offered here; use LOGIN");
                return Step.ANSWERED;
            case "NOOP":
                sendLine(tag + " OK NOOP completed");
                return Step.ANSWERED;
            case "LOGOUT":
                sendLine("* BYE Logging out");
                sendLine(tag + " OK LOGOUT completed");
                return Step.CLOSE;
            default:
                sendLine(tag + " BAD Unknown command");
                return Step.ANSWERED;
        }
    }

    private Step startTls(Command command) throws IOException {
        if (!offersStartTls()) {
            sendLine(command.tag() + " BAD STARTTLS is not offered here");
            return Step.ANSWERED;
        }
        Step step = checked(behaviour.startTls(this, command));
        if (step != Step.DEFAULT) {
            return step;
        }
        sendLine(command.tag() + " OK Begin TLS negotiation now");
        upgradeToTls();
        return Step.ANSWERED;
    }

    private Step login(Command command) throws IOException {
        List<String> arguments = command.arguments();
        Login login = new Login(command, arguments.isEmpty() ? "" : arguments.get(0),
                arguments.size() > 1 ? arguments.get(1) : "", server.countLogin());
        Step step = checked(behaviour.login(this, login));
        if (step != Step.DEFAULT) {
            return step;
        }
        if (arguments.size() == 2 && acceptsCredentials(login.user(), login.password())) {
            sendLine(command.tag() + " OK LOGIN completed");
        } else {
            sendLine(command.tag() + " NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)");
        }
        return Step.ANSWERED;
    }

    /** Splits a command line into atoms and quoted strings (unquoted). Literals are not supported. */
    private static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        boolean inWord = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '\\' && i + 1 < line.length()) {
                    word.append(line.charAt(++i));
                } else if (c == '"') {
                    quoted = false;
                } else {
                    word.append(c);
                }
            } else if (c == '"') {
                quoted = true;
                inWord = true;
            } else if (c == ' ') {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}
