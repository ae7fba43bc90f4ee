package org.mailintegrator.testkit;

import java.io.IOException;
import java.net.Socket;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.testkit.ServerBehaviour.Command;
import org.mailintegrator.testkit.ServerBehaviour.Login;
import org.mailintegrator.testkit.ServerBehaviour.Step;

/** The POP3 script of a {@link HostileMailServer} connection; its {@link ServerBehaviour} decides the departures. */
final class HostilePop3Session extends HostileSession {

    private @Nullable String user;

    HostilePop3Session(HostileMailServer server, Socket raw) throws IOException {
        super(server, raw);
    }

    @Override
    void serve() throws IOException {
        if (!greet("+OK HostileMailServer ready")) {
            return;
        }
        String line;
        while ((line = readLine()) != null) {
            int space = line.indexOf(' ');
            String name = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
            String argument = space < 0 ? "" : line.substring(space + 1);
            Command command = new Command("", name, argument.isEmpty() ? List.of() : List.of(argument.split(" ", -1)), line);
            Step step = checked(behaviour.command(this, command));
            if (step == Step.DEFAULT) {
                step = handle(command, argument);
            }
            if (step == Step.CLOSE) {
                return;
            }
        }
    }

    @Override
    List<String> standardCapabilities() {
        return overTls() ? List.of("USER", "UIDL") : List.of("USER", "UIDL", "STLS");
    }

    @Override
    String startTlsName() {
        return "STLS";
    }

    /**
     * The protocol's own handling of {@code command}, whose {@code argument} is the rest of the line (a password may
     * contain spaces): {@link Step#ANSWERED} or {@link Step#CLOSE}.
     */
    private Step handle(Command command, String argument) throws IOException {
        switch (command.name()) {
            case "CAPA":
                StringBuilder answer = new StringBuilder("+OK Capability list follows\r\n");
                capabilities().forEach(capability -> answer.append(capability).append("\r\n"));
                send(answer.append(".\r\n").toString());
                return Step.ANSWERED;
            case "STLS":
                return stls(command);
            case "USER":
                user = argument;
                sendLine("+OK");
                return Step.ANSWERED;
            case "PASS":
                return pass(command, argument);
            case "AUTH":
                sendLine("-ERR AUTH is not offered here; use USER and PASS");
                return Step.ANSWERED;
            case "STAT":
                sendLine("+OK 0 0");
                return Step.ANSWERED;
            case "NOOP":
                sendLine("+OK");
                return Step.ANSWERED;
            case "QUIT":
                sendLine("+OK Bye");
                return Step.CLOSE;
            default:
                sendLine("-ERR Unknown command");
                return Step.ANSWERED;
        }
    }

    private Step stls(Command command) throws IOException {
        if (!offersStartTls()) {
            sendLine("-ERR Unknown command");
            return Step.ANSWERED;
        }
        Step step = checked(behaviour.startTls(this, command));
        if (step != Step.DEFAULT) {
            return step;
        }
        sendLine("+OK Begin TLS negotiation");
        upgradeToTls();
        return Step.ANSWERED;
    }

    private Step pass(Command command, String password) throws IOException {
        String name = user;
        if (name == null) {
            sendLine("-ERR USER first");
            return Step.ANSWERED;
        }
        Step step = checked(behaviour.login(this, new Login(command, name, password, server.countLogin())));
        if (step != Step.DEFAULT) {
            return step;
        }
        if (acceptsCredentials(name, password)) {
            sendLine("+OK Logged in.");
        } else {
            sendLine("-ERR [AUTH] Authentication failed.");
        }
        return Step.ANSWERED;
    }
}
