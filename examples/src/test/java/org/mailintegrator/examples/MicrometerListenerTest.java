package org.mailintegrator.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailintegrator.testkit.MailIntegratorAssertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.strategies.Policies;
import org.mailintegrator.testkit.MailServerExtension;
import org.mailintegrator.testkit.MailServerFixture;
import org.mailintegrator.testkit.Service;

class MicrometerListenerTest {
    @RegisterExtension
    static final MailServerExtension server = MailServerExtension.with(
            MailServerFixture.builder().user("alice@example.com", "secret"));

    @Test
    void countsIntegrationsAttemptsByOutcomeAndPhases() {
        server.get().stop(Service.IMAPS);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Integrator integrator = Integrator.builder().policy(server.get().route(Policies.blackBerry()))
                .sslContext(server.get().clientSslContext()).listener(new MicrometerListener(registry)).build();

        IntegrationResult result = integrator.integrate(server.get().account("alice@example.com"));

        assertThat(result).isIntegrated();
        assertThat(registry.get("mailintegrator.integrations").tag("integrated", "true").timer().count())
                .isEqualTo(1);
        assertThat(registry.get("mailintegrator.attempts").tag("outcome", "REFUSED").tag("protocol", "IMAP")
                .tag("phase", "CONNECT").timer().count()).isEqualTo(1);
        assertThat(registry.get("mailintegrator.attempts").tag("outcome", "AUTHENTICATED").tag("protocol", "POP3")
                .timer().count()).isEqualTo(1);
        assertThat(registry.get("mailintegrator.phases").tag("phase", "LOGIN").timer().count()).isEqualTo(1);
        assertThat(registry.get("mailintegrator.phases").tag("phase", "CONNECT").timer().count()).isEqualTo(2);
    }
}
