package org.mailintegrator.core.internal.classify;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.security.cert.CertificateExpiredException;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.mailintegrator.core.Explanation;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;

/** The rules in their order: the most certain evidence decides, and the failure is kept, redacted. */
class FailureClassifierTest {
    private static final ProtocolCandidate IMAPS =
            ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS, "mail.example.com", 993);
    private static final ProtocolCandidate POP3 =
            ProtocolCandidate.of(MailProtocol.POP3, Security.STARTTLS, "mail.example.com", 110);
    private final FailureClassifier classifier =
            new FailureClassifier(Duration.ofSeconds(10), Duration.ofSeconds(11), Duration.ofSeconds(30));
    private final SecretRedactor redactor = new SecretRedactor("alice@example.com", "s3cret-pw");

    @Test
    void anExceptionTypeInTheChainWinsOverTheWordsAroundIt() {
        MessagingException failure = new MessagingException("server is busy", new ConnectException("refused"));

        Verdict verdict = classifier.classify(failure, IMAPS, false, redactor);

        assertThat(verdict.outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(verdict.rule()).isEqualTo("refused");
    }

    @Test
    void aTimeoutDuringTheLoginIsTheLoginsTimeout() {
        MessagingException failure = new MessagingException("read failed", new SocketTimeoutException("Read timed out"));

        Verdict verdict = classifier.classify(failure, IMAPS, true, redactor);

        assertThat(verdict.outcome()).isEqualTo(Outcome.TIMED_OUT);
        assertThat(verdict.detail()).isEqualTo("The server at mail.example.com:993 did not answer the login within 30000 ms.");
    }

    @Test
    void noOAuthMechanismOnTheServerIsSaidSoOnBothProtocols() {
        MessagingException imap = new MessagingException("no OAuth2", new OAuthNotOfferedException());
        AuthenticationFailedException pop3 =
                new AuthenticationFailedException("No authentication mechanisms supported by both server and client");

        for (Verdict verdict : new Verdict[] {classifier.classify(imap, IMAPS, false, redactor),
                classifier.classify(pop3, POP3, false, redactor)}) {
            assertThat(verdict.outcome()).isEqualTo(Outcome.OAUTH_NOT_OFFERED);
            assertThat(verdict.rule()).isEqualTo("oauth-not-offered");
            assertThat(verdict.detail()).contains("offers no OAuth2 sign-in", "the access token was not sent");
        }
    }

    @Test
    void aRejectedTokenCarriesTheDecodedStatusAndARemedy() {
        MessagingException failure = new MessagingException("AUTH failed", new TokenRejectedException("XOAUTH2",
                "[AUTHENTICATIONFAILED] Invalid credentials (Failure)", "401", "https://mail.google.com/"));

        Verdict verdict = classifier.classify(failure, IMAPS, true, redactor);

        assertThat(verdict.outcome()).isEqualTo(Outcome.TOKEN_REJECTED);
        assertThat(verdict.detail()).isEqualTo("The server at mail.example.com:993 rejected the access token "
                + "(XOAUTH2): \"[AUTHENTICATIONFAILED] Invalid credentials (Failure)\" (status 401, scope "
                + "https://mail.google.com/). The token has expired, was revoked, or was issued for another "
                + "application: get a new one (refresh it, or sign the user in again).");
    }

    @Test
    void aTokenWithoutTheMailScopeIsToldToAskForIt() {
        MessagingException failure = new MessagingException("AUTH failed",
                new TokenRejectedException("OAUTHBEARER", "", "insufficient_scope", "https://outlook.office.com/IMAP"));

        Verdict verdict = classifier.classify(failure, IMAPS, true, redactor);

        assertThat(verdict.outcome()).isEqualTo(Outcome.TOKEN_REJECTED);
        assertThat(verdict.detail()).contains("does not grant mail access (https://outlook.office.com/IMAP)",
                "asking for that scope");
    }

    @Test
    void aServerThatOffersOnlyOAuthMakesThePasswordUselessNotWrong() {
        MessagingException advertised = new MessagingException("no password",
                new OAuthRequiredException("AUTH=OAUTHBEARER AUTH=XOAUTH2"));
        AuthenticationFailedException said =
                new AuthenticationFailedException("-ERR Basic authentication is disabled for this organisation");

        Verdict fromCapabilities = classifier.classify(advertised, IMAPS, false, redactor);
        Verdict fromWords = classifier.classify(said, POP3, true, redactor);

        assertThat(fromCapabilities.outcome()).isEqualTo(Outcome.OAUTH_REQUIRED);
        assertThat(fromCapabilities.detail()).contains("offers only OAuth2 sign-in (AUTH=OAUTHBEARER AUTH=XOAUTH2)",
                "the password was not sent");
        assertThat(fromWords.outcome()).isEqualTo(Outcome.OAUTH_REQUIRED);
        assertThat(fromWords.detail()).contains("Basic authentication is disabled", "sign the user in with OAuth2");
    }

    @Test
    void noPasswordLoginAdvertisedIsTlsRequiredWithoutTlsAndNoLoginInCommonOverIt() {
        ProtocolCandidate imap = ProtocolCandidate.of(MailProtocol.IMAP, Security.NONE, "mail.example.com", 143);
        MessagingException cleartext = new MessagingException("withheld",
                new PasswordLoginNotOfferedException("LOGINDISABLED AUTH=NTLM", false));
        MessagingException overTls = new MessagingException("withheld",
                new PasswordLoginNotOfferedException("LOGINDISABLED AUTH=GSSAPI AUTH=NTLM", true));

        Verdict withoutTls = classifier.classify(cleartext, imap, false, redactor);
        Verdict withTls = classifier.classify(overTls, IMAPS, false, redactor);

        assertThat(withoutTls.outcome()).isEqualTo(Outcome.TLS_REQUIRED);
        assertThat(withoutTls.detail()).contains("(LOGINDISABLED AUTH=NTLM)", "the password was not sent");
        assertThat(withTls.outcome()).isEqualTo(Outcome.PROTOCOL_ERROR);
        assertThat(withTls.detail()).contains("no password login the library uses", "never with NTLM");
        assertThat(List.of(withoutTls.rule(), withTls.rule())).containsOnly("password-login-not-advertised");
    }

    @Test
    void anAppPasswordDemandIsItsOwnOutcome() {
        AuthenticationFailedException failure = new AuthenticationFailedException("[ALERT] Application-specific "
                + "password required: https://support.google.com/accounts/answer/185833 (Failure)");

        Verdict verdict = classifier.classify(failure, IMAPS, true, redactor);

        assertThat(verdict.outcome()).isEqualTo(Outcome.APP_PASSWORD_REQUIRED);
        assertThat(verdict.detail()).contains("wants an app password", "185833");
    }

    @Test
    void aRejectedLoginKeepsTheServersWordsAndTheCauseWithoutThePassword() {
        AuthenticationFailedException failure = new AuthenticationFailedException("[AUTHENTICATIONFAILED] s3cret-pw is wrong");

        Verdict verdict = classifier.classify(failure, IMAPS, true, redactor);

        assertThat(verdict.outcome()).isEqualTo(Outcome.AUTH_FAILED);
        assertThat(verdict.rule()).isEqualTo("credentials-code");
        assertThat(verdict.detail()).doesNotContain("s3cret-pw").contains("AUTHENTICATIONFAILED");
        assertThat(verdict.cause()).hasToString("jakarta.mail.AuthenticationFailedException: [AUTHENTICATIONFAILED] "
                + "****** is wrong".replace("******", redactor.redact("s3cret-pw")));
        assertThat(verdict.cause().getStackTrace()).isEqualTo(failure.getStackTrace());
    }

    @Test
    void onAStartTlsCandidateAFailureBeforeTheLoginIsTheUpgrades() {
        MessagingException failure = new MessagingException("-ERR no");

        Verdict verdict = classifier.classify(failure, POP3, false, redactor);

        assertThat(verdict.outcome()).isEqualTo(Outcome.TLS_FAILED);
        assertThat(verdict.detail()).contains("refused STLS");
    }

    @Test
    void aBusyAnswerIsQuotedFromTheServer() {
        MessagingException failure = new MessagingException("NO [UNAVAILABLE] Maximum number of connections reached");

        Verdict verdict = classifier.classify(failure, IMAPS, true, redactor);

        assertThat(verdict.outcome()).isEqualTo(Outcome.BUSY);
        assertThat(verdict.detail()).endsWith("\"NO [UNAVAILABLE] Maximum number of connections reached\" "
                + "(response code [UNAVAILABLE], RFC 5530).");
    }

    @Test
    void whatNoRuleRecognisesIsAProtocolError() {
        Verdict verdict = classifier.classify(new MessagingException("* BYE what?"), IMAPS, false, redactor);

        assertThat(verdict.outcome()).isEqualTo(Outcome.PROTOCOL_ERROR);
        assertThat(verdict.rule()).isEqualTo("protocol");
    }

    @Test
    void eachTlsFailureSaysWhichItWas() {
        ProtocolCandidate imapStartTls = ProtocolCandidate.of(MailProtocol.IMAP, Security.STARTTLS,
                "mail.example.com", 143);
        record Seen(String name, Throwable failure, ProtocolCandidate candidate, Explanation.Cause cause) {
        }
        CertificateExpiredException expired = new CertificateExpiredException("NotAfter: Mon Jan 01 00:00:00 UTC 2024");
        List<Seen> seen = List.of(
                new Seen("untrusted authority", new MessagingException("connect failed", new SSLHandshakeException(
                        "PKIX path building failed: unable to find valid certification path to requested target")),
                        IMAPS, Explanation.Cause.TLS_NOT_TRUSTED),
                new Seen("expired", new MessagingException("connect failed", expiredHandshake(expired)),
                        IMAPS, Explanation.Cause.TLS_NOT_TRUSTED),
                new Seen("another name", new MessagingException("connect failed", new SSLHandshakeException(
                        "No subject alternative DNS name matching mail.example.com found.")),
                        IMAPS, Explanation.Cause.TLS_NOT_TRUSTED),
                new Seen("untrusted after STARTTLS", new MessagingException("STARTTLS failed", new SSLHandshakeException(
                        "PKIX path building failed")), imapStartTls, Explanation.Cause.TLS_NOT_TRUSTED),
                new Seen("no TLS on the port", new MessagingException("connect failed",
                        new SSLException("Unsupported or unrecognized SSL message")),
                        IMAPS, Explanation.Cause.TLS_HANDSHAKE_FAILED),
                new Seen("no protocol in common", new MessagingException("connect failed",
                        new SSLHandshakeException("Received fatal alert: protocol_version")),
                        IMAPS, Explanation.Cause.TLS_HANDSHAKE_FAILED),
                new Seen("STARTTLS not offered", new MessagingException(
                        "STARTTLS required but not supported by server"), imapStartTls,
                        Explanation.Cause.STARTTLS_NOT_OFFERED),
                new Seen("STLS not offered", new MessagingException("STLS required but not supported"), POP3,
                        Explanation.Cause.STARTTLS_NOT_OFFERED),
                new Seen("STLS refused", new MessagingException("STLS required but failed"), POP3,
                        Explanation.Cause.STARTTLS_NOT_OFFERED),
                new Seen("PREAUTH before STARTTLS", new MessagingException("unprotected",
                        new UnprotectedSessionException()), imapStartTls, Explanation.Cause.STARTTLS_NOT_OFFERED),
                new Seen("no TLS on an implicit TLS candidate", new MessagingException("unprotected",
                        new UnprotectedSessionException()), IMAPS, Explanation.Cause.TLS_HANDSHAKE_FAILED));

        for (Seen one : seen) {
            Verdict verdict = classifier.classify(one.failure(), one.candidate(), false, redactor);

            assertThat(verdict.outcome()).as(one.name()).isEqualTo(Outcome.TLS_FAILED);
            assertThat(verdict.explainedAs()).as(one.name()).isEqualTo(one.cause());
            if (one.cause() != Explanation.Cause.TLS_NOT_TRUSTED) {
                assertThat(verdict.detail()).as(one.name()).doesNotContain("certificate");
            }
        }
    }

    private static SSLHandshakeException expiredHandshake(CertificateExpiredException expired) {
        SSLHandshakeException handshake = new SSLHandshakeException("certificate expired");
        handshake.initCause(expired);
        return handshake;
    }

    @Test
    void aFailureTheOutcomeTellsRecordsNoCauseOfItsOwn() {
        Verdict verdict = classifier.classify(new MessagingException("connect", new ConnectException("refused")),
                IMAPS, false, redactor);

        assertThat(verdict.explainedAs()).isNull();
    }
}
