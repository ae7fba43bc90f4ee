package org.mailintegrator.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mailintegrator.testkit.MailIntegratorAssertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.PreferencePolicy;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;

class RoutingTest {
    @RegisterExtension
    static final MailServerExtension server = MailServerExtension.with(
            MailServerFixture.builder().user("alice@example.com", "secret"));

    @Test
    void aNonStandardPortGoesToTheServiceThatSpeaksTheCandidatesProtocolAndSecurity() {
        PreferencePolicy popOn1995 = account -> List.of(
                ProtocolCandidate.of(MailProtocol.POP3, Security.IMPLICIT_TLS, account.host(MailProtocol.POP3), 1995));

        IntegrationResult result = Integrator.builder().policy(server.get().route(popOn1995))
                .sslContext(server.get().clientSslContext()).build().integrate(server.get().account("alice@example.com"));

        assertThat(result).hasSelected(ProtocolCandidate.of(MailProtocol.POP3,
                Security.IMPLICIT_TLS, server.get().host(), server.get().port(Service.POP3S)));
    }

    @Test
    void aCandidateOnAHostThatIsNotRoutedFailsLoudlyBeforeAnyConnection() {
        PreferencePolicy policy = Routing.host("example.com", server.get()).apply(account -> List.of(
                ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS, "imap.elsewhere.test", 993)));
        MailAccount account = MailAccount.builder("alice@example.com").password("secret").build();

        assertThatThrownBy(() -> Integrator.builder().policy(policy).build().integrate(account))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("imap.elsewhere.test")
                .hasMessageContaining("andHost(\"imap.elsewhere.test\", fixture)");
        assertThat(server.get().received()).as("nothing reached the server").isEmpty();
    }

    @Test
    void serviceSpeakingMapsEveryProtocolAndSecurity() {
        assertThat(Service.speaking(MailProtocol.IMAP, Security.IMPLICIT_TLS)).isEqualTo(Service.IMAPS);
        assertThat(Service.speaking(MailProtocol.IMAP, Security.STARTTLS)).isEqualTo(Service.IMAP);
        assertThat(Service.speaking(MailProtocol.IMAP, Security.NONE)).isEqualTo(Service.IMAP);
        assertThat(Service.speaking(MailProtocol.POP3, Security.IMPLICIT_TLS)).isEqualTo(Service.POP3S);
        assertThat(Service.speaking(MailProtocol.POP3, Security.STARTTLS)).isEqualTo(Service.POP3);
    }
}
