package org.mailintegrator.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.Security;

class ServiceTest {

    @Test
    void theTextOfAServiceSaysWhatItSpeaksWhileItsNameStaysTheConstants() {
        assertThat(Service.IMAP).hasToString("IMAP (cleartext or STARTTLS, as on port 143)");
        assertThat(Service.POP3).hasToString("POP3 (cleartext or STLS, as on port 110)");
        assertThat(Service.IMAPS).hasToString("IMAPS (implicit TLS, as on port 993)");
        assertThat(Service.POP3S).hasToString("POP3S (implicit TLS, as on port 995)");
        assertThat(Service.valueOf(Service.IMAP.name())).isSameAs(Service.IMAP);
    }

    @Test
    void theCleartextServicesServeStartTlsCandidatesToo() {
        assertThat(Service.speaking(MailProtocol.IMAP, Security.STARTTLS)).isSameAs(Service.IMAP);
        assertThat(Service.speaking(MailProtocol.IMAP, Security.NONE)).isSameAs(Service.IMAP);
        assertThat(Service.speaking(MailProtocol.POP3, Security.STARTTLS)).isSameAs(Service.POP3);
        assertThat(Service.speaking(MailProtocol.POP3, Security.IMPLICIT_TLS)).isSameAs(Service.POP3S);
    }
}
