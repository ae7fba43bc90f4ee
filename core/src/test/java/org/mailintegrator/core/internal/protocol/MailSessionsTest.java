package org.mailintegrator.core.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Properties;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;

/**
 * The SASL mechanisms Jakarta Mail may use with a password, on every kind of connection: PLAIN and LOGIN (POP3:
 * USER/PASS), never NTLM, never the JDK's SASL client (CRAM-MD5, DIGEST-MD5, GSSAPI), never APOP; a token replaces
 * them with XOAUTH2 alone.
 */
class MailSessionsTest {
    private final MailSessions sessions = new MailSessions(Duration.ofSeconds(1), Duration.ofSeconds(1),
            (SSLSocketFactory) SSLSocketFactory.getDefault());

    @ParameterizedTest
    @EnumSource(Security.class)
    void imapWithAPasswordUsesPlainOrLoginOnly(Security security) {
        ProtocolCandidate candidate = ProtocolCandidate.of(MailProtocol.IMAP, security, "mail.example.com", 143);
        String prefix = security == Security.IMPLICIT_TLS ? "mail.imaps." : "mail.imap.";

        Properties props = sessions.properties(candidate);

        assertThat(props.getProperty(prefix + "auth.mechanisms")).isEqualTo("PLAIN LOGIN");
        assertThat(props.getProperty(prefix + "auth.ntlm.disable")).isEqualTo("true");
        assertThat(props.getProperty(prefix + "sasl.enable")).isEqualTo("false");
    }

    @ParameterizedTest
    @EnumSource(Security.class)
    void pop3WithAPasswordUsesUserPassOrPlainOnly(Security security) {
        ProtocolCandidate candidate = ProtocolCandidate.of(MailProtocol.POP3, security, "mail.example.com", 110);
        String prefix = security == Security.IMPLICIT_TLS ? "mail.pop3s." : "mail.pop3.";

        Properties props = sessions.properties(candidate);

        assertThat(props.getProperty(prefix + "auth.mechanisms")).isEqualTo("LOGIN PLAIN");
        assertThat(props.getProperty(prefix + "auth.ntlm.disable")).isEqualTo("true");
        assertThat(props.getProperty(prefix + "apop.enable")).isEqualTo("false");
    }
}
