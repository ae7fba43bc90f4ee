package org.mailintegrator.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailintegrator.testkit.MailIntegratorAssertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.Security;

/**
 * Resource bombs: each must end in bounded time, as {@link Outcome#PROTOCOL_ERROR} or {@link Outcome#TIMED_OUT},
 * within a 64 MiB heap. Runs in a JVM of its own with {@code -Xmx64m} (the {@code small-heap} surefire execution);
 * the hard timeouts run the test in a separate thread, so that a client that never returns fails the test instead
 * of hanging the build.
 */
@Tag("small-heap")
class HostileResourceTest {
    private static final String ADDRESS = "alice@example.com";
    private static final String PASSWORD = "correct-horse-battery";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(1);
    /** The attempt deadline (connect + 2 × read, the default) plus room for closing. */
    private static final Duration BOUND = Duration.ofSeconds(5);

    @ParameterizedTest
    @EnumSource(value = Service.class, names = {"IMAP", "POP3"})
    @Timeout(value = 30, threadMode = ThreadMode.SEPARATE_THREAD)
    void anEndlessLineEndsInBoundedTimeAndMemory(Service service) {
        try (HostileMailServer server = start(service, HostileBehaviour.ENDLESS_LINE)) {
            assertBounded(tryOnly(server));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Service.class, names = {"IMAP", "POP3"})
    @Timeout(value = 30, threadMode = ThreadMode.SEPARATE_THREAD)
    void aMultiMegabyteCapabilityLineEndsInBoundedTimeAndMemory(Service service) {
        try (HostileMailServer server = start(service, HostileBehaviour.HUGE_CAPABILITY)) {
            assertBounded(tryOnly(server));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Service.class, names = {"IMAP", "POP3"})
    @Timeout(value = 30, threadMode = ThreadMode.SEPARATE_THREAD)
    void aFloodOfShortCapabilityLinesEndsInBoundedTimeAndMemory(Service service) {
        try (HostileMailServer server = start(service, HostileBehaviour.CAPABILITY_FLOOD)) {
            assertBounded(tryOnly(server));
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {4_294_967_296L, 2_147_483_647L, 1_073_741_824L})
    @Timeout(value = 30, threadMode = ThreadMode.SEPARATE_THREAD)
    void anImapLiteralAnnouncingGigabytesEndsInBoundedTimeAndMemory(long announced) {
        try (HostileMailServer server = HostileMailServer.builder(Service.IMAP, HostileBehaviour.HUGE_LITERAL)
                .user(ADDRESS, PASSWORD).literalSize(announced).start()) {
            assertBounded(tryOnly(server));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Service.class, names = {"IMAP", "POP3"})
    @Timeout(value = 30, threadMode = ThreadMode.SEPARATE_THREAD)
    void aServerTricklingOneBytePer200MillisecondsTimesOutAtTheAttemptDeadline(Service service) {
        try (HostileMailServer server = start(service, HostileBehaviour.TRICKLER)) {
            Attempt attempt = tryOnly(server);

            assertThat(attempt).hasOutcome(Outcome.TIMED_OUT);
            assertThat(attempt.detail()).contains("deadline");
            assertThat(attempt.elapsed()).isLessThan(BOUND);
        }
    }

    /** Ended as it should, in time, and not by running out of memory (which would be classified, too). */
    private static void assertBounded(Attempt attempt) {
        assertThat(attempt).hasOutcomeIn(Outcome.PROTOCOL_ERROR, Outcome.TIMED_OUT);
        assertThat(attempt.elapsed()).as(attempt.toString()).isLessThan(BOUND);
        assertThat(attempt.detail()).doesNotContainIgnoringCase("heap space").doesNotContain("OutOfMemoryError");
    }

    private static HostileMailServer start(Service service, HostileBehaviour behaviour) {
        return HostileMailServer.builder(service, behaviour).user(ADDRESS, PASSWORD).start();
    }

    private static Attempt tryOnly(HostileMailServer server) {
        Integrator integrator = Integrator.builder()
                .policy(account -> List.of(server.candidate(Security.NONE)))
                .sslContext(server.clientSslContext())
                .connectTimeout(CONNECT_TIMEOUT)
                .readTimeout(READ_TIMEOUT)
                .integrationTimeout(Duration.ofSeconds(15))
                .build();
        return integrator.integrate(server.account(ADDRESS)).attempts().get(0);
    }
}
