package org.mailintegrator.core.jakarta;

import jakarta.mail.MessagingException;
import jakarta.mail.Service;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import java.io.IOException;
import java.util.Objects;
import java.util.Properties;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.internal.CoreAccess;
import org.mailintegrator.core.internal.Credentials;
import org.mailintegrator.core.internal.protocol.ProtocolDriver;

/**
 * The way from an integration to Jakarta Mail: a connected {@link Store} (or, for a submission server, a signed-in
 * {@link Transport}) for the candidate that was selected, or the session properties an application needs to build its own session. The only exported package whose API
 * holds Jakarta Mail types. Stateless and thread-safe.
 *
 * <pre>{@code
 * IntegrationResult result = integrator.integrate(account);
 * try (Store store = JakartaMail.openStore(integrator, account, result)) {
 *     Folder inbox = store.getFolder("INBOX");
 * }
 * }</pre>
 */
public final class JakartaMail {
    private JakartaMail() {
    }

    /**
     * Opens the mailbox of {@code account} through {@code candidate} with the settings {@code integrator} uses
     * (timeouts, TLS context, STARTTLS required where the candidate says so): a connected store that the caller
     * must close.
     *
     * @throws IllegalArgumentException if the candidate is not an incoming one (IMAP, POP3)
     * @throws MessagingException if the server does not accept the connection now
     */
    public static Store openStore(Integrator integrator, MailAccount account, ProtocolCandidate candidate)
            throws MessagingException {
        Objects.requireNonNull(candidate, "candidate");
        if (!candidate.protocol().isIncoming()) {
            throw new IllegalArgumentException(candidate + " sends mail: open it with openTransport");
        }
        return (Store) open(integrator, account, candidate);
    }

    /**
     * Opens the mailbox through the candidate that {@code result} selected.
     *
     * @throws IllegalArgumentException if the result selected nothing or an SMTP candidate, or is for another account
     * @throws MessagingException if the server does not accept the connection now
     */
    public static Store openStore(Integrator integrator, MailAccount account, IntegrationResult result)
            throws MessagingException {
        return openStore(integrator, account, selected(account, result));
    }

    /**
     * Opens the submission server that {@code result} selected ({@code Policies.submission()}): a {@link Transport}
     * connected and signed in with the account's password or access token, with every setting {@code integrator}
     * uses (timeouts, TLS context, {@code starttls.required} where the candidate says STARTTLS, the neutral EHLO name
     * {@code [127.0.0.1]}, {@code AUTH PLAIN} or {@code LOGIN} for a password, {@code OAUTHBEARER} or {@code XOAUTH2}
     * for a token). Send with {@link Transport#sendMessage}; the caller closes it. A server that offers no
     * {@code AUTH} fails here rather than at the first message.
     *
     * <pre>{@code
     * try (Transport transport = JakartaMail.openTransport(integrator, account, result)) {
     *     transport.sendMessage(message, message.getAllRecipients());
     * }
     * }</pre>
     *
     * @throws IllegalArgumentException if the result selected nothing or an incoming candidate, or is for another
     *     account
     * @throws MessagingException if the server does not accept the connection or the credentials now
     */
    public static Transport openTransport(Integrator integrator, MailAccount account, IntegrationResult result)
            throws MessagingException {
        ProtocolCandidate selected = selected(account, result);
        if (selected.protocol().isIncoming()) {
            throw new IllegalArgumentException("the result selected " + selected
                    + ", which reads mail: integrate with a submission policy (Policies.submission()) to send");
        }
        return (Transport) open(integrator, account, selected);
    }

    private static ProtocolCandidate selected(MailAccount account, IntegrationResult result) {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(result, "result");
        if (!result.emailAddress().equals(account.emailAddress())) {
            throw new IllegalArgumentException("the result is for " + result.emailAddress() + ", not for "
                    + account.emailAddress());
        }
        return result.selected().orElseThrow(() -> new IllegalArgumentException(
                "the result selected no candidate: " + account.emailAddress() + " was not integrated"));
    }

    private static Service open(Integrator integrator, MailAccount account, ProtocolCandidate candidate)
            throws MessagingException {
        Objects.requireNonNull(integrator, "integrator");
        Objects.requireNonNull(account, "account");
        Credentials credentials;
        try {
            credentials = CoreAccess.get().credentials(account);
        } catch (IOException e) {
            throw new MessagingException("no access token for " + account.emailAddress() + ": " + e.getMessage(), e);
        }
        Service service = CoreAccess.get().sessions(integrator).newService(candidate, credentials.username(),
                credentials.isToken());
        service.connect(candidate.host(), candidate.port(), credentials.username(), credentials.secret());
        if (credentials.isToken()) {
            try {
                ProtocolDriver.of(candidate.protocol()).confirmTokenLogin(service);
            } catch (MessagingException e) {
                service.close();
                throw e;
            }
        }
        return service;
    }

    /**
     * The Jakarta Mail session properties {@code integrator} uses for {@code candidate}: protocol, host, port,
     * timeouts, TLS settings and the TLS socket factory (an object value). No credential is among them.
     */
    public static Properties sessionProperties(Integrator integrator, ProtocolCandidate candidate) {
        Objects.requireNonNull(integrator, "integrator");
        return CoreAccess.get().sessions(integrator).properties(Objects.requireNonNull(candidate, "candidate"));
    }
}
