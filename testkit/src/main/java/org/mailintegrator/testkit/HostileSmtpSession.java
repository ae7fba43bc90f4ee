package org.mailintegrator.testkit;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.testkit.ServerBehaviour.Command;
import org.mailintegrator.testkit.ServerBehaviour.Login;
import org.mailintegrator.testkit.ServerBehaviour.Step;

/**
 * The SMTP submission script of a {@link HostileMailServer} connection (RFC 6409): greeting, {@code EHLO},
 * {@code STARTTLS}, {@code AUTH PLAIN}, {@code LOGIN} and {@code XOAUTH2}/{@code OAUTHBEARER} (the token checked as
 * the user's password, as GreenMail does), {@code MAIL} refused before a sign-in, {@code QUIT}. Its
 * {@link ServerBehaviour} decides the departures; a login reaches its {@code login} hook once the SASL exchange has
 * given a user and a password.
 */
final class HostileSmtpSession extends HostileSession {
    private boolean signedIn;

    HostileSmtpSession(HostileMailServer server, Socket raw) throws IOException {
        super(server, raw);
    }

    @Override
    void serve() throws IOException {
        if (!greet("220 hostile.test ESMTP HostileMailServer")) {
            return;
        }
        String line;
        while ((line = readLine()) != null) {
            int space = line.indexOf(' ');
            String name = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
            String rest = space < 0 ? "" : line.substring(space + 1).trim();
            Command command = new Command("", name, rest.isEmpty() ? List.of() : List.of(rest.split(" +")), line);
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
        List<String> common = List.of("PIPELINING", "SIZE 10240000", "AUTH PLAIN LOGIN XOAUTH2 OAUTHBEARER",
                "ENHANCEDSTATUSCODES", "8BITMIME");
        if (overTls()) {
            return common;
        }
        return java.util.stream.Stream.concat(common.stream(), java.util.stream.Stream.of("STARTTLS")).toList();
    }

    @Override
    String startTlsName() {
        return "STARTTLS";
    }

    private Step handle(Command command) throws IOException {
        switch (command.name()) {
            case "EHLO":
                List<String> extensions = capabilities();
                StringBuilder answer = new StringBuilder(extensions.isEmpty() ? "250 hostile.test\r\n"
                        : "250-hostile.test\r\n");
                for (int i = 0; i < extensions.size(); i++) {
                    answer.append(i == extensions.size() - 1 ? "250 " : "250-").append(extensions.get(i))
                            .append("\r\n");
                }
                send(answer.toString());
                return Step.ANSWERED;
            case "HELO":
                sendLine("250 hostile.test");
                return Step.ANSWERED;
            case "STARTTLS":
                return startTls(command);
            case "AUTH":
                return auth(command);
            case "MAIL":
                sendLine(signedIn ? "250 2.1.0 Ok" : "530 5.7.0 Authentication required");
                return Step.ANSWERED;
            case "RCPT":
            case "DATA":
            case "BDAT":
                sendLine("503 5.5.1 Error: need MAIL command");
                return Step.ANSWERED;
            case "NOOP":
            case "RSET":
                sendLine("250 2.0.0 Ok");
                return Step.ANSWERED;
            case "QUIT":
                sendLine("221 2.0.0 Bye");
                return Step.CLOSE;
            default:
                sendLine("502 5.5.2 Error: command not recognized");
                return Step.ANSWERED;
        }
    }

    private Step startTls(Command command) throws IOException {
        if (!offersStartTls()) {
            sendLine("502 5.5.1 Error: command not implemented");
            return Step.ANSWERED;
        }
        Step step = checked(behaviour.startTls(this, command));
        if (step != Step.DEFAULT) {
            return step;
        }
        sendLine("220 2.0.0 Ready to start TLS");
        upgradeToTls();
        return Step.ANSWERED;
    }

    /** A SASL exchange: PLAIN or LOGIN give a user and a password, XOAUTH2 or OAUTHBEARER a user and a token. */
    private Step auth(Command command) throws IOException {
        if (command.arguments().isEmpty()
                || capabilities().stream().noneMatch(extension -> extension.startsWith("AUTH "))) {
            sendLine("503 5.5.1 Error: authentication not enabled");
            return Step.ANSWERED;
        }
        String mechanism = command.arguments().get(0).toUpperCase(Locale.ROOT);
        String initial = command.arguments().size() > 1 ? command.arguments().get(1) : null;
        String[] credentials;
        switch (mechanism) {
            case "PLAIN": {
                String response = initial != null ? initial : challenge("");
                credentials = response == null ? null : plain(decode(response));
                break;
            }
            case "LOGIN": {
                String user = initial != null ? initial : challenge("VXNlcm5hbWU6");
                credentials = null;
                if (user != null) {
                    String password = challenge("UGFzc3dvcmQ6");
                    credentials = password == null ? null : new String[] {decode(user), decode(password)};
                }
                break;
            }
            case "XOAUTH2":
            case "OAUTHBEARER": {
                String response = initial != null ? initial : challenge("");
                credentials = response == null ? null : bearer(decode(response));
                break;
            }
            default:
                sendLine("535 5.7.8 Error: authentication failed: Invalid authentication mechanism");
                return Step.ANSWERED;
        }
        if (credentials == null) {
            sendLine("501 5.7.0 Authentication aborted");
            return Step.ANSWERED;
        }
        Step step = checked(behaviour.login(this,
                new Login(command, credentials[0], credentials[1], server().countLogin())));
        if (step != Step.DEFAULT) {
            return step;
        }
        if (acceptsCredentials(credentials[0], credentials[1])) {
            signedIn = true;
            sendLine("235 2.7.0 Authentication successful");
        } else {
            sendLine("535 5.7.8 Error: authentication failed: authentication failure");
        }
        return Step.ANSWERED;
    }

    /** Sends a {@code 334} challenge and reads the client's response; null when it cancelled or left. */
    private @Nullable String challenge(String base64) throws IOException {
        sendLine(base64.isEmpty() ? "334 " : "334 " + base64);
        String response = readLine();
        return response == null || response.trim().equals("*") ? null : response.trim();
    }

    private static String decode(String base64) {
        try {
            return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    /** SASL PLAIN: authorization identity, NUL, user, NUL, password. */
    private static String @Nullable [] plain(String decoded) {
        String[] parts = decoded.split("\0", -1);
        return parts.length == 3 ? new String[] {parts[1], parts[2]} : null;
    }

    /** XOAUTH2 ({@code user=U^Aauth=Bearer T^A^A}) or OAUTHBEARER ({@code n,a=U,^Aauth=Bearer T^A^A}). */
    private static String @Nullable [] bearer(String decoded) {
        String user = null;
        String token = null;
        for (String part : decoded.split("\u0001")) {
            if (part.startsWith("user=")) {
                user = part.substring(5);
            } else if (part.startsWith("n,a=")) {
                user = part.substring(4, part.endsWith(",") ? part.length() - 1 : part.length());
            } else if (part.regionMatches(true, 0, "auth=Bearer ", 0, 12)) {
                token = part.substring(12);
            }
        }
        return user == null || token == null ? null : new String[] {user, token};
    }
}
