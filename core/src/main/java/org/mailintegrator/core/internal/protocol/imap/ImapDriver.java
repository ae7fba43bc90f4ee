package org.mailintegrator.core.internal.protocol.imap;

import jakarta.mail.Session;
import jakarta.mail.Service;
import jakarta.mail.URLName;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.mailintegrator.core.Security;
import org.mailintegrator.core.internal.protocol.ProtocolDriver;

/** IMAP (RFC 9051) through Angus Mail's IMAP store. Stateless. */
public final class ImapDriver implements ProtocolDriver {
    /** The one instance. */
    public static final ImapDriver INSTANCE = new ImapDriver();
    /** The SASL mechanisms Angus Mail may use with a password, in its order of preference. */
    static final List<String> PASSWORD_MECHANISMS = List.of("PLAIN", "LOGIN");

    private ImapDriver() {
    }

    @Override
    public String storeName(Security security) {
        return security == Security.IMPLICIT_TLS ? "imaps" : "imap";
    }

    @Override
    public Service newService(Session session, URLName url, Security security, boolean token) {
        return new GuardedImapStore(session, url, storeName(security), security == Security.IMPLICIT_TLS, token);
    }

    /**
     * With a password, Angus signs in with {@code AUTHENTICATE PLAIN} or {@code AUTHENTICATE LOGIN} when the server
     * advertises them, else with the {@code LOGIN} command unless it advertises {@code LOGINDISABLED}; never
     * {@code NTLM}, and never SASL through the JDK ({@code CRAM-MD5}, {@code DIGEST-MD5}, {@code GSSAPI}, the JDK's
     * NTLM). An explicit list also keeps XOAUTH2 out; an account with a token replaces it.
     */
    @Override
    public void configure(Properties properties, String prefix) {
        // a LOGIN referral would send the client, and its credentials, to another server
        properties.setProperty(prefix + "referralexception", "false");
        properties.setProperty(prefix + "auth.mechanisms", String.join(" ", PASSWORD_MECHANISMS));
        properties.setProperty(prefix + "auth.ntlm.disable", "true");
        properties.setProperty(prefix + "sasl.enable", "false");
    }

    /** {@code <tag> LOGIN} and {@code <tag> AUTHENTICATE}. */
    @Override
    public boolean carriesCredentials(String head) {
        int space = head.indexOf(' ');
        if (space < 0) {
            return false;
        }
        String command = head.substring(space + 1);
        return command.startsWith("LOGIN ") || command.startsWith("AUTHENTICATE ");
    }

    /** Angus reads the capabilities again after STARTTLS, so nothing needs filtering. */
    @Override
    public InputStream beforeTls(InputStream in) {
        return in;
    }

    @Override
    public boolean isTls(Service store) {
        return store instanceof IMAPStore && ((IMAPStore) store).isSSL();
    }

    @Override
    public String startTlsCommand() {
        return "STARTTLS";
    }

    @Override
    public Optional<String> knownFailure(String failureMessage) {
        return Optional.empty();
    }
}
