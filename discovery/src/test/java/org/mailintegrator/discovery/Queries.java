package org.mailintegrator.discovery;

import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.spi.DiscoveryContext;
import org.mailintegrator.core.spi.HostResolver;

/** Builds the {@link Query} a source is asked in tests. Stateless. */
final class Queries {
    private Queries() {
    }

    /** A query for {@code alice@<domain>}'s incoming servers with the given resolver and timeout. */
    static Query of(String domain, HostResolver resolver, Duration timeout) {
        return of(domain, resolver, timeout, Set.of(MailProtocol.IMAP, MailProtocol.POP3));
    }

    /** A query for {@code alice@<domain>}'s servers of {@code protocols} with the given resolver and timeout. */
    static Query of(String domain, HostResolver resolver, Duration timeout, Set<MailProtocol> protocols) {
        MailAccount account = MailAccount.builder("alice@" + domain).password("test-secret").build();
        try {
            return new Query(domain, account, DiscoveryContext.of(SSLContext.getDefault(), resolver)
                    .withProtocols(protocols), timeout);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no default TLS context", e);
        }
    }

    /** A query for the incoming servers whose resolver resolves nothing. */
    static Query of(String domain, Duration timeout) {
        return of(domain, NOTHING, timeout);
    }

    /** A query for the servers of {@code protocols} whose resolver resolves nothing. */
    static Query of(String domain, Duration timeout, Set<MailProtocol> protocols) {
        return of(domain, NOTHING, timeout, protocols);
    }

    private static final HostResolver NOTHING = host -> {
        throw new java.net.UnknownHostException(host);
    };
}
