package org.mailintegrator.core.internal.protocol.smtp;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.internal.classify.AuthNotOfferedException;
import org.mailintegrator.core.internal.classify.OAuthNotOfferedException;
import org.mailintegrator.core.internal.classify.OAuthRequiredException;
import org.mailintegrator.core.internal.classify.PasswordLoginNotOfferedException;
import org.mailintegrator.core.internal.classify.TokenRejectedException;
import org.mailintegrator.core.internal.protocol.MailSessions;
import org.mailintegrator.core.internal.protocol.OAuthSasl;

/**
 * Angus Mail's SMTP transport, signing in the library's way. Angus's own {@code connect} returns success without
 * signing in when the server offers no {@code AUTH}, and knows neither OAUTHBEARER nor a SASL error challenge; here
 * Angus does the greeting, {@code EHLO}, the required STARTTLS and the {@code EHLO} after it ({@code mail.smtp.auth}
 * off), and this class then signs in: {@code AUTH PLAIN} or {@code AUTH LOGIN} with a password, {@code OAUTHBEARER}
 * or {@code XOAUTH2} with a token. A connection that could not sign in is closed with {@code QUIT} and fails, so a
 * connected transport is always a signed-in one. Not thread-safe beyond Angus's own locking.
 */
final class SmtpSignIn extends SMTPTransport {
    private final Session session;
    private final boolean token;
    private @Nullable MessagingException failure;

    SmtpSignIn(Session session, URLName url, boolean implicitTls, boolean token) {
        super(session, url, implicitTls ? "smtps" : "smtp", implicitTls);
        this.session = session;
        this.token = token;
    }

    @Override
    public synchronized void connect(@Nullable String host, int port, @Nullable String user,
            @Nullable String secret) throws MessagingException {
        failure = null;
        super.connect(host, port, user, secret);
        MessagingException failed = failure;
        if (failed != null) {
            failure = null;
            try {
                close();
            } catch (MessagingException ignored) {
                // the QUIT is a courtesy: the sign-in failed either way
            }
            throw failed;
        }
    }

    /**
     * Lets Angus open the session without credentials, then signs in. A failure to sign in is kept and reported by
     * {@link #connect} once the connection counts as open, so that {@code close()} can still say {@code QUIT}.
     */
    @Override
    protected synchronized boolean protocolConnect(@Nullable String host, int port, @Nullable String user,
            @Nullable String secret) throws MessagingException {
        super.protocolConnect(host, port, null, null);
        List<String> advertised = new ArrayList<>();
        String auth = authParameter();
        if (auth != null) {
            advertised.add(("AUTH " + auth).strip());
        }
        if (supportsExtension("STARTTLS")) {
            advertised.add("STARTTLS");
        }
        MailSessions.reportCapabilities(session, advertised, isSSL());
        try {
            signIn(auth, user == null ? "" : user, secret == null ? "" : secret, host, port);
        } catch (MessagingException e) {
            failure = e;
        }
        return true;
    }

    /** The mechanisms after {@code AUTH} (also the old {@code AUTH=LOGIN} form), or null when AUTH is not offered. */
    private @Nullable String authParameter() {
        if (supportsExtension("AUTH")) {
            String words = getExtensionParameter("AUTH");
            return words == null ? "" : words.strip();
        }
        return supportsExtension("AUTH=LOGIN") ? "LOGIN" : null;
    }

    private void signIn(@Nullable String auth, String user, String secret, @Nullable String host, int port)
            throws MessagingException {
        if (auth == null) {
            throw refusal(new AuthNotOfferedException(!isSSL() && supportsExtension("STARTTLS")));
        }
        List<String> offered = new ArrayList<>();
        for (String word : auth.split("\\s+")) {
            if (!word.isEmpty()) {
                offered.add(word.toUpperCase(Locale.ROOT));
            }
        }
        if (token) {
            signInWithToken(offered, user, secret, port);
        } else {
            signInWithPassword(offered, auth, user, secret);
        }
    }

    private void signInWithPassword(List<String> offered, String auth, String user, String password)
            throws MessagingException {
        int code;
        if (offered.contains("PLAIN")) {
            code = simpleCommand("AUTH PLAIN " + base64("\0" + user + "\0" + password));
        } else if (offered.contains("LOGIN")) {
            code = simpleCommand("AUTH LOGIN");
            if (code == 334) {
                code = simpleCommand(base64(user));
            }
            if (code == 334) {
                code = simpleCommand(base64(password));
            }
        } else {
            throw refusal(OAuthSasl.onlyOAuth(offered) ? new OAuthRequiredException("AUTH " + auth)
                    : new PasswordLoginNotOfferedException("AUTH " + auth, isSSL()));
        }
        if (code != 235) {
            throw new AuthenticationFailedException(lastAnswer());
        }
    }

    private void signInWithToken(List<String> offered, String user, String given, int port)
            throws MessagingException {
        Optional<String> chosen = OAuthSasl.choose(offered::contains);
        if (chosen.isEmpty()) {
            throw refusal(new OAuthNotOfferedException());
        }
        String mechanism = chosen.get();
        String accessToken;
        try {
            accessToken = MailSessions.tokenAtTurn(session, given);
        } catch (IOException e) {
            throw new MessagingException(e.getMessage(), e);
        }
        String saslHost = session.getProperty(MailSessions.SASL_HOST);
        int code = simpleCommand("AUTH " + mechanism + " "
                + OAuthSasl.initialResponse(mechanism, user, accessToken, saslHost, port));
        if (code == 334) {
            // RFC 7628's error challenge (Gmail's too): answered, so that the server ends with its refusal
            OAuthSasl.ErrorStatus error = OAuthSasl.decodeError(lastAnswer().substring(3));
            simpleCommand(OAuthSasl.errorReply(mechanism));
            throw refusal(new TokenRejectedException(mechanism, lastAnswer(), error.status(), error.scope()));
        }
        if (code == 535) {
            throw refusal(new TokenRejectedException(mechanism, lastAnswer(), null, null));
        }
        if (code != 235) {
            throw new AuthenticationFailedException(lastAnswer());
        }
    }

    private String lastAnswer() {
        String last = getLastServerResponse();
        return last == null ? "" : last.strip();
    }

    private static MessagingException refusal(ProtocolException reason) {
        return new MessagingException(reason.getMessage(), reason);
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
