package org.mailintegrator.examples;

import static org.mailintegrator.core.MailProtocol.IMAP;
import static org.mailintegrator.core.Security.IMPLICIT_TLS;
import static org.mailintegrator.core.Security.STARTTLS;

import java.io.PrintStream;
import java.util.List;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.PreferencePolicy;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.testkit.MailServerFixture;

/**
 * A preference policy of your own, written as a lambda: IMAP only, and never in cleartext. It tries IMAP over
 * TLS on port 993, then IMAP on port 143 upgraded with STARTTLS; a server that does not offer the upgrade never
 * sees the password. The program runs it against an embedded mail server and prints the result.
 */
public final class CustomPolicyExample {
    /** IMAP only, secure first: IMAP/IMPLICIT_TLS on 993, then IMAP/STARTTLS on 143. */
    static final PreferencePolicy IMAP_ONLY_SECURE = account -> List.of(
            ProtocolCandidate.of(IMAP, IMPLICIT_TLS, account.host(IMAP), 993),
            ProtocolCandidate.of(IMAP, STARTTLS, account.host(IMAP), 143));

    private CustomPolicyExample() {
    }

    /** Runs the example; it needs no network. */
    public static void main(String[] args) {
        run(System.out);
    }

    /** Integrates a demo account with {@link #IMAP_ONLY_SECURE} on an embedded server, and prints the result. */
    static IntegrationResult run(PrintStream out) {
        try (MailServerFixture server = MailServerFixture.builder().user("bob@example.com", "demo-password").start()) {
            Integrator integrator = Integrator.builder()
                    .policy(server.route(IMAP_ONLY_SECURE))      // 993 and 143 -> the embedded server's ports
                    .sslContext(server.clientSslContext())      // trust the embedded server's test certificate
                    .build();

            IntegrationResult result = integrator.integrate(server.account("bob@example.com"));

            out.println(result);
            return result;
        }
    }
}
