package org.mailintegrator.core.internal.racing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mailintegrator.core.internal.ManualTimeline;

/**
 * Permits per server, and the limit each server teaches (AIMD), on a manual clock: no sockets, no waiting.
 */
class ConnectionLimiterTest {
    private static final String SERVER = "pop.example.com:995";

    private final ManualTimeline time = new ManualTimeline();
    private final ConnectionLimiter limiter = new ConnectionLimiter(2);
    private final ConnectionLimiter learning = new ConnectionLimiter(8, time);
    private final List<String> granted = new ArrayList<>();

    private ConnectionLimiter.Ticket ask(String server, String name) {
        ConnectionLimiter.Ticket ticket = limiter.ticket(server);
        if (ticket.request(() -> granted.add(name))) {
            granted.add(name);
        }
        return ticket;
    }

    @Test
    void grantsUpToTheLimitAtOnceAndTheRestInTheOrderAsked() {
        ConnectionLimiter.Ticket first = ask("imap.example.com:993", "a");
        ask("imap.example.com:993", "b");
        ask("imap.example.com:993", "c");
        ask("imap.example.com:993", "d");
        assertThat(granted).containsExactly("a", "b");

        first.release();
        assertThat(granted).containsExactly("a", "b", "c");
        assertThat(limiter.open("imap.example.com:993")).isEqualTo(2);
    }

    @Test
    void serversAreCountedApart() {
        ask("imap.example.com:993", "a");
        ask("imap.example.com:993", "b");
        ask("pop.example.com:995", "c");
        assertThat(granted).containsExactly("a", "b", "c");
    }

    @Test
    void aWithdrawnRequestIsNeverGrantedAndAGrantedOneCannotBeWithdrawn() {
        ConnectionLimiter.Ticket first = ask("s:1", "a");
        ask("s:1", "b");
        ConnectionLimiter.Ticket third = ask("s:1", "c");
        ask("s:1", "d");

        assertThat(third.withdraw()).isTrue();
        assertThat(first.withdraw()).isFalse();
        first.release();
        assertThat(granted).containsExactly("a", "b", "d");
    }

    @Test
    void releasingTwiceGivesBackOnePermit() {
        ConnectionLimiter.Ticket first = ask("s:1", "a");
        ConnectionLimiter.Ticket second = ask("s:1", "b");
        first.release();
        first.release();
        second.release();
        assertThat(limiter.open("s:1")).isZero();
    }

    @Test
    void anUnansweredConnectStopsCountingAndCountsAgainWhenItIsEstablished() {
        ConnectionLimiter.Ticket first = ask("s:1", "a");
        ask("s:1", "b");
        ask("s:1", "c");

        first.suspend();
        assertThat(granted).containsExactly("a", "b", "c");
        assertThat(limiter.open("s:1")).isEqualTo(2);

        first.connected();
        assertThat(limiter.open("s:1")).as("established after all: above the limit for a while").isEqualTo(3);
        first.release();
        assertThat(limiter.open("s:1")).isEqualTo(2);
    }

    @Test
    void releasingASuspendedPermitGivesBackNothingMore() {
        ConnectionLimiter.Ticket first = ask("s:1", "a");
        ask("s:1", "b");
        first.suspend();
        first.release();
        assertThat(limiter.open("s:1")).isEqualTo(1);
    }

    // learned limits

    /** A permit of {@link #learning} whose connection is established. */
    private ConnectionLimiter.Ticket connected(String name) {
        ConnectionLimiter.Ticket ticket = learning.ticket(SERVER);
        if (ticket.request(() -> granted.add(name))) {
            granted.add(name);
        }
        ticket.connected();
        return ticket;
    }

    /** A request of {@link #learning} that may have to wait. */
    private ConnectionLimiter.Ticket asked(String name) {
        ConnectionLimiter.Ticket ticket = learning.ticket(SERVER);
        if (ticket.request(() -> granted.add(name))) {
            granted.add(name);
        }
        return ticket;
    }

    @Test
    void anUnknownServerHasTheConfiguredLimit() {
        assertThat(learning.limit(SERVER)).isEqualTo(8);
    }

    @Test
    void aConnectionClosedBeforeItsGreetingWhileOthersAreOpenIsALimitAndTheLimitDropsToThem() {
        List<ConnectionLimiter.Ticket> open = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            open.add(connected("open-" + i));
        }
        ConnectionLimiter.Ticket fourth = connected("fourth");

        assertThat(fourth.closedBeforeGreeting()).as("not now: three others were open").isTrue();
        assertThat(learning.limit(SERVER)).isEqualTo(3);

        fourth.release();
        asked("waits");
        assertThat(granted).as("three are open: the fifth waits for the learned limit").doesNotContain("waits");
        open.get(0).release();
        assertThat(granted).contains("waits");
        assertThat(learning.open(SERVER)).isEqualTo(3);
    }

    @Test
    void aConnectionClosedBeforeItsGreetingWithNothingElseOpenTeachesNothing() {
        ConnectionLimiter.Ticket alone = connected("alone");
        ConnectionLimiter.Ticket notConnected = asked("still connecting");

        assertThat(alone.closedBeforeGreeting()).as("a server that refuses everyone, for all it shows").isFalse();
        assertThat(learning.limit(SERVER)).isEqualTo(8);
        assertThat(notConnected.closedBeforeGreeting()).as("never connected, so never closed early").isFalse();
    }

    @Test
    void aGreetingOrTheEndOfAGreetedConnectionAMomentAgoMakesAnEarlyCloseALimitThoughNothingElseIsOpen() {
        ConnectionLimiter.Ticket earlier = connected("earlier");
        earlier.accepted();
        earlier.release();   // the server may count it a moment longer than we do

        time.advance(ConnectionLimiter.RECENTLY);
        ConnectionLimiter.Ticket next = connected("next");
        assertThat(next.closedBeforeGreeting()).as("served a moment ago: the server is up, and full").isTrue();
        assertThat(learning.limit(SERVER)).isEqualTo(1);
        next.release();

        time.advance(Duration.ofMillis(1));
        ConnectionLimiter.Ticket later = connected("later");
        assertThat(later.closedBeforeGreeting()).as("no longer a moment ago: a server that refuses everyone")
                .isFalse();
    }

    @Test
    void aConnectionNeverGreetedLeavesNoTrace() {
        ConnectionLimiter.Ticket refusedToo = connected("refused too");
        ConnectionLimiter.Ticket refused = connected("refused");
        assertThat(refused.closedBeforeGreeting()).as("another was open").isTrue();
        refused.release();
        assertThat(refusedToo.closedBeforeGreeting()).as("nothing open, nothing greeted").isFalse();
    }

    @Test
    void greetingsRaiseTheLimitOneConnectionPerLimitsWorthOfThemUpToTheMaximum() {
        ConnectionLimiter.Ticket first = connected("first");
        ConnectionLimiter.Ticket second = connected("second");
        ConnectionLimiter.Ticket third = connected("third");
        assertThat(third.closedBeforeGreeting()).isTrue();
        third.release();
        assertThat(learning.limit(SERVER)).isEqualTo(2);
        asked("waiting");

        first.accepted();
        assertThat(learning.limit(SERVER)).as("half a connection more").isEqualTo(2);
        assertThat(granted).doesNotContain("waiting");
        second.accepted();

        assertThat(learning.limit(SERVER)).isEqualTo(3);
        assertThat(granted).as("granted as soon as the limit grew").contains("waiting");
    }

    @Test
    void greetingsWhileTheLimitIsBarelyUsedProveNothing() {
        List<ConnectionLimiter.Ticket> open = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            open.add(connected("open-" + i));
        }
        ConnectionLimiter.Ticket refused = connected("refused");
        refused.closedBeforeGreeting();
        refused.release();
        open.subList(1, 4).forEach(ConnectionLimiter.Ticket::release);
        assertThat(learning.limit(SERVER)).isEqualTo(4);

        for (int i = 0; i < 20; i++) {
            open.get(0).accepted();   // one of four in use
        }

        assertThat(learning.limit(SERVER)).isEqualTo(4);
    }

    @Test
    void theLimitComesBackToTheMaximumAndNeverFallsBelowOne() {
        ConnectionLimiter.Ticket greeted = connected("greeted");
        greeted.accepted();
        greeted.release();
        ConnectionLimiter.Ticket refused = connected("refused");
        assertThat(refused.closedBeforeGreeting()).isTrue();
        refused.release();
        assertThat(learning.limit(SERVER)).isEqualTo(1);

        List<Integer> limits = new ArrayList<>();
        for (int round = 0; round < 40; round++) {
            // as many connections as the limit allows, each greeted, then closed: a server that takes them all
            List<ConnectionLimiter.Ticket> batch = new ArrayList<>();
            int allowed = learning.limit(SERVER);
            for (int i = 0; i < allowed; i++) {
                batch.add(connected("round-" + round + "-" + i));
            }
            batch.forEach(ConnectionLimiter.Ticket::accepted);
            batch.forEach(ConnectionLimiter.Ticket::release);
            limits.add(learning.limit(SERVER));
        }

        assertThat(limits).as("one more per round of greetings, up to the maximum and no further")
                .startsWith(2, 3, 4, 5, 6, 7, 8).endsWith(8, 8).allSatisfy(limit -> assertThat(limit).isBetween(1, 8));
    }

    @Test
    void aLearnedLimitIsForgottenLongAfterTheServerWasLastAskedFor() {
        ConnectionLimiter.Ticket other = connected("other");
        ConnectionLimiter.Ticket refused = connected("refused");
        refused.closedBeforeGreeting();
        refused.release();
        other.release();
        assertThat(learning.limit(SERVER)).isEqualTo(1);

        time.advance(ConnectionLimiter.FORGET_AFTER.minusSeconds(1));
        learning.ticket("other.example.com:995").request(() -> { });   // the limiter tidies up now and then
        assertThat(learning.limit(SERVER)).as("still remembered").isEqualTo(1);

        time.advance(ConnectionLimiter.RECENTLY.plusSeconds(1));
        learning.ticket("third.example.com:995").request(() -> { });
        assertThat(learning.limit(SERVER)).as("forgotten").isEqualTo(8);
    }

    @Test
    void aSuspendedPermitIsNotAnOpenConnectionOfTheServer() {
        ConnectionLimiter.Ticket unanswered = asked("unanswered");
        unanswered.suspend();
        ConnectionLimiter.Ticket closed = connected("closed");

        assertThat(closed.closedBeforeGreeting()).as("the other connect was never answered").isFalse();
    }
}
