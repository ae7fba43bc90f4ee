package org.mailintegrator.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mailintegrator.testkit.MailIntegratorAssertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.Security;
import org.mailintegrator.core.UpgradeCheck;
import org.mailintegrator.strategies.Policies;
import org.mailintegrator.testkit.MailServerExtension;
import org.mailintegrator.testkit.MailServerFixture;
import org.mailintegrator.testkit.ReceivedCommand;
import org.mailintegrator.testkit.Service;

/**
 * The remember and upgrade cycle of KB14351's example: an administrator stops IMAP, the account moves to POP, the
 * result is saved and given back, and when IMAP is back the application finds out without disturbing POP.
 */
@Timeout(value = 60, threadMode = ThreadMode.SEPARATE_THREAD)
class RememberTest {
    private static final String ADDRESS = "alice@example.com";

    @RegisterExtension
    static final MailServerExtension server = MailServerExtension.with(
            MailServerFixture.builder().user(ADDRESS, "secret"));

    private final Integrator integrator = Integrator.builder().policy(server.get().route(Policies.blackBerry()))
            .sslContext(server.get().clientSslContext())
            .connectTimeout(Duration.ofSeconds(1)).readTimeout(Duration.ofSeconds(1))
            .build();

    private static long logins(Service service) {
        return server.get().received(service).stream().map(ReceivedCommand::line)
                .filter(line -> line.toUpperCase(Locale.ROOT).matches("(\\S+ LOGIN|PASS|\\S+ AUTHENTICATE|AUTH) .*"))
                .count();
    }

    private static long connectionsTo(Service service) {
        return server.get().received(service).stream().map(ReceivedCommand::line)
                .filter(line -> line.toUpperCase(Locale.ROOT).matches("(\\S+ )?CAPA(BILITY)?")).count();
    }

    @Test
    void imapGoesAwayAndComesBack() {
        MailAccount account = server.get().account(ADDRESS);
        IntegrationResult first = integrator.integrate(account);
        assertThat(first).hasSelected(MailProtocol.IMAP, Security.IMPLICIT_TLS);

        // nothing changed: the remembered IMAP is tried alone, one login, nothing else contacted
        String saved = first.toJson();
        List<Service> others = List.of(Service.POP3S, Service.IMAP, Service.POP3);
        long imapsLogins = logins(Service.IMAPS);
        List<Integer> othersBefore = others.stream().map(service -> server.get().received(service).size()).toList();
        IntegrationResult again = integrator.integrate(account, IntegrationResult.fromJson(saved));
        assertThat(again).hasSelected(MailProtocol.IMAP, Security.IMPLICIT_TLS).hasOutcomes(Outcome.AUTHENTICATED);
        assertThat(logins(Service.IMAPS)).isEqualTo(imapsLogins + 1);
        assertThat(others.stream().map(service -> server.get().received(service).size()).toList())
                .as("nothing sent to the other services").isEqualTo(othersBefore);

        // the administrator stops IMAP: the remembered candidate fails, the chain is walked, POP3 over TLS wins
        server.get().stop(Service.IMAPS);
        server.get().stop(Service.IMAP);
        IntegrationResult moved = integrator.integrate(account, again);
        assertThat(moved).hasSelected(MailProtocol.POP3, Security.IMPLICIT_TLS);
        assertThat(moved.explain()).contains("IMAP over TLS", "the server refused the connection");

        // asking whether IMAP is back, while it is not: only IMAP over TLS is tried, POP is left alone
        long popLogins = logins(Service.POP3S);
        long popConnections = connectionsTo(Service.POP3S);
        UpgradeCheck notYet = integrator.checkUpgrade(account, IntegrationResult.fromJson(moved.toJson()));
        assertThat(notYet.isUpgrade()).isFalse();
        assertThat(notYet.tried()).hasOutcomes(Outcome.REFUSED);
        assertThat(notYet.summary()).isEqualTo(ADDRESS + ": no change; none of the 1 more preferred candidates "
                + "works yet, so " + moved.selected().get() + " stays.");
        assertThat(logins(Service.POP3S)).isEqualTo(popLogins);
        assertThat(connectionsTo(Service.POP3S)).isEqualTo(popConnections);

        // IMAP is back: the check says so, and its result is the account's new one
        server.get().start(Service.IMAPS);
        server.get().start(Service.IMAP);
        UpgradeCheck back = integrator.checkUpgrade(account, moved);
        assertThat(back.isUpgrade()).isTrue();
        assertThat(back.upgrade()).isEqualTo(first.selected());
        assertThat(back.current()).isEqualTo(moved.selected());
        assertThat(back.summary()).startsWith(ADDRESS + ": " + first.selected().get() + " works now and is "
                + "preferred to " + moved.selected().get());
        assertThat(logins(Service.POP3S)).isEqualTo(popLogins);
        assertThat(integrator.checkUpgrade(account, back.tried()).summary())
                .endsWith("is already the most preferred candidate; there is nothing to check.");
    }

    @Test
    void aResultForAnotherAddressIsRefusedBeforeAnyConnection() {
        IntegrationResult bobs = IntegrationResult.of("bob@example.com", List.of(), Duration.ZERO);
        MailAccount account = server.get().account(ADDRESS);

        assertThatThrownBy(() -> integrator.integrate(account, bobs)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the previous result is for bob@example.com, not for " + ADDRESS);
        assertThatThrownBy(() -> integrator.checkUpgrade(account, bobs)).isInstanceOf(IllegalArgumentException.class);
        assertThat(server.get().received()).isEmpty();
    }
}
