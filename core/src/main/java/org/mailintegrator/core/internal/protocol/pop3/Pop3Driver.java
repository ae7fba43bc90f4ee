package org.mailintegrator.core.internal.protocol.pop3;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import jakarta.mail.Service;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.URLName;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.eclipse.angus.mail.pop3.POP3SSLStore;
import org.eclipse.angus.mail.pop3.POP3Store;
import org.mailintegrator.core.Security;
import org.mailintegrator.core.internal.classify.Advertised;
import org.mailintegrator.core.internal.protocol.OAuthSasl;
import org.mailintegrator.core.internal.protocol.ProtocolDriver;

/** POP3 (RFC 1939, STLS from RFC 2595) through Angus Mail's POP3 store. Stateless. */
public final class Pop3Driver implements ProtocolDriver {
    /** The one instance. */
    public static final Pop3Driver INSTANCE = new Pop3Driver();
    /** The SASL mechanisms that carry a password and that Angus Mail's POP3 store may use here. */
    private static final List<String> PASSWORD_SASL = List.of("PLAIN", "LOGIN");

    private Pop3Driver() {
    }

    @Override
    public String storeName(Security security) {
        return security == Security.IMPLICIT_TLS ? "pop3s" : "pop3";
    }

    /** For an application: Angus's store, which signs in with XOAUTH2 (the session's settings) for a token. */
    @Override
    public Service newService(Session session, URLName url, Security security, boolean token) {
        return security == Security.IMPLICIT_TLS ? new POP3SSLStore(session, url) : new POP3Store(session, url);
    }

    /** For an attempt: with a token, the library's own sign-in, which knows OAUTHBEARER and SASL error challenges. */
    @Override
    public Service newAttemptService(Session session, URLName url, Security security, boolean token) {
        return token ? new OAuthPop3Store(session, url, security == Security.IMPLICIT_TLS)
                : newService(session, url, security, false);
    }

    /**
     * Angus's store takes a SASL challenge ({@code "+ "}) for {@code +OK}: a rejected token, which large providers
     * report as a JSON error in a challenge, would pass as a login. {@code STAT} is allowed only after a login, so
     * it tells.
     */
    @Override
    public void confirmTokenLogin(Service service) throws MessagingException {
        Folder inbox = ((Store) service).getFolder("INBOX");
        try {
            inbox.open(Folder.READ_ONLY);
        } catch (MessagingException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            // the server's own words are in the innermost failure ("Open failed" around "STAT command failed: ...")
            throw new AuthenticationFailedException("the server did not confirm the access token: "
                    + root.getMessage(), e);
        }
        inbox.close(false);
    }

    /**
     * With a password, Angus signs in with {@code USER}/{@code PASS} (its {@code LOGIN}, which it takes every POP3
     * server to support) or SASL {@code PLAIN}, never {@code NTLM} nor {@code APOP} (an MD5 of a challenge and the
     * password, open to an offline dictionary attack when captured). An explicit list also keeps XOAUTH2 out; an
     * account with a token replaces it.
     */
    @Override
    public void configure(Properties properties, String prefix) {
        properties.setProperty(prefix + "auth.mechanisms", "LOGIN PLAIN");
        properties.setProperty(prefix + "auth.ntlm.disable", "true");
        properties.setProperty(prefix + "apop.enable", "false");
    }

    /** {@code USER}, {@code PASS}, {@code APOP} and {@code AUTH}. */
    @Override
    public boolean carriesCredentials(String head) {
        return head.startsWith("USER ") || head.startsWith("PASS ") || head.startsWith("APOP ")
                || head.startsWith("AUTH ");
    }

    /** Drops a PIPELINING capability seen before STLS, which Angus would otherwise trust after it. */
    @Override
    public InputStream beforeTls(InputStream in) {
        return new PreTlsCapabilityFilter(in);
    }

    @Override
    public InputStream tap(InputStream in, Listener listener) {
        return new Pop3ResponseTap(in, listener);
    }

    /**
     * {@code SASL XOAUTH2 OAUTHBEARER} and nothing else: Dovecot, for one, still lists {@code USER} then, but takes
     * {@code USER}/{@code PASS} through the PLAIN mechanism it does not offer.
     */
    @Override
    public Optional<String> oauthOnly(Advertised overTls) {
        return OAuthSasl.onlyOAuth(overTls.saslMechanisms()) ? overTls.argument("SASL").map(words -> "SASL " + words) : Optional.empty();
    }

    /**
     * A {@code CAPA} that offers {@code STLS} but neither {@code USER} nor SASL {@code PLAIN} or {@code LOGIN}: how
     * Cyrus ({@code allowplaintext: no}) and Dovecot ({@code disable_plaintext_auth}) say, before TLS, that they take
     * no password without it. RFC 2449 lists {@code USER} for servers that take it; a server that says nothing
     * ({@code CAPA} refused or empty) is not judged.
     */
    @Override
    public Optional<String> passwordLoginRefused(Advertised cleartext) {
        if (!cleartext.known() || !cleartext.has("STLS") || cleartext.has("USER")
                || cleartext.saslMechanisms().stream().anyMatch(PASSWORD_SASL::contains)) {
            return Optional.empty();
        }
        List<String> mechanisms = cleartext.saslMechanisms();
        return Optional.of("STLS, no USER, " + (mechanisms.isEmpty() ? "no SASL mechanism"
                : "SASL " + String.join(" ", mechanisms)));
    }

    @Override
    public boolean isTls(Service store) {
        return store instanceof POP3Store && ((POP3Store) store).isSSL()
                || store instanceof OAuthPop3Store && ((OAuthPop3Store) store).isTls();
    }

    @Override
    public String startTlsCommand() {
        return "STLS";
    }

    /** Angus reports a greeting other than {@code +OK} as "Connect failed". */
    @Override
    public Optional<String> knownFailure(String failureMessage) {
        return "Connect failed".equals(failureMessage) ? Optional.of("its greeting was not \"+OK\"")
                : Optional.empty();
    }
}
