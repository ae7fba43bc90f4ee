package org.mailintegrator.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;

/**
 * A password sent without TLS is logged at WARN under the documented, stable logger name
 * {@code org.mailintegrator.core.Integrator.cleartext}, so a logging configuration names no internal package.
 */
@Timeout(value = 30, threadMode = ThreadMode.SEPARATE_THREAD)
class CleartextWarningTest {
    private static final String ADDRESS = "alice@example.com";
    private static final String PASSWORD = "cleartext-Secret";
    private static final String LOGGER = " WARN org.mailintegrator.core.Integrator.cleartext - ";

    @Test
    void aCleartextLoginIsWarnedUnderTheStableLoggerNameWithoutThePassword() throws Exception {
        try (MailServerFixture server = MailServerFixture.builder().user(ADDRESS, PASSWORD).start()) {
            ProtocolCandidate imap = ProtocolCandidate.of(MailProtocol.IMAP, Security.NONE, server.host(),
                    server.port(Service.IMAP));
            IntegrationResult result;
            try (StandardErrorCapture log = StandardErrorCapture.start(
                    event -> event.get(0).contains(LOGGER))) {
                result = Integrator.builder().policy(account -> List.of(imap)).build()
                        .integrate(server.account(ADDRESS));

                assertThat(log.awaitFlushed(text -> text.contains(LOGGER), Duration.ofSeconds(10)))
                        .as("logged so far:%n%s", log.text()).isTrue();
                assertThat(log.text()).contains(LOGGER + "Sending the credentials of " + ADDRESS + " in cleartext")
                        .doesNotContain(PASSWORD);
            }
            assertThat(result.selected()).contains(imap);
        }
    }
}
