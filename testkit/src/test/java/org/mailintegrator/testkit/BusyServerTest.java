package org.mailintegrator.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailintegrator.testkit.MailIntegratorAssertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.Phase;
import org.mailintegrator.core.Security;

/**
 * A server that says it cannot serve now (too many connections, a locked mailbox) is busy, not broken and not a
 * wrong password: it is retried with backoff, it is never silently walked past, and while it is retried no less
 * preferred candidate gets the password.
 */
@Timeout(value = 30, threadMode = ThreadMode.SEPARATE_THREAD)
class BusyServerTest {
    private static final String ADDRESS = "alice@example.com";
    private static final String PASSWORD = "correct-horse-battery";

    @ParameterizedTest
    @EnumSource(value = Service.class, names = {"IMAP", "POP3"})
    void aServerThatIsBusyForAWhileIsRetriedAndSelected(Service service) {
        try (HostileMailServer busy = start(service, HostileBehaviour.BUSY_TWICE);
                HostileMailServer lower = start(Service.POP3, HostileBehaviour.HONEST)) {
            IntegrationResult result = integrator(busy, lower, Duration.ofSeconds(10)).integrate(busy.account(ADDRESS));

            assertThat(result).hasSelected(busy.candidate(Security.NONE));
            assertThat(busy.logins()).as("logins the busy server answered").isEqualTo(3);
            assertThat(result.busyBeforeSelected()).isEmpty();
            assertThat(lower.logins()).as("the less preferred server got no password").isZero();
            assertThat(lower.receivedInCleartext(PASSWORD)).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Service.class, names = {"IMAP", "POP3"})
    void aServerThatStaysBusyIsWalkedPastOnlyAfterItsRetriesAndTheResultSaysSo(Service service) {
        try (HostileMailServer busy = start(service, HostileBehaviour.BUSY);
                HostileMailServer lower = start(Service.POP3, HostileBehaviour.HONEST)) {
            // tries at 0, after 250 ms, after 500 ms more; the next wait (1 s) would end past the window
            Duration window = Duration.ofMillis(1750);
            IntegrationResult result = integrator(busy, lower, window).integrate(busy.account(ADDRESS));

            Attempt first = result.attempts().get(0);
            assertThat(first).as(result.toString()).hasOutcome(Outcome.BUSY);
            assertThat(first.phase()).isEqualTo(Phase.LOGIN);
            assertThat(first.detail()).contains("cannot serve this account now").doesNotContain(PASSWORD);
            assertThat(first.elapsed()).as("waited 250 ms, then 500 ms").isGreaterThanOrEqualTo(Duration.ofMillis(750));
            assertThat(busy.logins()).as("retries with backoff: 250 ms, 500 ms").isEqualTo(3);
            assertThat(first.detail()).contains("It said so 3 times");
            assertThat(result).hasSelected(lower.candidate(Security.NONE));
            assertThat(result.busyBeforeSelected()).containsExactly(first);
            assertThat(result.toString()).contains("was busy");
        }
    }

    @Test
    void aBusyServerIsNotAWrongPasswordEvenWhenTheChainStopsAtARejectedPassword() {
        try (HostileMailServer busy = start(Service.POP3, HostileBehaviour.BUSY);
                HostileMailServer lower = start(Service.IMAP, HostileBehaviour.HONEST)) {
            IntegrationResult result = Integrator.builder()
                    .policy(account -> List.of(busy.candidate(Security.NONE), lower.candidate(Security.NONE)))
                    .busyRetryWindow(Duration.ZERO)
                    .stopOnAuthFailure()
                    .connectTimeout(Duration.ofSeconds(1)).readTimeout(Duration.ofSeconds(1))
                    .build().integrate(busy.account(ADDRESS));

            assertThat(result).hasOutcomes(Outcome.BUSY, Outcome.AUTHENTICATED);
            assertThat(busy.logins()).as("no retry with an empty window").isEqualTo(1);
        }
    }

    private static HostileMailServer start(Service service, HostileBehaviour behaviour) {
        return HostileMailServer.builder(service, behaviour).user(ADDRESS, PASSWORD).start();
    }

    private static Integrator integrator(HostileMailServer first, HostileMailServer second, Duration busyWindow) {
        return Integrator.builder()
                .policy(account -> List.of(first.candidate(Security.NONE), second.candidate(Security.NONE)))
                .stagger(Duration.ZERO)
                .busyRetryWindow(busyWindow)
                .connectTimeout(Duration.ofSeconds(1))
                .readTimeout(Duration.ofSeconds(1))
                .build();
    }
}
