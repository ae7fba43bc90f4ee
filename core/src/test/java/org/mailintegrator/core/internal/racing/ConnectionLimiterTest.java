package org.mailintegrator.core.internal.racing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectionLimiterTest {
    private final ConnectionLimiter limiter = new ConnectionLimiter(2);
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

        first.resume();
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
}
