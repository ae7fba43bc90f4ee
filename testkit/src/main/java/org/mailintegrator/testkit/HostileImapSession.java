package org.mailintegrator.testkit;

import static org.mailintegrator.testkit.HostileBehaviour.LOGINDISABLED;
import static org.mailintegrator.testkit.HostileBehaviour.UNTRUSTED_PRE_TLS_DATA;

import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The IMAP script of a {@link HostileMailServer} connection. */
final class HostileImapSession extends HostileSession {

    HostileImapSession(HostileMailServer server, Socket raw) throws IOException {
        super(server, raw);
    }

    @Override
    void serve() throws IOException {
        if (!greet()) {
            return;
        }
        String line;
        while ((line = readLine()) != null) {
            List<String> words = words(line);
            String tag = words.isEmpty() ? "*" : words.get(0);
            String command = words.size() > 1 ? words.get(1).toUpperCase(Locale.ROOT) : "";
            boolean goOn;
            switch (command) {
                case "CAPABILITY":
                    goOn = capability(tag);
                    break;
                case "STARTTLS":
                    goOn = startTls(tag);
                    break;
                case "LOGIN":
                    goOn = login(tag, words);
                    break;
                case "AUTHENTICATE":
                    sendLine(tag + " NO AUTHENTICATE is not offered here; use LOGIN");
                    goOn = true;
                    break;
                case "NOOP":
                    sendLine(tag + " OK NOOP completed");
                    goOn = true;
                    break;
                case "LOGOUT":
                    sendLine("* BYE Logging out");
                    sendLine(tag + " OK LOGOUT completed");
                    goOn = false;
                    break;
                default:
                    sendLine(tag + " BAD Unknown command");
                    goOn = true;
            }
            if (!goOn) {
                return;
            }
        }
    }

    private boolean greet() throws IOException {
        if (greetedHostilely("* OK")) {
            return false;
        }
        switch (behaviour) {
            case PREAUTH:
            case PREAUTH_THEN_STARTTLS:
                sendLine("* PREAUTH [CAPABILITY " + capabilities() + "] Logged in as " + firstUser());
                return true;
            default:
                if (behaviour == UNTRUSTED_PRE_TLS_DATA && !overTls()) {
                    sendLine("* OK [CAPABILITY " + capabilities() + "] HostileMailServer ready");
                } else {
                    sendLine("* OK HostileMailServer ready");
                }
                return true;
        }
    }

    private String capabilities() {
        StringBuilder list = new StringBuilder("IMAP4rev1");
        if (offersStartTls()) {
            list.append(" STARTTLS");
        }
        if (!overTls() && behaviour == LOGINDISABLED) {
            list.append(" LOGINDISABLED");
        }
        if (!overTls() && behaviour == UNTRUSTED_PRE_TLS_DATA) {
            list.append(" AUTH=PLAIN LOGINDISABLED X-PRE-TLS");
        }
        return list.toString();
    }

    private boolean capability(String tag) throws IOException {
        switch (behaviour) {
            case HUGE_CAPABILITY:
                hugeLine("* CAPABILITY IMAP4rev1 ", server.bombSize());
                break;
            case CAPABILITY_FLOOD:
                manyLines("* CAPABILITY IMAP4rev1 ", 1_000, server.bombSize());
                break;
            case HUGE_LITERAL:
                endlessLine("* CAPABILITY {" + server.literalSize() + "}\r\n");
                return false;
            default:
                sendLine("* CAPABILITY " + capabilities());
        }
        sendLine(tag + " OK CAPABILITY completed");
        return true;
    }

    private boolean startTls(String tag) throws IOException {
        if (!offersStartTls()) {
            sendLine(tag + " BAD STARTTLS is not offered here");
            return true;
        }
        switch (behaviour) {
            case STARTTLS_REFUSED:
                sendLine(tag + " NO STARTTLS is not available now");
                return true;
            case STARTTLS_BAD:
                sendLine(tag + " BAD STARTTLS not understood");
                return true;
            case STARTTLS_SILENCE:
                sendLine("* OK Thinking about it");
                fallSilent();
                return false;
            case STARTTLS_JUNK:
                sendLine(tag + " OK Begin TLS negotiation now");
                answerHandshakeWithJunk();
                fallSilent();
                return false;
            case RESPONSE_INJECTION:
                send(tag + " OK Begin TLS negotiation now\r\n"
                        + "* CAPABILITY IMAP4rev1 AUTH=PLAIN X-INJECTED\r\n"
                        + nextTag(tag, 1) + " OK CAPABILITY completed\r\n"
                        + nextTag(tag, 2) + " OK LOGIN completed\r\n");
                break;
            case UNTRUSTED_PRE_TLS_DATA:
                sendLine("* OK [ALERT] Your password expires today: confirm it at http://evil.example/");
                sendLine("* CAPABILITY IMAP4rev1 AUTH=PLAIN LOGINDISABLED X-PRE-TLS");
                sendLine(tag + " OK Begin TLS negotiation now");
                break;
            default:
                sendLine(tag + " OK Begin TLS negotiation now");
        }
        upgrade();
        return true;
    }

    private boolean login(String tag, List<String> words) throws IOException {
        if (behaviour == HostileBehaviour.RESET_MID_LOGIN) {
            reset();
            return false;
        }
        if (behaviour == HostileBehaviour.LOGIN_REFERRAL) {
            sendLine(tag + " NO [REFERRAL " + server.referral() + "] Your mailbox lives on another server");
        } else if (behaviour == HostileBehaviour.PRIVACY_REQUIRED && !overTls()) {
            sendLine(tag + " NO [PRIVACYREQUIRED] Connection is not private");
        } else if (behaviour == LOGINDISABLED && !overTls()) {
            sendLine(tag + " NO LOGIN is disabled until TLS is in place");
        } else if (server.answersBusy()) {
            sendLine(tag + " NO [UNAVAILABLE] Maximum number of connections from user+IP exceeded "
                    + "(mail_max_userip_connections=10)");
        } else if (behaviour == HostileBehaviour.SERVICE_DISABLED) {
            sendLine(tag + " NO [ALERT] Your account is not enabled for IMAP use. Please visit your Gmail settings"
                    + " page and enable your account for IMAP access. (Failure)");
        } else if (words.size() == 4 && words.get(3).equals(passwordOf(words.get(2)))) {
            sendLine(tag + " OK LOGIN completed");
        } else {
            sendLine(tag + " NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)");
        }
        return true;
    }

    private String firstUser() {
        return server.users().keySet().stream().findFirst().orElse("nobody");
    }

    /** The tag {@code steps} commands after {@code tag}, as Angus numbers them ({@code A1}, {@code A2}, ...). */
    private static String nextTag(String tag, int steps) {
        int digits = tag.length();
        while (digits > 0 && Character.isDigit(tag.charAt(digits - 1))) {
            digits--;
        }
        if (digits == tag.length()) {
            return tag + steps;
        }
        return tag.substring(0, digits) + (Long.parseLong(tag.substring(digits)) + steps);
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
