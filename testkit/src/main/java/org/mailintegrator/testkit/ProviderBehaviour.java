package org.mailintegrator.testkit;

import static org.mailintegrator.testkit.Steps.isImap;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.mailintegrator.core.MailProtocol;

/**
 * How well-known providers and server packages answer the situations an integration meets, in their own words, for
 * a {@link HostileMailServer}: Gmail, Microsoft 365, Yahoo and iCloud refusing passwords or connections, Cyrus
 * delaying logins or refusing them before TLS, Courier with a protocol switched off for the account. An application
 * proves with them what its integration does with each answer, without an account at the provider:
 *
 * <pre>{@code
 * try (HostileMailServer server = HostileMailServer.builder(Service.IMAPS, ProviderBehaviour.GMAIL_WEB_LOGIN_REQUIRED)
 *         .user("alice@example.com", "secret").start()) {
 *     // integrate server.account("alice@example.com"): OAUTH_REQUIRED, not a wrong password
 * }
 * }</pre>
 *
 * <p>The answers are written from the providers' public documentation and from the answers their users widely report,
 * and the servers' from their sources; they are not recorded from the live services, whose words may change. Each
 * constant names the lines it sends. Everything else follows the protocol, as {@link HostileBehaviour#HONEST} does;
 * see {@link #appliesTo(MailProtocol)} for the behaviours that exist in one protocol only. A refusal goes to every
 * login, the right password included, as the provider's does, unless the constant says otherwise. This enum is
 * immutable and thread-safe.
 */
public enum ProviderBehaviour implements ServerBehaviour {
    /**
     * Gmail blocks a password sign-in from a mail program and sends the user to a web browser: IMAP {@code NO
     * [ALERT] Please log in via your web browser: https://support.google.com/mail/accounts/answer/78754 (Failure)},
     * POP3 {@code -ERR [AUTH] Web login required: https://support.google.com/mail/answer/78754}. Google no longer
     * takes the account password from mail programs (the page says to sign in with Google, or use an app password).
     */
    GMAIL_WEB_LOGIN_REQUIRED(Steps.refusing("[ALERT] Please log in via your web browser: "
            + "https://support.google.com/mail/accounts/answer/78754 (Failure)",
            "-ERR [AUTH] Web login required: https://support.google.com/mail/answer/78754")),
    /**
     * Gmail's limit of simultaneous IMAP connections per account (15) is reached: {@code NO [ALERT] Too many
     * simultaneous connections. (Failure)}, with no code that says "not now". IMAP only.
     */
    GMAIL_TOO_MANY_CONNECTIONS(Steps.imapRefusing("[ALERT] Too many simultaneous connections. (Failure)")),
    /**
     * Microsoft 365 with basic authentication retired: the server advertises OAuth2 beside the password mechanisms
     * (IMAP {@code AUTH=PLAIN AUTH=XOAUTH2 SASL-IR}, POP3 {@code SASL PLAIN XOAUTH2}) and refuses every password in
     * the words it uses for a wrong one: IMAP {@code NO AUTHENTICATE failed.} ({@code NO LOGIN failed.} to
     * {@code LOGIN}), POP3 {@code -ERR Logon failure: unknown user name or bad password.}
     */
    MICROSOFT_BASIC_AUTH_DISABLED(Steps.refusing("LOGIN failed.",
            "-ERR Logon failure: unknown user name or bad password.")) {
        @Override
        public List<String> capabilities(Connection connection, List<String> standard) {
            List<String> offered = new ArrayList<>(standard);
            if (isImap(connection)) {
                offered.addAll(List.of("AUTH=PLAIN", "AUTH=XOAUTH2", "SASL-IR"));
            } else {
                offered.add("SASL PLAIN XOAUTH2");
            }
            return offered;
        }

        @Override
        public Step command(Connection connection, Command command) throws IOException {
            Object pending = connection.attributes().remove(PENDING_AUTHENTICATE);
            if (pending instanceof String tag) {
                // the client's PLAIN response, whatever it holds
                connection.sendLine(tag + " NO AUTHENTICATE failed.");
                return Step.ANSWERED;
            }
            if (!isImap(connection) || !command.is("AUTHENTICATE") || command.arguments().isEmpty()
                    || !command.arguments().get(0).equalsIgnoreCase("PLAIN")) {
                return Step.DEFAULT;
            }
            if (command.arguments().size() > 1) {
                connection.sendLine(command.tag() + " NO AUTHENTICATE failed.");
            } else {
                connection.attributes().put(PENDING_AUTHENTICATE, command.tag());
                connection.sendLine("+ ");
            }
            return Step.ANSWERED;
        }
    },
    /**
     * Microsoft 365 throttles the client or cannot reach the mailbox's server for the moment, and says so without a
     * response code: IMAP {@code NO Server Unavailable. 15}, POP3 {@code -ERR Server Unavailable. 21}.
     */
    MICROSOFT_THROTTLED(Steps.refusing("Server Unavailable. 15", "-ERR Server Unavailable. 21")),
    /**
     * Yahoo Mail wants an app password from mail programs and refuses the account password with the standard code
     * alone: {@code NO [AUTHENTICATIONFAILED] LOGIN Invalid credentials}. Nothing in the answer tells a wrong password
     * from a right one that is not an app password. IMAP only.
     */
    YAHOO_APP_PASSWORD_REQUIRED(Steps.imapRefusing("[AUTHENTICATIONFAILED] LOGIN Invalid credentials")),
    /**
     * iCloud Mail takes only app-specific passwords from mail programs and refuses the Apple Account password with
     * the standard code alone: {@code NO [AUTHENTICATIONFAILED] Authentication failed.} iCloud has no POP3; IMAP only.
     */
    ICLOUD_APP_PASSWORD_REQUIRED(Steps.imapRefusing("[AUTHENTICATIONFAILED] Authentication failed.")),
    /**
     * Cyrus IMAP's POP3 server with a minimum interval between logins ({@code popminpoll: 1}), for an account that
     * signed in a moment ago: its {@code CAPA} advertises {@code LOGIN-DELAY 60} and {@code RESP-CODES}, and every
     * {@code PASS} is answered {@code -ERR [LOGIN-DELAY] Logins must be at least 1 minute apart} (RFC 2449). POP3
     * only.
     */
    CYRUS_LOGIN_DELAY(Steps.pop3Refusing("-ERR [LOGIN-DELAY] Logins must be at least 1 minute apart")) {
        @Override
        public List<String> capabilities(Connection connection, List<String> standard) {
            List<String> offered = new ArrayList<>(standard);
            offered.addAll(List.of("EXPIRE NEVER", "LOGIN-DELAY 60", "TOP", "RESP-CODES", "AUTH-RESP-CODE"));
            return offered;
        }
    },
    /**
     * Cyrus IMAP's POP3 server with {@code allowplaintext: no}: before TLS its {@code CAPA} offers {@code STLS} and
     * neither {@code USER} nor a SASL mechanism, and {@code USER} is answered {@code -ERR [AUTH] USER command only
     * available under a layer}; after {@code STLS} it offers {@code USER} and takes the password. POP3 only.
     */
    CYRUS_PLAINTEXT_DISALLOWED(Steps.only(MailProtocol.POP3)) {
        @Override
        public List<String> capabilities(Connection connection, List<String> standard) {
            List<String> offered = new ArrayList<>();
            for (String capability : standard) {
                if (connection.overTls() || !capability.equals("USER")) {
                    offered.add(capability);
                }
            }
            offered.addAll(List.of("EXPIRE NEVER", "LOGIN-DELAY 0", "TOP", "RESP-CODES", "AUTH-RESP-CODE"));
            return offered;
        }

        @Override
        public Step command(Connection connection, Command command) throws IOException {
            if (!command.is("USER") || connection.overTls()) {
                return Step.DEFAULT;
            }
            connection.sendLine("-ERR [AUTH] USER command only available under a layer");
            return Step.ANSWERED;
        }
    },
    /**
     * Courier with the protocol switched off for the account ({@code disableimap}, {@code disablepop3}): a wrong
     * password is refused as usual, and the right one is answered, once Courier has started the mail session, with
     * IMAP {@code * BYE IMAP access disabled for this account.} or POP3 {@code -ERR POP3 access disabled for this
     * account.}, and the connection closes.
     */
    COURIER_ACCESS_DISABLED {
        @Override
        public Step login(Connection connection, Login login) throws IOException {
            if (!connection.acceptsCredentials(login.user(), login.password())) {
                return Step.DEFAULT;
            }
            connection.sendLine(isImap(connection) ? "* BYE IMAP access disabled for this account."
                    : "-ERR POP3 access disabled for this account.");
            return Step.CLOSE;
        }
    };

    /** The connection attribute in which {@link #MICROSOFT_BASIC_AUTH_DISABLED} keeps the tag of its PLAIN exchange. */
    private static final String PENDING_AUTHENTICATE = ProviderBehaviour.class.getName() + ".authenticate";

    private final Steps steps;

    ProviderBehaviour() {
        this(Steps.NONE);
    }

    ProviderBehaviour(Steps steps) {
        this.steps = steps;
    }

    /**
     * Whether this behaviour exists in {@code protocol}: every behaviour exists in both protocols but those said to
     * be IMAP only or POP3 only.
     */
    @Override
    public boolean appliesTo(MailProtocol protocol) {
        return steps.appliesTo(protocol);
    }

    @Override
    public Step login(Connection connection, Login login) throws IOException {
        return steps.login(connection, login);
    }
}
