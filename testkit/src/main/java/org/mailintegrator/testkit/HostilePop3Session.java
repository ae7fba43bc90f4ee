package org.mailintegrator.testkit;

import static org.mailintegrator.testkit.HostileBehaviour.UNTRUSTED_PRE_TLS_DATA;

import java.io.IOException;
import java.net.Socket;
import java.util.Locale;

/** The POP3 script of a {@link HostileMailServer} connection. */
final class HostilePop3Session extends HostileSession {

    private static final int PIPELINING_WINDOW_MILLIS = 250;

    private String user;
    private boolean pipelined;

    HostilePop3Session(HostileMailServer server, Socket raw) throws IOException {
        super(server, raw);
    }

    @Override
    void serve() throws IOException {
        if (!greet()) {
            return;
        }
        String line;
        while ((line = readLine()) != null) {
            int space = line.indexOf(' ');
            String command = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
            String argument = space < 0 ? "" : line.substring(space + 1);
            boolean goOn = true;
            switch (command) {
                case "CAPA":
                    capa();
                    break;
                case "STLS":
                    goOn = stls();
                    break;
                case "USER":
                    user(argument);
                    break;
                case "PASS":
                    goOn = pass(argument);
                    break;
                case "AUTH":
                    sendLine("-ERR AUTH is not offered here; use USER and PASS");
                    break;
                case "STAT":
                    sendLine("+OK 0 0");
                    break;
                case "NOOP":
                    sendLine("+OK");
                    break;
                case "QUIT":
                    sendLine("+OK Bye");
                    goOn = false;
                    break;
                default:
                    sendLine("-ERR Unknown command");
            }
            if (!goOn) {
                return;
            }
        }
    }

    private boolean greet() throws IOException {
        if (greetedHostilely("+OK")) {
            return false;
        }
        sendLine("+OK HostileMailServer ready");
        return true;
    }

    private void capa() throws IOException {
        if (behaviour == HostileBehaviour.HUGE_CAPABILITY) {
            sendLine("+OK Capability list follows");
            hugeLine("", server.bombSize());
            sendLine("USER");
            sendLine(".");
            return;
        }
        if (behaviour == HostileBehaviour.CAPABILITY_FLOOD) {
            sendLine("+OK Capability list follows");
            manyLines("", 1, server.bombSize());
            sendLine("USER");
            sendLine(".");
            return;
        }
        StringBuilder answer = new StringBuilder("+OK Capability list follows\r\n");
        if (behaviour == UNTRUSTED_PRE_TLS_DATA && !overTls()) {
            answer.append("SASL PLAIN\r\nPIPELINING\r\nX-PRE-TLS\r\n");
        } else {
            answer.append("USER\r\nUIDL\r\n");
        }
        if (offersStartTls()) {
            answer.append("STLS\r\n");
        }
        send(answer.append(".\r\n").toString());
    }

    private boolean stls() throws IOException {
        if (!offersStartTls()) {
            sendLine("-ERR Unknown command");
            return true;
        }
        switch (behaviour) {
            case STARTTLS_REFUSED:
                sendLine("-ERR STLS not available now");
                return true;
            case STARTTLS_SILENCE:
                fallSilent();
                return false;
            case STARTTLS_JUNK:
                sendLine("+OK Begin TLS negotiation");
                answerHandshakeWithJunk();
                fallSilent();
                return false;
            case RESPONSE_INJECTION:
                send("+OK Begin TLS negotiation\r\n"
                        + "+OK Capability list follows\r\nSASL PLAIN\r\nX-INJECTED\r\n.\r\n"
                        + "+OK\r\n"
                        + "+OK Logged in.\r\n");
                break;
            default:
                sendLine("+OK Begin TLS negotiation");
        }
        upgrade();
        return true;
    }

    private void user(String name) throws IOException {
        if (behaviour == HostileBehaviour.PLAINTEXT_AUTH_DISALLOWED && !overTls()) {
            sendLine("-ERR [AUTH] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.");
            return;
        }
        user = name;
        // UNTRUSTED_PRE_TLS_DATA offered PIPELINING before TLS only: a client that kept it sends PASS unasked
        pipelined = behaviour == UNTRUSTED_PRE_TLS_DATA && clientSendsWithin(PIPELINING_WINDOW_MILLIS);
        sendLine("+OK");
    }

    private boolean pass(String password) throws IOException {
        if (behaviour == HostileBehaviour.RESET_MID_LOGIN) {
            reset();
            return false;
        }
        if (user == null) {
            sendLine("-ERR USER first");
        } else if (pipelined) {
            sendLine("-ERR PASS came before USER was answered: PIPELINING is not offered on this connection");
        } else if (server.answersBusy()) {
            sendLine("-ERR [IN-USE] Unable to lock maildrop: the mailbox is in use by another session");
        } else if (behaviour == HostileBehaviour.SERVICE_DISABLED) {
            sendLine("-ERR POP access is disabled for your account");
        } else if (password.equals(passwordOf(user))) {
            sendLine("+OK Logged in.");
        } else {
            sendLine("-ERR [AUTH] Authentication failed.");
        }
        return true;
    }
}
