package org.mailintegrator.discovery;

import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.spi.DiscoveryContext;
import org.mailintegrator.core.spi.HostResolver;

/** Builds the {@link Query} a source is asked in tests. Stateless. */
final class Queries {
    private Queries() {
    }

    /** A query for {@code alice@<domain>} with the given resolver and timeout. */
    static Query of(String domain, HostResolver resolver, Duration timeout) {
        MailAccount account = MailAccount.builder("alice@" + domain).password("test-secret").build();
        try {
            return new Query(domain, account, DiscoveryContext.of(SSLContext.getDefault(), resolver), timeout);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no default TLS context", e);
        }
    }

    /** A query whose resolver resolves nothing. */
    static Query of(String domain, Duration timeout) {
        return of(domain, host -> {
            throw new java.net.UnknownHostException(host);
        }, timeout);
    }
}
