package org.mailintegrator.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Both directions as one value: when the outgoing ports look blocked, its explanation, its saved form. */
class IntegrationPairTest {
    private static final String ADDRESS = "alice@example.com";
    private static final ProtocolCandidate IMAPS =
            ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS, "mail.example.com", 993);
    private static final ProtocolCandidate SMTPS =
            ProtocolCandidate.of(MailProtocol.SMTP, Security.IMPLICIT_TLS, "mail.example.com", 465);
    private static final ProtocolCandidate SUBMISSION =
            ProtocolCandidate.of(MailProtocol.SMTP, Security.STARTTLS, "mail.example.com", 587);

    private static Attempt attempt(ProtocolCandidate candidate, Outcome outcome, Phase phase) {
        return Attempt.of(candidate, outcome, Duration.ofMillis(10), "by hand").withPhase(phase);
    }

    private static IntegrationResult result(Attempt... attempts) {
        return IntegrationResult.of(ADDRESS, List.of(attempts), Duration.ofMillis(20));
    }

    private static final IntegrationResult READING = result(attempt(IMAPS, Outcome.AUTHENTICATED, Phase.LOGIN));
    private static final IntegrationResult SENDING_TIMED_OUT = result(
            attempt(SMTPS, Outcome.TIMED_OUT, Phase.CONNECT), attempt(SUBMISSION, Outcome.TIMED_OUT, Phase.CONNECT));

    @Test
    void outgoingPortsThatTimeOutWhileTheIncomingServerOnTheSameHostAnswersAreLikelyBlocked() {
        IntegrationPair pair = new IntegrationPair(READING, SENDING_TIMED_OUT);

        assertThat(pair.outgoingPortsLikelyBlocked()).isTrue();
        assertThat(pair.outgoingExplanation().entries()).extracting(Explanation.Entry::cause)
                .containsOnly(Explanation.Cause.MAIL_PORTS_BLOCKED);
        assertThat(pair.explain()).contains(ADDRESS + " is set up with IMAP over TLS (mail.example.com:993).",
                ADDRESS + " cannot send mail: none of the 2 ways to reach the outgoing mail server worked.",
                "the network this ran on most likely blocks outgoing mail ports",
                "open ports 465 and 587 to mail.example.com");
        assertThat(SENDING_TIMED_OUT.explain()).as("alone, the same timeouts are a firewall or a host down")
                .contains("a firewall drops it or the host is down").doesNotContain("outgoing mail ports");
    }

    @Test
    void theBlockedPortsAreNotGuessedWhenTheEvidenceIsOtherwise() {
        IntegrationResult otherHost = result(attempt(ProtocolCandidate.of(MailProtocol.IMAP,
                Security.IMPLICIT_TLS, "imap.example.com", 993), Outcome.AUTHENTICATED, Phase.LOGIN));
        IntegrationResult incomingDown = result(attempt(IMAPS, Outcome.TIMED_OUT, Phase.CONNECT));
        IntegrationResult oneRefused = result(attempt(SMTPS, Outcome.REFUSED, Phase.CONNECT),
                attempt(SUBMISSION, Outcome.TIMED_OUT, Phase.CONNECT));
        IntegrationResult sending = result(attempt(SMTPS, Outcome.AUTHENTICATED, Phase.LOGIN));

        assertThat(new IntegrationPair(otherHost, SENDING_TIMED_OUT).outgoingPortsLikelyBlocked()).isFalse();
        assertThat(new IntegrationPair(incomingDown, SENDING_TIMED_OUT).outgoingPortsLikelyBlocked()).isFalse();
        assertThat(new IntegrationPair(READING, oneRefused).outgoingPortsLikelyBlocked()).isFalse();
        assertThat(new IntegrationPair(READING, sending).outgoingPortsLikelyBlocked()).isFalse();
    }

    @Test
    void thePairIsSavedAndReadBackAsOne() {
        IntegrationPair pair = new IntegrationPair(READING, SENDING_TIMED_OUT);

        IntegrationPair read = IntegrationPair.fromJson(pair.toJson());

        assertThat(read).isEqualTo(pair);
        assertThat(read.explain()).isEqualTo(pair.explain());
        assertThat(pair.toJson()).startsWith("{\"format\":\"mailintegrator.pair\",\"version\":1,");
        assertThatThrownBy(() -> IntegrationPair.fromJson(READING.toJson()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a saved pair");
    }

    @Test
    void aPairIsForOneAddress() {
        IntegrationResult bob = IntegrationResult.of("bob@example.com", List.of(), Duration.ZERO);

        assertThatThrownBy(() -> new IntegrationPair(READING, bob)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("one address");
    }
}
