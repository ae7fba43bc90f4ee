package org.mailintegrator.core.jakarta;

import jakarta.mail.MessagingException;
import jakarta.mail.Store;
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
 * The way from an integration to Jakarta Mail: a connected {@link Store} for the candidate that was selected, or
 * the session properties an application needs to build its own session. The only exported package whose API
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
     * @throws MessagingException if the server does not accept the connection now
     */
    public static Store openStore(Integrator integrator, MailAccount account, ProtocolCandidate candidate)
            throws MessagingException {
        Objects.requireNonNull(integrator, "integrator");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(candidate, "candidate");
        Credentials credentials;
        try {
            credentials = CoreAccess.get().credentials(account);
        } catch (IOException e) {
            throw new MessagingException("no access token for " + account.emailAddress() + ": " + e.getMessage(), e);
        }
        Store store = CoreAccess.get().sessions(integrator).newStore(candidate, credentials.username(),
                credentials.isToken());
        store.connect(candidate.host(), candidate.port(), credentials.username(), credentials.secret());
        if (credentials.isToken()) {
            try {
                ProtocolDriver.of(candidate.protocol()).confirmTokenLogin(store);
            } catch (MessagingException e) {
                store.close();
                throw e;
            }
        }
        return store;
    }

    /**
     * Opens the mailbox through the candidate that {@code result} selected.
     *
     * @throws IllegalArgumentException if the result selected nothing, or is for another account
     * @throws MessagingException if the server does not accept the connection now
     */
    public static Store openStore(Integrator integrator, MailAccount account, IntegrationResult result)
            throws MessagingException {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(result, "result");
        if (!result.emailAddress().equals(account.emailAddress())) {
            throw new IllegalArgumentException("the result is for " + result.emailAddress() + ", not for "
                    + account.emailAddress());
        }
        ProtocolCandidate selected = result.selected().orElseThrow(() -> new IllegalArgumentException(
                "the result selected no candidate: " + account.emailAddress() + " was not integrated"));
        return openStore(integrator, account, selected);
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
