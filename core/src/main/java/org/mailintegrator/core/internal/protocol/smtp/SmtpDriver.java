package org.mailintegrator.core.internal.protocol.smtp;

import jakarta.mail.Service;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import java.io.InputStream;
import java.util.Optional;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.mailintegrator.core.Security;
import org.mailintegrator.core.internal.classify.Advertised;
import org.mailintegrator.core.internal.protocol.OAuthSasl;
import org.mailintegrator.core.internal.protocol.ProtocolDriver;

/**
 * SMTP submission (RFC 6409, implicit TLS and STARTTLS from RFC 8314 and RFC 3207, AUTH from RFC 4954) through
 * Angus Mail's SMTP transport: greeting, {@code EHLO}, STARTTLS and {@code EHLO} again where the candidate says
 * STARTTLS, {@code AUTH}, {@code QUIT}. {@code MAIL}, {@code RCPT} and {@code DATA} are never sent. Stateless.
 */
public final class SmtpDriver implements ProtocolDriver {
    /** The one instance. */
    public static final SmtpDriver INSTANCE = new SmtpDriver();
    /**
     * The name the client gives in {@code EHLO}: an address literal (RFC 5321 §4.1.3), which every server takes,
     * Postfix's {@code reject_non_fqdn_helo_hostname} and {@code reject_invalid_helo_hostname} included (a bare
     * {@code localhost} fails the first), and which says nothing about the machine. Angus's default is the
     * machine's host name, which servers reject from containers and which leaks the host's name.
     */
    public static final String EHLO_NAME = "[127.0.0.1]";

    private SmtpDriver() {
    }

    @Override
    public String storeName(Security security) {
        return security == Security.IMPLICIT_TLS ? "smtps" : "smtp";
    }

    /** A transport that signs in on {@code connect}, or fails: never connected without signing in. */
    @Override
    public Service newService(Session session, URLName url, Security security, boolean token) {
        return new SmtpSignIn(session, url, security == Security.IMPLICIT_TLS, token);
    }

    /**
     * The EHLO name, and Angus's own sign-in off: the transport signs in itself ({@link SmtpSignIn}), with
     * {@code PLAIN} or {@code LOGIN} for a password (never NTLM, CRAM-MD5 or DIGEST-MD5, nor the JDK's SASL) and
     * OAUTHBEARER or XOAUTH2 for a token.
     */
    @Override
    public void configure(Properties properties, String prefix) {
        properties.setProperty(prefix + "localhost", EHLO_NAME);
        properties.setProperty(prefix + "ehlo", "true");
        properties.setProperty(prefix + "auth", "false");
        properties.setProperty(prefix + "sasl.enable", "false");
        properties.setProperty(prefix + "auth.mechanisms", "PLAIN LOGIN");
        properties.setProperty(prefix + "auth.ntlm.disable", "true");
        properties.setProperty(prefix + "quitwait", "true");
    }

    /** {@code AUTH}: every credential of a sign-in follows it. */
    @Override
    public boolean carriesCredentials(String head) {
        return head.startsWith("AUTH ") || head.equals("AUTH");
    }

    /** The transport reads the {@code EHLO} answer after STARTTLS afresh: nothing before it is kept. */
    @Override
    public InputStream beforeTls(InputStream in) {
        return in;
    }

    /** {@code AUTH} with OAuth2 mechanisms and nothing else. */
    @Override
    public Optional<String> oauthOnly(Advertised overTls) {
        return OAuthSasl.onlyOAuth(overTls.saslMechanisms()) ? overTls.argument("AUTH").map(words -> "AUTH " + words) : Optional.empty();
    }

    @Override
    public boolean isTls(Service service) {
        return service instanceof SMTPTransport && ((SMTPTransport) service).isSSL();
    }

    @Override
    public String startTlsCommand() {
        return "STARTTLS";
    }

    /** Angus's words for a server without STARTTLS on a candidate that requires it. */
    @Override
    public Optional<String> knownFailure(String failureMessage) {
        return failureMessage.startsWith("STARTTLS is required but host does not support STARTTLS")
                ? Optional.of("it does not offer STARTTLS") : Optional.empty();
    }
}
