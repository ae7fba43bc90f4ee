package org.mailintegrator.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.mailintegrator.core.MailProtocol;

/**
 * A {@link HostileMailServer} behaviour that signs users in with OAuth2 access tokens, as large providers do: SASL
 * {@code OAUTHBEARER} (RFC 7628) and {@code XOAUTH2} on IMAP ({@code AUTHENTICATE}, with {@code SASL-IR}) and POP3
 * ({@code AUTH}, with the initial response on the command line or on a line of its own). It accepts the one token
 * the test chooses, refuses any other in Gmail's or Microsoft's words, can offer only OAuth2 (refusing passwords as
 * Microsoft does once basic authentication is off), and records every sign-in it decoded.
 *
 * <pre>{@code
 * OAuthServerBehaviour oauth = OAuthServerBehaviour.accepting("alice@example.com", "ya29.good-token")
 *         .refusing(OAuthServerBehaviour.Refusal.GMAIL);
 * try (HostileMailServer server = HostileMailServer.builder(Service.IMAPS, oauth).start()) {
 *     // integrate an account with .accessToken("ya29.good-token"), then check oauth.signIns()
 * }
 * }</pre>
 *
 * <p>Configure it before the server starts (the configuring methods are not thread-safe); once serving, it is
 * thread-safe.
 */
public final class OAuthServerBehaviour implements ServerBehaviour {
    /** How a token other than the accepted one is refused. Immutable and thread-safe. */
    public enum Refusal {
        /**
         * Gmail: the error as a SASL challenge, base64 of
         * {@code {"status":"401","schemes":"Bearer","scope":"https://mail.google.com/"}}, and after the client's
         * reply {@code NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)} or {@code -ERR [AUTH] Invalid
         * credentials}.
         */
        GMAIL,
        /** Microsoft: at once, {@code NO AUTHENTICATE failed.} or {@code -ERR Authentication failure}. */
        MICROSOFT
    }

    /**
     * One sign-in the server decoded: the mechanism, the user and token the client sent, and how it sent them.
     * Immutable and thread-safe; it holds the token as sent, which is what lets a test check it.
     */
    public record SignIn(String mechanism, String user, String token, boolean overTls, boolean initialInCommand) {
        /** Shows everything but the token. */
        @Override
        public String toString() {
            return "SignIn[" + mechanism + ", " + user + ", token=****" + (overTls ? ", TLS" : ", cleartext")
                    + (initialInCommand ? ", in the command]" : ", on its own line]");
        }
    }

    /** The JSON status Gmail sends as a challenge when it refuses a token. */
    public static final String GMAIL_ERROR = "{\"status\":\"401\",\"schemes\":\"Bearer\","
            + "\"scope\":\"https://mail.google.com/\"}";
    private static final String PENDING = OAuthServerBehaviour.class.getName() + ".pending";

    private final String user;
    private final String token;
    private final Set<String> mechanisms = new LinkedHashSet<>(List.of("OAUTHBEARER", "XOAUTH2"));
    private final Queue<SignIn> signIns = new ConcurrentLinkedQueue<>();
    private boolean saslIr = true;
    private boolean oauthOnly;
    private Refusal refusal = Refusal.GMAIL;

    private OAuthServerBehaviour(String user, String token) {
        this.user = user;
        this.token = token;
    }

    /** Accepts {@code token} for {@code user}, through both mechanisms. */
    public static OAuthServerBehaviour accepting(String user, String token) {
        return new OAuthServerBehaviour(Objects.requireNonNull(user, "user"), Objects.requireNonNull(token, "token"));
    }

    /** Advertises and accepts only these mechanisms ({@code OAUTHBEARER}, {@code XOAUTH2}); none is allowed. */
    public OAuthServerBehaviour mechanisms(String... names) {
        mechanisms.clear();
        for (String name : names) {
            mechanisms.add(name.toUpperCase(Locale.ROOT));
        }
        return this;
    }

    /** Refuses other tokens in this style; {@link Refusal#GMAIL} by default. */
    public OAuthServerBehaviour refusing(Refusal style) {
        this.refusal = Objects.requireNonNull(style, "style");
        return this;
    }

    /** Does not advertise IMAP {@code SASL-IR}, so the client must wait for the server's empty challenge. */
    public OAuthServerBehaviour withoutSaslIr() {
        this.saslIr = false;
        return this;
    }

    /**
     * Offers only OAuth2: IMAP advertises no other {@code AUTH=} mechanism and {@code LOGINDISABLED}, POP3 no
     * {@code USER}; a password that arrives anyway is refused with "Basic authentication is disabled".
     */
    public OAuthServerBehaviour oauthOnly() {
        this.oauthOnly = true;
        return this;
    }

    /** Every sign-in the server decoded, in order. */
    public List<SignIn> signIns() {
        return List.copyOf(signIns);
    }

    @Override
    public List<String> capabilities(Connection connection, List<String> standard) {
        List<String> offered = new ArrayList<>();
        if (imap(connection)) {
            for (String capability : standard) {
                if (!(oauthOnly && capability.startsWith("AUTH="))) {
                    offered.add(capability);
                }
            }
            mechanisms.forEach(mechanism -> offered.add("AUTH=" + mechanism));
            if (saslIr) {
                offered.add("SASL-IR");
            }
            if (oauthOnly) {
                offered.add("LOGINDISABLED");
            }
        } else {
            for (String capability : standard) {
                if (!capability.startsWith("SASL") && !(oauthOnly && capability.equals("USER"))) {
                    offered.add(capability);
                }
            }
            if (!mechanisms.isEmpty()) {
                offered.add("SASL " + String.join(" ", mechanisms));
            }
        }
        return offered;
    }

    @Override
    public Step command(Connection connection, Command command) throws IOException {
        Object pending = connection.attributes().remove(PENDING);
        if (pending instanceof Exchange exchange) {
            if (exchange.refused) {
                refuse(connection, exchange.tag);
            } else {
                signIn(connection, exchange.tag, exchange.mechanism, command.line().strip(), false);
            }
            return Step.ANSWERED;
        }
        boolean isAuth = imap(connection) ? command.is("AUTHENTICATE") : command.is("AUTH");
        if (!isAuth || command.arguments().isEmpty()) {
            return Step.DEFAULT;
        }
        String mechanism = command.arguments().get(0).toUpperCase(Locale.ROOT);
        if (!mechanisms.contains(mechanism)) {
            return Step.DEFAULT;
        }
        if (command.arguments().size() > 1) {
            signIn(connection, command.tag(), mechanism, command.arguments().get(1), true);
        } else {
            connection.attributes().put(PENDING, new Exchange(command.tag(), mechanism, false));
            connection.sendLine("+ ");
        }
        return Step.ANSWERED;
    }

    @Override
    public Step login(Connection connection, Login login) throws IOException {
        if (!oauthOnly) {
            return Step.DEFAULT;
        }
        return HostileBehaviour.BASIC_AUTH_DISABLED.login(connection, login);
    }

    private void signIn(Connection connection, String tag, String mechanism, String initial, boolean inCommand)
            throws IOException {
        String message;
        try {
            message = new String(Base64.getDecoder().decode(initial), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            connection.sendLine(imap(connection) ? tag + " BAD invalid base64" : "-ERR invalid base64");
            return;
        }
        String sentUser = "";
        String sentToken = "";
        for (String part : message.split("\1")) {
            if (part.startsWith("auth=Bearer ")) {
                sentToken = part.substring("auth=Bearer ".length());
            } else if (part.startsWith("user=")) {
                sentUser = part.substring("user=".length());
            } else if (part.startsWith("n,a=")) {
                sentUser = part.substring(4, part.lastIndexOf(',')).replace("=2C", ",").replace("=3D", "=");
            }
        }
        signIns.add(new SignIn(mechanism, sentUser, sentToken, connection.overTls(), inCommand));
        if (sentUser.equals(user) && sentToken.equals(token)) {
            connection.sendLine(imap(connection) ? tag + " OK " + mechanism + " authentication successful"
                    : "+OK signed in");
        } else if (refusal == Refusal.GMAIL) {
            connection.attributes().put(PENDING, new Exchange(tag, mechanism, true));
            connection.sendLine("+ " + Base64.getEncoder().encodeToString(GMAIL_ERROR.getBytes(StandardCharsets.UTF_8)));
        } else {
            refuse(connection, tag);
        }
    }

    private void refuse(Connection connection, String tag) throws IOException {
        if (refusal == Refusal.GMAIL) {
            connection.sendLine(imap(connection) ? tag + " NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)"
                    : "-ERR [AUTH] Invalid credentials");
        } else {
            connection.sendLine(imap(connection) ? tag + " NO AUTHENTICATE failed."
                    : "-ERR Authentication failure: unknown user name or bad password.");
        }
    }

    private static boolean imap(Connection connection) {
        return connection.service().protocol() == MailProtocol.IMAP;
    }

    /** A SASL exchange waiting for the client's next line: its initial response, or its reply to an error. */
    private record Exchange(String tag, String mechanism, boolean refused) {
    }
}
