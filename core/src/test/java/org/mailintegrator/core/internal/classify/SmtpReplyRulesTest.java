package org.mailintegrator.core.internal.classify;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.mailintegrator.core.Explanation;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;

/**
 * The SMTP reply rules, each with the reply a real server sends (as Angus Mail or the library's SMTP sign-in passes
 * it on): the code decides, and within the codes that refuse the credentials, a known server's words.
 */
class SmtpReplyRulesTest {
    private static final ProtocolCandidate SMTPS =
            ProtocolCandidate.of(MailProtocol.SMTP, Security.IMPLICIT_TLS, "smtp.example.com", 465);
    private static final ProtocolCandidate SUBMISSION =
            ProtocolCandidate.of(MailProtocol.SMTP, Security.STARTTLS, "smtp.example.com", 587);
    private static final ProtocolCandidate CLEARTEXT =
            ProtocolCandidate.of(MailProtocol.SMTP, Security.NONE, "smtp.example.com", 25);
    private final FailureClassifier classifier =
            new FailureClassifier(Duration.ofSeconds(10), Duration.ofSeconds(11), Duration.ofSeconds(30));
    private final SecretRedactor redactor = new SecretRedactor("alice@example.com", "s3cret-pw");

    private Verdict login(String reply, ProtocolCandidate candidate) {
        return classifier.classify(new AuthenticationFailedException(reply), candidate, true, redactor);
    }

    @Test
    void wrongCredentialsArePostfixs535() {
        Verdict verdict = login("535 5.7.8 Error: authentication failed: authentication failure", SMTPS);

        assertThat(verdict.outcome()).isEqualTo(Outcome.AUTH_FAILED);
        assertThat(verdict.rule()).isEqualTo("smtp-reply-code");
        assertThat(verdict.detail()).isEqualTo("The server at smtp.example.com:465 rejected the credentials: \"535 "
                + "5.7.8 Error: authentication failed: authentication failure\" (reply code 535 5.7.8, RFC 4954).");
    }

    @Test
    void gmailsApplicationSpecificPasswordIs534Of5_7_9() {
        Verdict verdict = login("534-5.7.9 Application-specific password required. Learn more at\n"
                + "534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor", SMTPS);

        assertThat(verdict.outcome()).isEqualTo(Outcome.APP_PASSWORD_REQUIRED);
        assertThat(verdict.detail()).contains("reply code 534 5.7.9");
    }

    @Test
    void theWordsOfAnApplicationSpecificPasswordDecideUnderA535Too() {
        Verdict verdict = login("535 5.7.8 Application-specific password required", SMTPS);

        assertThat(verdict.outcome()).isEqualTo(Outcome.APP_PASSWORD_REQUIRED);
        assertThat(verdict.rule()).isEqualTo("gmail-app-password");
    }

    @Test
    void mustIssueStartTlsFirstIs530AndNotAWrongPassword() {
        Verdict verdict = login("530 5.7.0 Must issue a STARTTLS command first", CLEARTEXT);

        assertThat(verdict.outcome()).isEqualTo(Outcome.TLS_REQUIRED);
        assertThat(verdict.detail()).contains("reply code 530 5.7.0, RFC 3207");
    }

    @Test
    void aBusyGreetingOn587IsBusyNotAMissingUpgrade() {
        MessagingException greeting = new MessagingException("Got bad greeting from SMTP host: 127.0.0.1, port: "
                + "587, response: 421 4.7.0 smtp.example.com Error: too many connections from 192.0.2.1");

        Verdict verdict = classifier.classify(greeting, SUBMISSION, false, redactor);

        assertThat(verdict.outcome()).isEqualTo(Outcome.BUSY);
        assertThat(verdict.rule()).isEqualTo("smtp-reply-code");
        assertThat(verdict.detail()).contains("421 4.7.0 smtp.example.com Error: too many connections",
                "reply code 421 4.7.0, RFC 5321");
    }

    @Test
    void a454AndA4_7_0AreTemporaryToo() {
        assertThat(login("454 4.7.0 Temporary authentication failure", SMTPS).outcome()).isEqualTo(Outcome.BUSY);
        assertThat(login("451 4.7.0 Temporary server error. Please try again later", SMTPS).outcome())
                .isEqualTo(Outcome.BUSY);
    }

    @Test
    void microsoftsSmtpClientAuthenticationDisabledIsTheServiceSwitchedOff() {
        String reply = "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the "
                + "Tenant. Visit https://aka.ms/smtp_auth_disabled for more information.";

        Verdict password = login(reply, SUBMISSION);
        Verdict token = classifier.classify(new MessagingException("refused",
                new TokenRejectedException("XOAUTH2", reply, null, null)), SUBMISSION, true, redactor);

        assertThat(password.outcome()).isEqualTo(Outcome.SERVICE_DISABLED);
        assertThat(password.rule()).isEqualTo("microsoft-smtp-auth-disabled");
        assertThat(token.outcome()).as("the tenant's switch, not the token").isEqualTo(Outcome.SERVICE_DISABLED);
    }

    @Test
    void any5_7_139WithoutKnownWordsIsTheServiceSwitchedOff() {
        Verdict verdict = login("535 5.7.139 Authentication unsuccessful, the request did not meet the criteria",
                SUBMISSION);

        assertThat(verdict.outcome()).isEqualTo(Outcome.SERVICE_DISABLED);
        assertThat(verdict.rule()).isEqualTo("smtp-reply-code");
    }

    @Test
    void microsoftsBasicAuthenticationDisabledStillAsksForOAuth() {
        Verdict verdict = login("535 5.7.139 Authentication unsuccessful, basic authentication is disabled.",
                SUBMISSION);

        assertThat(verdict.outcome()).isEqualTo(Outcome.OAUTH_REQUIRED);
    }

    @Test
    void gmails334JsonChallengeForARejectedTokenIsTheToken() {
        String json = "{\"status\":\"400\",\"schemes\":\"Bearer\",\"scope\":\"https://mail.google.com/\"}";
        String challenge = "334 " + Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));

        Verdict verdict = login(challenge, SMTPS);

        assertThat(verdict.outcome()).isEqualTo(Outcome.TOKEN_REJECTED);
        assertThat(verdict.detail()).contains("(status 400, scope https://mail.google.com/)")
                .doesNotContain("rejected the credentials");
    }

    @Test
    void noAuthOfferedIsItsOwnOutcomeAndSaysWhatItMeans() {
        Verdict open = classifier.classify(new MessagingException("no AUTH", new AuthNotOfferedException(false)),
                SMTPS, false, redactor);
        Verdict beforeStartTls = classifier.classify(new MessagingException("no AUTH",
                new AuthNotOfferedException(true)), CLEARTEXT, false, redactor);

        assertThat(open.outcome()).isEqualTo(Outcome.AUTH_NOT_OFFERED);
        assertThat(open.rule()).isEqualTo("auth-not-offered");
        assertThat(open.detail()).contains("offered no way to sign in", "would take mail without checking who "
                + "sends it", "Relay access denied", "no credential was sent").doesNotContain("STARTTLS");
        assertThat(beforeStartTls.detail()).contains("AUTH only after it, which this candidate does not do");
    }

    @Test
    void aStartTlsTheServerDoesNotOfferOn587IsTheMissingUpgrade() {
        MessagingException stripped = new MessagingException("STARTTLS is required but host does not support "
                + "STARTTLS");

        Verdict verdict = classifier.classify(stripped, SUBMISSION, false, redactor);

        assertThat(verdict.outcome()).isEqualTo(Outcome.TLS_FAILED);
        assertThat(verdict.explainedAs()).isEqualTo(Explanation.Cause.STARTTLS_NOT_OFFERED);
    }

    @Test
    void theReplyRulesAreForSmtpOnly() {
        ProtocolCandidate imaps = ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS, "mail.example.com",
                993);

        Verdict verdict = login("535 5.7.139 something", imaps);

        assertThat(verdict.outcome()).isEqualTo(Outcome.AUTH_FAILED);
        assertThat(verdict.rule()).isEqualTo("credentials");
    }

    @Test
    void theServersEchoOfThePasswordIsRedacted() {
        Verdict verdict = login("535 5.7.8 bad password s3cret-pw", SMTPS);

        assertThat(verdict.detail()).doesNotContain("s3cret-pw");
    }
}
