package org.mailintegrator.testkit;

import static org.mailintegrator.testkit.Steps.isImap;
import static org.mailintegrator.testkit.Steps.isSmtp;
import static org.mailintegrator.testkit.Steps.okPrefix;
import static org.mailintegrator.testkit.Steps.withoutStartTls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.mailintegrator.core.MailProtocol;

/**
 * The one way a {@link HostileMailServer} misbehaves. Modelled on the test classes of "Why TLS is better without
 * STARTTLS" (Poddebniak, Ising, Böck, Schinzel; USENIX Security 2021), plus the refusals large providers really
 * send and a few resource bombs. Everything not named by the behaviour follows the protocol: greeting,
 * {@code CAPABILITY}/{@code CAPA}, {@code STARTTLS}/{@code STLS} with a real TLS upgrade, {@code LOGIN} or
 * {@code USER}/{@code PASS} checked against the server's user, {@code LOGOUT}/{@code QUIT}. The server never
 * advertises {@code AUTH=PLAIN} or {@code SASL} after TLS, so a client that sends {@code AUTHENTICATE} or
 * {@code AUTH} trusted something it should not have (and is answered {@code NO}/{@code -ERR}).
 *
 * <p>Each constant is a {@link ServerBehaviour} built from shared steps (the one protocol it exists in, the refusal
 * it answers every login with) that overrides the hooks it needs besides, and a test that needs a behaviour
 * not listed here writes its own {@link ServerBehaviour} rather than a new constant. Some behaviours exist in one
 * protocol only; see {@link #appliesTo(MailProtocol)}. This enum is immutable and thread-safe.
 */
public enum HostileBehaviour implements ServerBehaviour {
    /** No misbehaviour: a correct server, as a baseline or as the next candidate of a chain. */
    HONEST,

    /** {@code STARTTLS}/{@code STLS} is not advertised, as when a man in the middle strips it. */
    STARTTLS_STRIPPED {
        @Override
        public List<String> capabilities(Connection connection, List<String> standard) {
            return withoutStartTls(standard);
        }
    },
    /** {@code STARTTLS} is advertised but answered {@code NO} (IMAP), {@code STLS} answered {@code -ERR} (POP3). */
    STARTTLS_REFUSED {
        @Override
        public Step startTls(Connection connection, Command command) throws IOException {
            connection.sendLine(isImap(connection) ? command.tag() + " NO STARTTLS is not available now"
                    : isSmtp(connection) ? "454 4.7.0 TLS not available due to temporary reason"
                    : "-ERR STLS not available now");
            return Step.ANSWERED;
        }
    },
    /** {@code STARTTLS} is advertised but answered {@code BAD}. IMAP only. */
    STARTTLS_BAD(Steps.only(MailProtocol.IMAP)) {
        @Override
        public Step startTls(Connection connection, Command command) throws IOException {
            connection.sendLine(command.tag() + " BAD STARTTLS not understood");
            return Step.ANSWERED;
        }
    },
    /**
     * {@code STARTTLS}/{@code STLS} is answered strangely and then nothing more: IMAP an untagged {@code * OK} and no
     * tagged answer, POP3 no answer at all.
     */
    STARTTLS_SILENCE {
        @Override
        public Step startTls(Connection connection, Command command) throws IOException {
            if (isImap(connection)) {
                connection.sendLine("* OK Thinking about it");
            }
            connection.fallSilent();
            return Step.CLOSE;
        }
    },
    /**
     * {@code STARTTLS}/{@code STLS} is accepted ({@code OK}/{@code +OK}), but when the client starts its handshake the
     * server answers with bytes that are not TLS.
     */
    STARTTLS_JUNK {
        @Override
        public Step startTls(Connection connection, Command command) throws IOException {
            connection.sendLine(isImap(connection) ? command.tag() + " OK Begin TLS negotiation now"
                    : "+OK Begin TLS negotiation");
            if (connection.clientSendsWithin(HANDSHAKE_WAIT)) {
                connection.send(NOT_TLS);
            }
            connection.fallSilent();
            return Step.CLOSE;
        }
    },
    /**
     * The greeting is {@code * PREAUTH}: the session is declared authenticated before anything else, and
     * {@code STARTTLS} is not advertised. On an implicit TLS service this is legitimate. IMAP only.
     */
    PREAUTH(Steps.only(MailProtocol.IMAP)) {
        @Override
        public List<String> capabilities(Connection connection, List<String> standard) {
            return withoutStartTls(standard);
        }

        @Override
        public Step greet(Connection connection) throws IOException {
            return preauthGreeting(connection);
        }
    },
    /**
     * A forged {@code * PREAUTH} greeting that advertises {@code STARTTLS} and really upgrades, after which the
     * server behaves as a normal server that has authenticated nobody: what a man in the middle achieves by
     * replacing the greeting of a real server and passing the rest through. A client that believes the greeting
     * skips the login and reports an account it never authenticated. IMAP only.
     */
    PREAUTH_THEN_STARTTLS(Steps.only(MailProtocol.IMAP)) {
        @Override
        public Step greet(Connection connection) throws IOException {
            return preauthGreeting(connection);
        }
    },
    /**
     * Response injection: the server answers {@code STARTTLS}/{@code STLS} with its {@code OK} and, in the same TCP
     * write, forged answers to the commands the client sends next (IMAP: {@code * CAPABILITY IMAP4rev1 AUTH=PLAIN}
     * with tagged {@code OK}s for the next two tags; POP3: a {@code CAPA} answer with {@code SASL PLAIN} and
     * {@code +OK}s), then does the real handshake. The real post-TLS capabilities offer neither.
     */
    RESPONSE_INJECTION {
        @Override
        public Step startTls(Connection connection, Command command) throws IOException {
            String tag = command.tag();
            if (isImap(connection)) {
                connection.send(tag + " OK Begin TLS negotiation now\r\n"
                        + "* CAPABILITY IMAP4rev1 AUTH=PLAIN X-INJECTED\r\n"
                        + nextTag(tag, 1) + " OK CAPABILITY completed\r\n"
                        + nextTag(tag, 2) + " OK LOGIN completed\r\n");
            } else {
                connection.send("+OK Begin TLS negotiation\r\n"
                        + "+OK Capability list follows\r\nSASL PLAIN\r\nX-INJECTED\r\n.\r\n"
                        + "+OK\r\n"
                        + "+OK Logged in.\r\n");
            }
            connection.upgradeToTls();
            return Step.ANSWERED;
        }
    },
    /**
     * Data sent before TLS that must not be trusted after it: IMAP a greeting whose capabilities say
     * {@code AUTH=PLAIN LOGINDISABLED}, {@code [ALERT]}s and a second capability list before the {@code STARTTLS}
     * answer; POP3 a {@code CAPA} with {@code SASL PLAIN} and {@code PIPELINING} but no {@code USER}. After TLS the
     * real capabilities offer plain {@code LOGIN}/{@code USER} only, and no {@code PIPELINING}: a POP3 client that
     * sends {@code PASS} before {@code USER} is answered (seen by waiting 250 ms before answering {@code USER}) kept
     * the pre-TLS capability, and its {@code PASS} is answered {@code -ERR}.
     */
    UNTRUSTED_PRE_TLS_DATA {
        @Override
        public List<String> capabilities(Connection connection, List<String> standard) {
            if (connection.overTls()) {
                return standard;
            }
            List<String> untrusted = new ArrayList<>();
            if (isImap(connection)) {
                untrusted.addAll(standard);
                untrusted.addAll(List.of("AUTH=PLAIN", "LOGINDISABLED", "X-PRE-TLS"));
            } else {
                untrusted.addAll(List.of("SASL PLAIN", "PIPELINING", "X-PRE-TLS"));
                untrusted.addAll(standard.stream().filter("STLS"::equals).toList());
            }
            return untrusted;
        }

        @Override
        public Step greet(Connection connection) throws IOException {
            if (!isImap(connection) || connection.overTls()) {
                return Step.DEFAULT;
            }
            connection.sendLine("* OK [CAPABILITY " + String.join(" ", connection.capabilities())
                    + "] HostileMailServer ready");
            return Step.ANSWERED;
        }

        @Override
        public Step startTls(Connection connection, Command command) throws IOException {
            if (!isImap(connection)) {
                return Step.DEFAULT;
            }
            connection.sendLine("* OK [ALERT] Your password expires today: confirm it at http://evil.example/");
            connection.sendLine("* CAPABILITY IMAP4rev1 AUTH=PLAIN LOGINDISABLED X-PRE-TLS");
            connection.sendLine(command.tag() + " OK Begin TLS negotiation now");
            connection.upgradeToTls();
            return Step.ANSWERED;
        }

        @Override
        public Step command(Connection connection, Command command) throws IOException {
            if (!isImap(connection) && command.is("USER")) {
                // PIPELINING was offered before TLS only: a client that kept it sends PASS before USER is answered
                connection.attributes().put(PIPELINED, connection.clientSendsWithin(PIPELINING_WINDOW));
            }
            return Step.DEFAULT;
        }

        @Override
        public Step login(Connection connection, Login login) throws IOException {
            if (Boolean.TRUE.equals(connection.attributes().get(PIPELINED))) {
                connection.sendLine(
                        "-ERR PASS came before USER was answered: PIPELINING is not offered on this connection");
                return Step.ANSWERED;
            }
            return Step.DEFAULT;
        }
    },
    /**
     * {@code LOGIN} is answered {@code NO [REFERRAL <url>]}, the url set with
     * {@link HostileMailServer.Builder#referral(String)}. IMAP only.
     */
    LOGIN_REFERRAL(Steps.only(MailProtocol.IMAP)) {
        @Override
        public Step login(Connection connection, Login login) throws IOException {
            connection.sendLine(login.command().tag() + " NO [REFERRAL " + connection.server().referral()
                    + "] Your mailbox lives on another server");
            return Step.ANSWERED;
        }
    },
    /** The capabilities say {@code LOGINDISABLED} (with {@code STARTTLS}) until TLS is in place. IMAP only. */
    LOGINDISABLED(Steps.imapRefusingBeforeTls("LOGIN is disabled until TLS is in place")) {
        @Override
        public List<String> capabilities(Connection connection, List<String> standard) {
            if (connection.overTls()) {
                return standard;
            }
            List<String> disabled = new ArrayList<>(standard);
            disabled.add("LOGINDISABLED");
            return disabled;
        }
    },
    /** {@code LOGIN} without TLS is answered {@code NO [PRIVACYREQUIRED]}. IMAP only. */
    PRIVACY_REQUIRED(Steps.imapRefusingBeforeTls("[PRIVACYREQUIRED] Connection is not private")),
    /**
     * {@code USER} without TLS is answered as Dovecot does: {@code -ERR [AUTH] Plaintext authentication disallowed on
     * non-secure (SSL/TLS) connections.} POP3 only.
     */
    PLAINTEXT_AUTH_DISALLOWED(Steps.only(MailProtocol.POP3)) {
        @Override
        public Step command(Connection connection, Command command) throws IOException {
            if (!command.is("USER") || connection.overTls()) {
                return Step.DEFAULT;
            }
            connection.sendLine(
                    "-ERR [AUTH] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.");
            return Step.ANSWERED;
        }
    },
    /**
     * The login is refused because the protocol is switched off for the account, in Gmail's words: IMAP
     * {@code NO [ALERT] Your account is not enabled for IMAP use.}, POP3 {@code -ERR POP access is disabled for your
     * account} (answering {@code PASS}).
     */
    SERVICE_DISABLED(Steps.refusing("[ALERT] Your account is not enabled for IMAP use. Please visit your"
            + " Gmail settings page and enable your account for IMAP access. (Failure)",
            "-ERR POP access is disabled for your account")),
    /**
     * Passwords are refused because the provider accepts only OAuth2, in words that say so (Microsoft's, as its SMTP
     * servers say them once basic authentication is off): IMAP {@code NO [AUTHENTICATIONFAILED] Basic authentication
     * is disabled}, POP3 {@code -ERR Basic authentication is disabled}. Not a wrong password. Microsoft's IMAP and
     * POP3 servers say less: {@link ProviderBehaviour#MICROSOFT_BASIC_AUTH_DISABLED}. SMTP: Microsoft's
     * {@code 535 5.7.139 ... SmtpClientAuthentication is disabled for the Tenant}. See
     * {@link OAuthServerBehaviour} for a server that also takes tokens.
     */
    BASIC_AUTH_DISABLED(Steps.refusing("[AUTHENTICATIONFAILED] Basic authentication is disabled",
            "-ERR Basic authentication is disabled",
            "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit"
                    + " https://aka.ms/smtp_auth_disabled for more information.")),
    /**
     * The account password is refused because the provider wants an app password, in Gmail's words: IMAP
     * {@code NO [ALERT] Application-specific password required: https://support.google.com/accounts/answer/185833
     * (Failure)}, POP3 {@code -ERR [AUTH] Application-specific password required: ...}, SMTP
     * {@code 534 5.7.9 Application-specific password required}.
     */
    APP_PASSWORD_REQUIRED(Steps.refusing("[ALERT] Application-specific password required:"
            + " https://support.google.com/accounts/answer/185833 (Failure)",
            "-ERR [AUTH] Application-specific password required: https://support.google.com/accounts/answer/185833",
            "534-5.7.9 Application-specific password required. Learn more at\r\n"
                    + "534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor")),
    /**
     * The server is up but cannot serve the account now, and says so at every login, in Dovecot's words: IMAP
     * {@code NO [UNAVAILABLE] Maximum number of connections from user+IP exceeded}, POP3
     * {@code -ERR [IN-USE] Unable to lock maildrop}, SMTP {@code 454 4.7.0 Temporary authentication failure}. Not a
     * wrong password.
     */
    BUSY(Steps.refusing("[UNAVAILABLE] Maximum number of connections from user+IP exceeded"
            + " (mail_max_userip_connections=10)",
            "-ERR [IN-USE] Unable to lock maildrop: the mailbox is in use by another session",
            "454 4.7.0 Temporary authentication failure: too many connections, try again later")),
    /**
     * The account already has as many connections as the server allows it, and the server says so by its code at
     * every login: IMAP {@code NO [UNAVAILABLE] Too many connections} (RFC 5530), POP3 {@code -ERR [SYS/TEMP] Too
     * many connections} (RFC 3206). What providers with a per-account connection limit answer; Gmail's words, which
     * carry no such code, are {@link ProviderBehaviour#GMAIL_TOO_MANY_CONNECTIONS}. Not a wrong password.
     */
    CONNECTION_LIMIT(Steps.refusing("[UNAVAILABLE] Too many connections",
            "-ERR [SYS/TEMP] Too many connections")),
    /** Like {@link #BUSY} for the first two logins the server receives; from the third on it is honest. */
    BUSY_TWICE {
        @Override
        public Step login(Connection connection, Login login) throws IOException {
            return login.number() <= 2 ? BUSY.login(connection, login) : Step.DEFAULT;
        }
    },
    /**
     * Before TLS, the only sign-in offered is NTLM, as Exchange Server can be set to do on its cleartext ports: IMAP
     * {@code AUTH=NTLM} with {@code LOGINDISABLED}, POP3 {@code SASL NTLM} without {@code USER} (and {@code USER}
     * answered {@code -ERR}). A client that starts an NTLM exchange ({@code AUTHENTICATE NTLM}, {@code AUTH NTLM})
     * gets a challenge and, whatever it answers, is told it is signed in, as a server that harvests NTLM responses
     * (which can be cracked offline) would; the lines it sent are in {@link HostileMailServer#received()}. Over TLS the
     * server is honest.
     */
    NTLM_ONLY {
        @Override
        public List<String> capabilities(Connection connection, List<String> standard) {
            if (connection.overTls()) {
                return standard;
            }
            List<String> ntlm = new ArrayList<>();
            if (isImap(connection)) {
                ntlm.addAll(standard);
                ntlm.addAll(List.of("AUTH=NTLM", "LOGINDISABLED"));
            } else {
                ntlm.addAll(standard.stream().filter(name -> !name.equals("USER")).toList());
                ntlm.add("SASL NTLM");
            }
            return ntlm;
        }

        @Override
        public Step command(Connection connection, Command command) throws IOException {
            Object pending = connection.attributes().remove(NTLM_EXCHANGE);
            if (pending instanceof String tag) {
                // the client's NTLM message: a negotiation gets the challenge, an authentication is "accepted"
                if (connection.attributes().remove(NTLM_CHALLENGED) == null) {
                    connection.attributes().put(NTLM_CHALLENGED, Boolean.TRUE);
                    connection.attributes().put(NTLM_EXCHANGE, tag);
                    connection.sendLine("+ " + NTLM_CHALLENGE);
                } else {
                    connection.sendLine(isImap(connection) ? tag + " OK AUTHENTICATE completed" : "+OK Logged in.");
                }
                return Step.ANSWERED;
            }
            if (connection.overTls()) {
                return Step.DEFAULT;
            }
            boolean ntlm = (isImap(connection) ? command.is("AUTHENTICATE") : command.is("AUTH"))
                    && !command.arguments().isEmpty() && command.arguments().get(0).equalsIgnoreCase("NTLM");
            if (ntlm) {
                connection.attributes().put(NTLM_EXCHANGE, command.tag());
                connection.sendLine("+ ");
                return Step.ANSWERED;
            }
            if (!isImap(connection) && command.is("USER")) {
                connection.sendLine("-ERR USER is not offered here; use AUTH NTLM");
                return Step.ANSWERED;
            }
            return Step.DEFAULT;
        }
    },
    /** The banner is not the protocol's: an SSH banner followed by binary bytes, then the connection closes. */
    GARBAGE_BANNER {
        @Override
        public Step greet(Connection connection) throws IOException {
            connection.send("SSH-2.0-OpenSSH_9.6p1 Debian-3\r\n");
            connection.send(new String(BINARY, StandardCharsets.ISO_8859_1));
            return Step.CLOSE;
        }
    },
    /** The connection is reset (TCP RST) as soon as the credential line ({@code LOGIN}, {@code PASS}) arrives. */
    RESET_MID_LOGIN {
        @Override
        public Step command(Connection connection, Command command) throws IOException {
            if (!command.is(isImap(connection) ? "LOGIN" : "PASS")) {
                return Step.DEFAULT;
            }
            connection.reset();
            return Step.CLOSE;
        }
    },

    /** Resource bomb: the greeting is a line that never ends, written as fast as the client reads it. */
    ENDLESS_LINE {
        @Override
        public Step greet(Connection connection) throws IOException {
            connection.endlessLine(okPrefix(connection) + " ");
            return Step.CLOSE;
        }
    },
    /**
     * Resource bomb: a {@code CAPABILITY} (IMAP) or {@code CAPA} (POP3) answer of one line of
     * {@linkplain HostileMailServer.Builder#bombSize(long) several megabytes} of distinct capability names; the
     * session then goes on normally.
     */
    HUGE_CAPABILITY {
        @Override
        public Step command(Connection connection, Command command) throws IOException {
            long size = connection.server().bombSize();
            if (isImap(connection) && command.is("CAPABILITY")) {
                connection.hugeLine("* CAPABILITY IMAP4rev1 ", size);
                connection.sendLine(command.tag() + " OK CAPABILITY completed");
                return Step.ANSWERED;
            }
            if (!isImap(connection) && command.is("CAPA")) {
                connection.sendLine("+OK Capability list follows");
                connection.hugeLine("", size);
                connection.sendLine("USER");
                connection.sendLine(".");
                return Step.ANSWERED;
            }
            return Step.DEFAULT;
        }
    },
    /**
     * Resource bomb: a {@code CAPABILITY} (IMAP) or {@code CAPA} (POP3) answer of many short lines of distinct
     * capability names, {@linkplain HostileMailServer.Builder#bombSize(long) several megabytes} in all, none of them
     * long; the session then goes on normally. What a line-length limit alone does not stop.
     */
    CAPABILITY_FLOOD {
        @Override
        public Step command(Connection connection, Command command) throws IOException {
            long size = connection.server().bombSize();
            if (isImap(connection) && command.is("CAPABILITY")) {
                connection.manyLines("* CAPABILITY IMAP4rev1 ", 1_000, size);
                connection.sendLine(command.tag() + " OK CAPABILITY completed");
                return Step.ANSWERED;
            }
            if (!isImap(connection) && command.is("CAPA")) {
                connection.sendLine("+OK Capability list follows");
                connection.manyLines("", 1, size);
                connection.sendLine("USER");
                connection.sendLine(".");
                return Step.ANSWERED;
            }
            return Step.DEFAULT;
        }
    },
    /**
     * Resource bomb: the {@code CAPABILITY} answer announces a literal of
     * {@linkplain HostileMailServer.Builder#literalSize(long) gigabytes} ({@code * CAPABILITY {4294967296}}) and then
     * sends bytes for as long as the client reads. IMAP only.
     */
    HUGE_LITERAL(Steps.only(MailProtocol.IMAP)) {
        @Override
        public Step command(Connection connection, Command command) throws IOException {
            if (!command.is("CAPABILITY")) {
                return Step.DEFAULT;
            }
            connection.endlessLine("* CAPABILITY {" + connection.server().literalSize() + "}\r\n");
            return Step.CLOSE;
        }
    },
    /**
     * Resource bomb: the greeting trickles one byte every 200 ms, never ending, so that no single read times out.
     * The pacing is simulated network behaviour.
     */
    TRICKLER {
        @Override
        public Step greet(Connection connection) throws IOException {
            connection.trickle(okPrefix(connection) + " HostileMailServer trickles");
            return Step.CLOSE;
        }
    },
    /**
     * SMTP only: the server offers no {@code AUTH} at all, as an open relay or a port-25 server does; Jakarta Mail
     * alone would "connect" to it and fail at the first message with {@code 554 5.7.1 Relay access denied}.
     */
    AUTH_NOT_OFFERED(Steps.only(MailProtocol.SMTP)) {
        @Override
        public List<String> capabilities(Connection connection, List<String> standard) {
            return standard.stream().filter(name -> !name.startsWith("AUTH")).toList();
        }
    },
    /**
     * SMTP only: before TLS, {@code AUTH} is answered {@code 530 5.7.0 Must issue a STARTTLS command first}, as
     * Postfix's submission service says it; over TLS the login goes on.
     */
    STARTTLS_FIRST(Steps.only(MailProtocol.SMTP)) {
        @Override
        public Step login(Connection connection, Login login) throws IOException {
            if (connection.overTls()) {
                return Step.DEFAULT;
            }
            connection.sendLine("530 5.7.0 Must issue a STARTTLS command first");
            return Step.ANSWERED;
        }
    },
    /** SMTP only: the greeting is {@code 421 4.7.0 Too many connections}, then the server closes. Busy. */
    BUSY_GREETING(Steps.only(MailProtocol.SMTP)) {
        @Override
        public Step greet(Connection connection) throws IOException {
            connection.sendLine("421 4.7.0 hostile.test Error: too many connections from your address");
            return Step.CLOSE;
        }
    },
    /**
     * SMTP only: an access token is refused the way Gmail does it: {@code AUTH XOAUTH2} is answered with a
     * {@code 334} challenge carrying base64 JSON ({@code {"status":"401",...}}), and the client's empty response with
     * {@code 535 5.7.8 Username and Password not accepted}. Not a wrong password: a token to renew.
     */
    TOKEN_CHALLENGE(Steps.only(MailProtocol.SMTP)) {
        @Override
        public Step login(Connection connection, Login login) throws IOException {
            if (!login.command().arguments().get(0).equalsIgnoreCase("XOAUTH2")
                    && !login.command().arguments().get(0).equalsIgnoreCase("OAUTHBEARER")) {
                return Step.DEFAULT;
            }
            connection.sendLine("334 " + java.util.Base64.getEncoder().encodeToString(("{\"status\":\"401\","
                    + "\"schemes\":\"Bearer\",\"scope\":\"https://mail.google.com/\"}")
                    .getBytes(StandardCharsets.UTF_8)));
            // the client's (empty) answer to the challenge
            ((HostileSession) connection).readLine();
            connection.sendLine("535-5.7.8 Username and Password not accepted. For more information, go to\r\n"
                    + "535 5.7.8  https://support.google.com/mail/?p=BadCredentials");
            return Step.ANSWERED;
        }
    };

    /** The behaviours an SMTP submission server shows; the others are IMAP and POP3 ones. */
    private static final Set<HostileBehaviour> SMTP = EnumSet.of(HONEST, STARTTLS_STRIPPED, STARTTLS_REFUSED,
            BASIC_AUTH_DISABLED, APP_PASSWORD_REQUIRED, BUSY, GARBAGE_BANNER, ENDLESS_LINE, TRICKLER, AUTH_NOT_OFFERED,
            STARTTLS_FIRST, BUSY_GREETING, TOKEN_CHALLENGE);

    private static final byte[] BINARY = {0, 1, 2, 3, (byte) 0xff, (byte) 0xfe, 0x16, 0x03, 0x01, '\r', '\n'};
    /** What {@link #STARTTLS_JUNK} answers a TLS client hello with. */
    private static final String NOT_TLS = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
    /** How long {@link #STARTTLS_JUNK} waits for the client's handshake. */
    private static final Duration HANDSHAKE_WAIT = Duration.ofSeconds(30);
    /** How long {@link #UNTRUSTED_PRE_TLS_DATA} waits for a POP3 client to send PASS before USER is answered. */
    private static final Duration PIPELINING_WINDOW = Duration.ofMillis(250);
    /** The connection attribute in which {@link #UNTRUSTED_PRE_TLS_DATA} notes that a POP3 client pipelined. */
    private static final String PIPELINED = HostileBehaviour.class.getName() + ".pipelined";
    /** The connection attribute in which {@link #NTLM_ONLY} keeps the tag of an NTLM exchange under way. */
    private static final String NTLM_EXCHANGE = HostileBehaviour.class.getName() + ".ntlm";
    /** The connection attribute in which {@link #NTLM_ONLY} notes that it sent its challenge. */
    private static final String NTLM_CHALLENGED = HostileBehaviour.class.getName() + ".ntlm.challenged";
    /**
     * An NTLM challenge message (type 2), base64: signature, type, an empty target name, the flags for Unicode and
     * NTLM, an eight-byte challenge, and no target information.
     */
    private static final String NTLM_CHALLENGE = java.util.Base64.getEncoder().encodeToString(new byte[] {
        'N', 'T', 'L', 'M', 'S', 'S', 'P', 0, 2, 0, 0, 0, 0, 0, 0, 0, 48, 0, 0, 0, 1, 2, 0, 0,
        1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 48, 0, 0, 0});

    private final Steps steps;

    HostileBehaviour() {
        this(Steps.NONE);
    }

    HostileBehaviour(Steps steps) {
        this.steps = steps;
    }

    /**
     * Whether this behaviour exists in {@code protocol}: every behaviour exists in IMAP and POP3 but those said to be
     * IMAP only or POP3 only; SMTP has {@code HONEST}, the STARTTLS stripping and refusal, the refusals that have an
     * SMTP reply ({@code BASIC_AUTH_DISABLED}, {@code APP_PASSWORD_REQUIRED}, {@code BUSY}), the banner and greeting
     * bombs, and the SMTP-only behaviours.
     */
    @Override
    public boolean appliesTo(MailProtocol protocol) {
        return steps.appliesTo(protocol) && (protocol != MailProtocol.SMTP || SMTP.contains(this));
    }

    @Override
    public Step login(Connection connection, Login login) throws IOException {
        return steps.login(connection, login);
    }

    private static Step preauthGreeting(Connection connection) throws IOException {
        String user = connection.server().users().keySet().stream().findFirst().orElse("nobody");
        connection.sendLine("* PREAUTH [CAPABILITY " + String.join(" ", connection.capabilities()) + "] Logged in as "
                + user);
        return Step.ANSWERED;
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
}
