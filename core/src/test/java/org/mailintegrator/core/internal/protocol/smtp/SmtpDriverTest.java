package org.mailintegrator.core.internal.protocol.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Session;
import jakarta.mail.Transport;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;
import org.mailintegrator.core.internal.classify.Advertised;
import org.mailintegrator.core.internal.protocol.MailSessions;
import org.mailintegrator.core.internal.protocol.ProtocolDriver;

/** The SMTP driver's settings and what it takes for credentials. */
class SmtpDriverTest {
    private final MailSessions sessions = new MailSessions(Duration.ofSeconds(3), Duration.ofSeconds(4),
            (SSLSocketFactory) SSLSocketFactory.getDefault());

    @ParameterizedTest
    @EnumSource(Security.class)
    void everySafeSettingIsMade(Security security) {
        ProtocolCandidate candidate = ProtocolCandidate.of(MailProtocol.SMTP, security, "smtp.example.com", 587);
        String prefix = security == Security.IMPLICIT_TLS ? "mail.smtps." : "mail.smtp.";

        Properties props = sessions.properties(candidate);

        assertThat(props.getProperty("mail.transport.protocol")).isEqualTo(prefix.substring(5, prefix.length() - 1));
        assertThat(props.getProperty("mail.store.protocol")).isNull();
        assertThat(props.getProperty(prefix + "localhost")).isEqualTo("[127.0.0.1]");
        assertThat(props.getProperty(prefix + "connectiontimeout")).isEqualTo("3000");
        assertThat(props.getProperty(prefix + "timeout")).isEqualTo("4000");
        assertThat(props.getProperty(prefix + "starttls.required"))
                .isEqualTo(Boolean.toString(security == Security.STARTTLS));
        assertThat(props.getProperty(prefix + "ssl.checkserveridentity")).isEqualTo("true");
        assertThat(props.getProperty(prefix + "socketFactory.fallback")).isEqualTo("false");
        assertThat(props.getProperty(prefix + "auth")).as("the driver signs in itself").isEqualTo("false");
        assertThat(props.getProperty(prefix + "sasl.enable")).isEqualTo("false");
    }

    @Test
    void theServiceIsATransportThatSignsIn() {
        ProtocolCandidate candidate = ProtocolCandidate.of(MailProtocol.SMTP, Security.IMPLICIT_TLS,
                "smtp.example.com", 465);

        assertThat(sessions.newService(candidate, "alice@example.com", false)).isInstanceOf(Transport.class)
                .isInstanceOf(SmtpSignIn.class);
        assertThat(ProtocolDriver.of(MailProtocol.SMTP)).isSameAs(SmtpDriver.INSTANCE);
        assertThat(SmtpDriver.INSTANCE.newService(Session.getInstance(new Properties()), null, Security.STARTTLS,
                true)).isInstanceOf(SmtpSignIn.class);
    }

    @Test
    void onlyAuthCarriesCredentials() {
        assertThat(SmtpDriver.INSTANCE.carriesCredentials("AUTH PLAIN AGFsaWNl")).isTrue();
        assertThat(SmtpDriver.INSTANCE.carriesCredentials("AUTH LOGIN")).isTrue();
        for (String head : List.of("EHLO [127.0.0.1]", "STARTTLS", "QUIT", "MAIL FROM:<a@b>", "NOOP")) {
            assertThat(SmtpDriver.INSTANCE.carriesCredentials(head)).as(head).isFalse();
        }
    }

    @Test
    void anAuthLineOfOAuth2AloneSaysSoOverTls() {
        Advertised oauthOnly = new Advertised(MailProtocol.SMTP, List.of("AUTH XOAUTH2 OAUTHBEARER", "STARTTLS"),
                true);
        Advertised password = new Advertised(MailProtocol.SMTP, List.of("AUTH PLAIN LOGIN XOAUTH2"), true);

        assertThat(SmtpDriver.INSTANCE.oauthOnly(oauthOnly)).contains("AUTH XOAUTH2 OAUTHBEARER");
        assertThat(SmtpDriver.INSTANCE.oauthOnly(password)).isEmpty();
        assertThat(password.saslMechanisms()).containsExactly("PLAIN", "LOGIN", "XOAUTH2");
    }
}
