package org.mailintegrator.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProtocolCandidateTest {
    @Test
    void isAValueWithReadableText() {
        ProtocolCandidate candidate = ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS, "example.com", 993);

        assertThat(candidate).isEqualTo(ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS, "example.com", 993))
                .hasSameHashCodeAs(ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS, "example.com", 993))
                .isNotEqualTo(ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS, "example.com", 143));
        assertThat(candidate).hasToString("IMAP/IMPLICIT_TLS example.com:993");
        assertThat(ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS, "::1", 993)).hasToString("IMAP/IMPLICIT_TLS [::1]:993");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 65_536})
    void rejectsPortsOutOfRange(int port) {
        assertThatThrownBy(() -> ProtocolCandidate.of(MailProtocol.POP3, Security.NONE, "example.com", port))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port").hasMessageContaining("" + port);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "mail example.com", "mail.example.com\r\n", "mail\u0000.example.com"})
    void rejectsBlankOrUnsafeHosts(String host) {
        assertThatThrownBy(() -> ProtocolCandidate.of(MailProtocol.POP3, Security.NONE, host, 110))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host");
    }

    @Test
    void rejectsNulls() {
        assertThatThrownBy(() -> ProtocolCandidate.of(null, Security.NONE, "h", 1))
                .isInstanceOf(NullPointerException.class).hasMessage("protocol");
        assertThatThrownBy(() -> ProtocolCandidate.of(MailProtocol.IMAP, null, "h", 1))
                .isInstanceOf(NullPointerException.class).hasMessage("security");
        assertThatThrownBy(() -> ProtocolCandidate.of(MailProtocol.IMAP, Security.NONE, null, 1))
                .isInstanceOf(NullPointerException.class).hasMessage("host");
    }
}
