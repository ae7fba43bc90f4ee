package org.mailintegrator.strategies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mailintegrator.core.MailProtocol.IMAP;
import static org.mailintegrator.core.MailProtocol.POP3;
import static org.mailintegrator.core.Security.IMPLICIT_TLS;
import static org.mailintegrator.core.Security.NONE;
import static org.mailintegrator.core.Security.STARTTLS;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.ProtocolCandidate;

class PoliciesTest {
    private final MailAccount account = MailAccount.builder("alice@Example.com").password("pw").build();

    @Test
    void blackBerryOrderIsImapsPopsImapPop() {
        assertThat(Policies.blackBerry().candidates(account)).containsExactly(
                ProtocolCandidate.of(IMAP, IMPLICIT_TLS, "example.com", 993),
                ProtocolCandidate.of(POP3, IMPLICIT_TLS, "example.com", 995),
                ProtocolCandidate.of(IMAP, NONE, "example.com", 143),
                ProtocolCandidate.of(POP3, NONE, "example.com", 110));
    }

    @Test
    void blackBerryOrderSendsPopToItsOwnHostInAnAdvancedIntegration() {
        MailAccount advanced = account.toBuilder().host(POP3, "pop.example.com").build();

        assertThat(Policies.blackBerry().candidates(advanced)).extracting(ProtocolCandidate::host)
                .containsExactly("example.com", "pop.example.com", "example.com", "pop.example.com");
    }

    @Test
    void popOnlyTriesPopOverTlsThenCleartextPop() {
        assertThat(Policies.popOnly().candidates(account)).containsExactly(
                ProtocolCandidate.of(POP3, IMPLICIT_TLS, "example.com", 995),
                ProtocolCandidate.of(POP3, NONE, "example.com", 110));
    }

    @Test
    void returnedListsCannotBeModified() {
        List<ProtocolCandidate> candidates = Policies.blackBerry().candidates(account);

        assertThatThrownBy(candidates::clear).isInstanceOf(UnsupportedOperationException.class);
        assertThat(Policies.blackBerry().candidates(account)).hasSize(4);
    }

    @Test
    void orderedPolicyKeepsTheGivenOrder() {
        OrderedPolicy policy = Policies.ordered().then(IMAP, STARTTLS, 143).then(IMAP, IMPLICIT_TLS, 993).build();

        assertThat(policy.candidates(account)).containsExactly(
                ProtocolCandidate.of(IMAP, STARTTLS, "example.com", 143),
                ProtocolCandidate.of(IMAP, IMPLICIT_TLS, "example.com", 993));
    }

    @Test
    void orderedPolicyRejectsDuplicatesBadPortsAndEmptiness() {
        OrderedPolicy.Builder builder = Policies.ordered().then(IMAP, IMPLICIT_TLS, 993);

        assertThatThrownBy(() -> builder.then(IMAP, IMPLICIT_TLS, 993))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already listed");
        assertThatThrownBy(() -> builder.then(POP3, NONE, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port");
        assertThatThrownBy(() -> builder.then(null, NONE, 110)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Policies.ordered().build()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anOrderedStepCanNameItsOwnHost() {
        OrderedPolicy policy = Policies.ordered().then(IMAP, IMPLICIT_TLS, "imap.provider.test", 993)
                .then(IMAP, IMPLICIT_TLS, 993).build();
        MailAccount account = MailAccount.builder("alice@example.test").password("pw").build();

        assertThat(policy.candidates(account)).containsExactly(
                ProtocolCandidate.of(IMAP, IMPLICIT_TLS, "imap.provider.test", 993),
                ProtocolCandidate.of(IMAP, IMPLICIT_TLS, "example.test", 993));
        assertThatThrownBy(() -> Policies.ordered().then(IMAP, IMPLICIT_TLS, "imap.provider.test:993", 993))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without a port");
    }
}
