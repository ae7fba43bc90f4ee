package org.mailintegrator.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailintegrator.testkit.MailIntegratorAssertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.Explanation;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.PreferencePolicy;
import org.mailintegrator.strategies.Policies;
import org.mailintegrator.testkit.Fault;
import org.mailintegrator.testkit.MailServerExtension;
import org.mailintegrator.testkit.MailServerFixture;
import org.mailintegrator.testkit.Routing;
import org.mailintegrator.testkit.Service;

/**
 * {@link IntegrationResult#explain()} for each situation of BlackBerry's KB14351, against real servers: the text a
 * help-desk person would send as it is, checked whole.
 */
@Timeout(value = 30, threadMode = ThreadMode.SEPARATE_THREAD)
class ExplainTest {
    private static final String ADDRESS = "alice@example.com";

    @RegisterExtension
    static final MailServerExtension server = MailServerExtension.with(
            MailServerFixture.builder().user(ADDRESS, "secret"));

    private static IntegrationResult integrate(MailAccount account) {
        return Integrator.builder().policy(server.get().route(Policies.blackBerry()))
                .sslContext(server.get().clientSslContext())
                .connectTimeout(Duration.ofSeconds(1)).readTimeout(Duration.ofSeconds(1))
                .build().integrate(account);
    }

    private static String at(Service service) {
        return server.get().host() + ":" + server.get().port(service);
    }

    @Test
    void imapStopped() {
        server.get().stop(Service.IMAPS);
        server.get().stop(Service.IMAP);

        IntegrationResult result = integrate(server.get().account(ADDRESS));

        assertThat(result.explain()).isEqualTo(ADDRESS + " is set up with POP3 over TLS (" + at(Service.POP3S) + ").\n"
                + "IMAP over TLS (" + at(Service.IMAPS) + ") was not used: the server refused the connection, so the "
                + "service is stopped or its port is closed.\n"
                + "What can be done:\n"
                + "- The administrator starts IMAP on " + server.get().host() + " (port "
                + server.get().port(Service.IMAPS) + ") or opens it; then integrate again.");
    }

    @Test
    void imapBlockedByAFirewall() {
        server.get().fault(Service.IMAPS, Fault.DROP);

        IntegrationResult result = integrate(server.get().account(ADDRESS));

        assertThat(result.explain()).isEqualTo(ADDRESS + " is set up with POP3 over TLS (" + at(Service.POP3S) + ").\n"
                + "IMAP over TLS (" + at(Service.IMAPS) + ") was not used: the connection was never answered, so a "
                + "firewall drops it or the host is down.\n"
                + "What can be done:\n"
                + "- The administrator lets port " + server.get().port(Service.IMAPS) + " of " + server.get().host()
                + " through the firewall; then integrate again.");
        Explanation explanation = result.explanation();
        assertThat(explanation.reasons()).extracting(Explanation.Reason::cause)
                .containsExactly(Explanation.Cause.BLOCKED);
        assertThat(explanation.entries().get(0).cause()).isEqualTo(Explanation.Cause.BLOCKED);
        assertThat(explanation.entries().get(1).cause()).isEqualTo(Explanation.Cause.AUTHENTICATED);
    }

    @Test
    void popOnItsOwnHost() {
        server.get().stop(Service.IMAPS);
        server.get().stop(Service.IMAP);
        try (MailServerFixture popHost = MailServerFixture.builder().host("127.0.0.2")
                .certificates(server.get().certificates().withServerNames("127.0.0.2"))
                .user(ADDRESS, "secret").start()) {
            MailAccount account = MailAccount.builder(ADDRESS).password("secret")
                    .host(MailProtocol.POP3, "pop.example.com").build();
            PreferencePolicy policy = Routing.host("example.com", server.get())
                    .andHost("pop.example.com", popHost).apply(Policies.blackBerry());

            IntegrationResult result = Integrator.builder().policy(policy)
                    .sslContext(server.get().clientSslContext()).build().integrate(account);

            assertThat(result.explain()).isEqualTo(ADDRESS + " is set up with POP3 over TLS (127.0.0.2:"
                    + popHost.port(Service.POP3S) + ").\n"
                    + "IMAP over TLS (" + at(Service.IMAPS) + ") was not used: the server refused the connection, so "
                    + "the service is stopped or its port is closed.\n"
                    + "What can be done:\n"
                    + "- The administrator starts IMAP on " + server.get().host() + " (port "
                    + server.get().port(Service.IMAPS) + ") or opens it; then integrate again.");
        }
    }

    @Test
    void noTls() {
        server.get().stop(Service.IMAPS);
        server.get().stop(Service.POP3S);

        IntegrationResult result = integrate(server.get().account(ADDRESS));

        assertThat(result.explain()).isEqualTo(ADDRESS + " is set up with IMAP without TLS (" + at(Service.IMAP)
                + "): the password travels unprotected.\n"
                + "IMAP over TLS (" + at(Service.IMAPS) + ") and POP3 over TLS (" + at(Service.POP3S) + ") were not "
                + "used: the server refused the connection, so the service is stopped or its port is closed.\n"
                + "What can be done:\n"
                + "- The administrator starts IMAP on " + server.get().host() + " (port "
                + server.get().port(Service.IMAPS) + ") or opens it; then integrate again.\n"
                + "- The administrator starts POP3 on " + server.get().host() + " (port "
                + server.get().port(Service.POP3S) + ") or opens it; then integrate again.");
    }

    @Test
    void wrongPassword() {
        MailAccount wrong = MailAccount.builder(ADDRESS).password("not-secret").host(server.get().host()).build();

        IntegrationResult result = integrate(wrong);

        assertThat(result.explain()).isEqualTo(ADDRESS + " could not be set up: none of the 4 ways to reach the "
                + "mailbox worked.\n"
                + "IMAP over TLS (" + at(Service.IMAPS) + "), POP3 over TLS (" + at(Service.POP3S) + "), IMAP without "
                + "TLS (" + at(Service.IMAP) + ") and POP3 without TLS (" + at(Service.POP3) + "): the server rejected "
                + "the password.\n"
                + "What can be done:\n"
                + "- The user checks the password (by signing in to webmail with it, for example) and integrates "
                + "again.");
    }

    @Test
    void theSavedFormRoundTripsAndHoldsNoSecret() {
        server.get().stop(Service.IMAPS);
        IntegrationResult result = integrate(server.get().account(ADDRESS));

        String json = result.toJson();
        IntegrationResult read = IntegrationResult.fromJson(json);

        // times are kept to the millisecond
        assertThat(read.toJson()).isEqualTo(json);
        assertThat(read.selected()).isEqualTo(result.selected());
        assertThat(read.attempts()).extracting(Attempt::candidate, Attempt::outcome, Attempt::phase, Attempt::detail,
                Attempt::address).isEqualTo(result.attempts().stream().map(attempt -> org.assertj.core.groups.Tuple
                        .tuple(attempt.candidate(), attempt.outcome(), attempt.phase(), attempt.detail(),
                                attempt.address())).toList());
        assertThat(read.explain()).isEqualTo(result.explain());
        assertThat(json).startsWith("{\"format\":\"mailintegrator.result\",\"version\":1,")
                .contains("\"cause\":\"REFUSED\"", "\"remedy\":\"The administrator starts IMAP on ")
                .doesNotContain("secret");
    }
}
