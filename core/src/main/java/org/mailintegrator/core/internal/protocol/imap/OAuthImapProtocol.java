package org.mailintegrator.core.internal.protocol.imap;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.eclipse.angus.mail.iap.Argument;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;
import org.eclipse.angus.mail.util.MailLogger;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.internal.classify.OAuthNotOfferedException;
import org.mailintegrator.core.internal.classify.OAuthRequiredException;
import org.mailintegrator.core.internal.classify.PasswordLoginNotOfferedException;
import org.mailintegrator.core.internal.classify.TokenRejectedException;
import org.mailintegrator.core.internal.protocol.OAuthSasl;

/**
 * Angus Mail's IMAP protocol with the sign-in it lacks: {@code AUTHENTICATE OAUTHBEARER} or {@code XOAUTH2}, with
 * the initial response in the command when the server offers {@code SASL-IR}, and an error challenge answered as
 * the mechanism says (Angus answers it with the token again) and decoded. Not thread-safe beyond what
 * {@link IMAPProtocol} guarantees.
 */
final class OAuthImapProtocol extends IMAPProtocol {
    private static final byte[] CRLF = {'\r', '\n'};
    private volatile boolean signedIn;

    OAuthImapProtocol(String name, String host, int port, Properties props, boolean isSSL, MailLogger logger)
            throws IOException, ProtocolException {
        super(name, host, port, props, isSSL, logger);
    }

    @Override
    public boolean isAuthenticated() {
        return signedIn || super.isAuthenticated();
    }

    /**
     * Signs in with {@code token} through the preferred OAuth2 mechanism the server advertises.
     *
     * @throws OAuthNotOfferedException without sending anything, when it advertises none
     * @throws TokenRejectedException when the server refuses the token
     */
    synchronized void signIn(String user, String token, @Nullable String saslHost, int port)
            throws ProtocolException {
        String mechanism = OAuthSasl.choose(m -> hasCapability("AUTH=" + m)).orElseThrow(OAuthNotOfferedException::new);
        String initial = OAuthSasl.initialResponse(mechanism, user, token, saslHost, port);
        boolean inCommand = hasCapability("SASL-IR");
        List<Response> untagged = new ArrayList<>();
        OAuthSasl.ErrorStatus error = null;
        Response result;
        suspendTracing();
        try {
            Argument args = new Argument();
            args.writeAtom(mechanism);
            if (inCommand) {
                args.writeAtom(initial);
            }
            String tag = writeCommand("AUTHENTICATE", args);
            OutputStream out = getOutputStream();
            boolean sent = inCommand;
            while (true) {
                Response r = readResponse();
                if (r.isContinuation()) {
                    String reply;
                    if (!sent) {
                        reply = initial;
                        sent = true;
                    } else if (error == null) {
                        error = OAuthSasl.decodeError(r.getRest());
                        reply = OAuthSasl.errorReply(mechanism);
                    } else {
                        throw new ProtocolException("the server sent another challenge after its error");
                    }
                    out.write(reply.getBytes(StandardCharsets.US_ASCII));
                    out.write(CRLF);
                    out.flush();
                } else if (r.isTagged() && tag.equals(r.getTag()) || r.isBYE()) {
                    result = r;
                    break;
                } else {
                    untagged.add(r);
                }
            }
        } catch (IOException e) {
            throw new ProtocolException("AUTHENTICATE " + mechanism + ": " + e.getMessage(), e);
        } finally {
            resumeTracing();
        }
        handleCapabilityResponse(untagged.toArray(new Response[0]));
        if (result.isOK()) {
            setCapabilities(result);
            signedIn = true;
            return;
        }
        if (result.isNO()) {
            throw new TokenRejectedException(mechanism, result.getRest().strip(),
                    error == null ? null : error.status(), error == null ? null : error.scope());
        }
        handleResult(result);
        throw new ProtocolException("AUTHENTICATE " + mechanism + " failed: " + result);
    }

    /**
     * Stops before the password when what the server advertised offers no password login the library uses: when it
     * advertises {@code LOGINDISABLED}, which takes the {@code LOGIN} command away, and no {@code AUTH=PLAIN} or
     * {@code AUTH=LOGIN} (the only mechanisms Angus may use with a password here: {@link ImapDriver#configure}).
     * Over TLS, a server that offers only OAuth2 mechanisms wants a token; one that offers others (NTLM, GSSAPI)
     * has no login in common with the library. Without TLS, this is how a server says it takes no password before
     * TLS (RFC 9051 {@code LOGINDISABLED}; Dovecot and Cyrus advertise it so).
     *
     * @throws OAuthRequiredException over TLS, when the server offers only OAuth2
     * @throws PasswordLoginNotOfferedException otherwise, when no password login is offered
     */
    void requirePasswordLogin() throws ProtocolException {
        if (!hasCapability("LOGINDISABLED")) {
            return;
        }
        List<String> mechanisms = new ArrayList<>();
        for (String capability : getCapabilities().keySet()) {
            String upper = capability.toUpperCase(Locale.ROOT);
            if (upper.startsWith("AUTH=")) {
                mechanisms.add(upper.substring(5));
            }
        }
        mechanisms.sort(null);
        if (mechanisms.stream().anyMatch(ImapDriver.PASSWORD_MECHANISMS::contains)) {
            return;
        }
        boolean oauthOnly = !mechanisms.isEmpty() && mechanisms.stream()
                .allMatch(m -> m.equals(OAuthSasl.OAUTHBEARER) || m.equals(OAuthSasl.XOAUTH2));
        if (isSSL() && oauthOnly) {
            throw new OAuthRequiredException("AUTH=" + String.join(" AUTH=", mechanisms));
        }
        throw new PasswordLoginNotOfferedException("LOGINDISABLED"
                + (mechanisms.isEmpty() ? "" : " AUTH=" + String.join(" AUTH=", mechanisms)), isSSL());
    }
}
