package org.mailintegrator.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Internationalised domain names become their IDNA form; non-ASCII login names are refused clearly. */
class InternationalNamesTest {
    @Test
    void anInternationalisedDomainIsUsedInItsIdnaForm() {
        MailAccount account = MailAccount.builder("alice@bücher.example").password("pw").build();

        assertThat(account.emailAddress()).isEqualTo("alice@bücher.example");
        assertThat(account.host()).isEqualTo("xn--bcher-kva.example");
        assertThat(account.username()).isEqualTo("alice@xn--bcher-kva.example");
        assertThat(account.toBuilder().build()).isEqualTo(account);
    }

    @Test
    void candidatesAndPerProtocolHostsAreConvertedToo() {
        assertThat(ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS, "imap.bücher.example", 993).host())
                .isEqualTo("imap.xn--bcher-kva.example");
        MailAccount account = MailAccount.builder("alice@example.com").password("pw")
                .host(MailProtocol.POP3, "pop.münchen.example").build();
        assertThat(account.host(MailProtocol.POP3)).isEqualTo("pop.xn--mnchen-3ya.example");
    }

    @Test
    void anInvalidInternationalisedNameIsRefusedBeforeAnyNetworkIo() {
        assertThatThrownBy(() -> ProtocolCandidate.of(MailProtocol.IMAP, Security.NONE, "bad_host.bücher", 143))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("internationalised domain name");
    }

    @Test
    void aNonAsciiUserNameIsRefusedWithTheReason() {
        assertThatThrownBy(() -> MailAccount.builder("jörg@example.com").password("pw").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("beyond ASCII").hasMessageContaining("username(...)");
        assertThatThrownBy(() -> MailAccount.builder("j@example.com").username("jörg"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("beyond ASCII");
        assertThat(MailAccount.builder("jörg@example.com").password("pw").username("joerg").build().username())
                .isEqualTo("joerg");
    }
}
