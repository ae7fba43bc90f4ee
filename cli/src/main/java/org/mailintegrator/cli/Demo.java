package org.mailintegrator.cli;

import org.mailintegrator.core.IntegrationListener;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.strategies.Policies;
import org.mailintegrator.testkit.MailServerFixture;
import org.mailintegrator.testkit.Service;

/**
 * {@code --demo}: an embedded server for {@value #ADDRESS} with its IMAP service stopped, integrated with
 * BlackBerry's order, which falls through to POP over TLS. No network beyond loopback.
 */
final class Demo {
    static final String ADDRESS = "alice@example.com";
    private static final String PASSWORD = "demo-password";

    private Demo() {
    }

    static int run(Report report, IntegrationListener listener) {
        try (MailServerFixture server = MailServerFixture.builder()
                .user(ADDRESS, PASSWORD)
                .stopped(Service.IMAP, Service.IMAPS)
                .start()) {
            report.say("Demo: an embedded mail server for " + ADDRESS + " runs on " + server.host() + " with its IMAP "
                    + "service stopped, as an administrator who wants POP would do.");
            report.say("BlackBerry's order tries IMAP over TLS first; that connection is refused, so it falls through "
                    + "to POP over TLS.");
            report.say("The standard ports are mapped to the server's free ports: 993 -> " + server.port(Service.IMAPS)
                    + ", 995 -> " + server.port(Service.POP3S) + ", 143 -> " + server.port(Service.IMAP) + ", 110 -> "
                    + server.port(Service.POP3) + ".");
            report.say("");
            Integrator integrator = Integrator.builder()
                    .policy(server.route(Policies.blackBerry()))
                    .sslContext(server.clientSslContext())
                    .listener(listener)
                    .build();
            return report.print(integrator.integrate(server.account(ADDRESS)));
        }
    }
}
