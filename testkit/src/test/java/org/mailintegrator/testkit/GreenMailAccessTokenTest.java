package org.mailintegrator.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailintegrator.testkit.MailIntegratorAssertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.ProtocolCandidate;

/**
 * An access token against GreenMail, which takes SASL XOAUTH2 on IMAP ({@code AUTHENTICATE}) and POP3
 * ({@code AUTH}) and checks the bearer token as the user's password.
 */
@Timeout(value = 20, threadMode = ThreadMode.SEPARATE_THREAD)
class GreenMailAccessTokenTest {
    private static final String ADDRESS = "alice@example.com";
    private static final String TOKEN = "ya29.greenmail-token-Lp55";

    @ParameterizedTest
    @EnumSource(Service.class)
    void theTokenSignsInThroughXoauth2(Service service) {
        try (MailServerFixture fixture = MailServerFixture.builder().user(ADDRESS, TOKEN).start()) {
            ProtocolCandidate candidate = ProtocolCandidate.of(service.protocol(), service.security(),
                    fixture.host(), fixture.port(service));
            Integrator integrator = Integrator.builder()
                    .policy(account -> List.of(candidate))
                    .sslContext(fixture.clientSslContext())
                    .connectTimeout(Duration.ofSeconds(2)).readTimeout(Duration.ofSeconds(2))
                    .build();
            MailAccount account = MailAccount.builder(ADDRESS).accessToken(TOKEN).host(fixture.host()).build();

            IntegrationResult result = integrator.integrate(account);

            assertThat(result).hasOutcomes(Outcome.AUTHENTICATED).hasNoDetailContaining(TOKEN);
            assertThat(fixture.received()).as("no LOGIN or USER/PASS")
                    .noneMatch(command -> command.line().toUpperCase(Locale.ROOT).matches(
                            "(\\S+ LOGIN|USER|PASS) .*"));
        }
    }
}
