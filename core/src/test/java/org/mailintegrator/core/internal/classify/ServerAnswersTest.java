package org.mailintegrator.core.internal.classify;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import java.time.Duration;
import java.util.List;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.mailintegrator.core.Explanation;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;
import org.mailintegrator.core.internal.protocol.ProtocolDriver;

/**
 * Servers' exact answers, replayed as Angus Mail reports them, and the verdict each gets: first what the server
 * advertised and the standard response code its answer starts with, whatever the words; the words of a named server
 * only for answers without a decisive code, each read by a rule that names that server.
 */
class ServerAnswersTest {
    private static final ProtocolCandidate IMAPS =
            ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS, "mail.example.com", 993);
    private static final ProtocolCandidate IMAP =
            ProtocolCandidate.of(MailProtocol.IMAP, Security.NONE, "mail.example.com", 143);
    private static final ProtocolCandidate POP3S =
            ProtocolCandidate.of(MailProtocol.POP3, Security.IMPLICIT_TLS, "mail.example.com", 995);
    private static final ProtocolCandidate POP3 =
            ProtocolCandidate.of(MailProtocol.POP3, Security.NONE, "mail.example.com", 110);
    /** What Cyrus IMAP 3.6's pop3d answers {@code CAPA} with, before TLS, with {@code allowplaintext: yes}. */
    private static final List<String> CYRUS_CAPA = List.of("SASL PLAIN LOGIN", "STLS", "EXPIRE NEVER",
            "LOGIN-DELAY 60", "TOP", "UIDL", "PIPELINING", "RESP-CODES", "AUTH-RESP-CODE", "USER",
            "IMPLEMENTATION Cyrus POP3 3.6.1");
    /** The same with {@code allowplaintext: no}: STLS, but neither USER nor a SASL mechanism before TLS. */
    private static final List<String> CYRUS_CAPA_NO_PLAINTEXT = List.of("STLS", "EXPIRE NEVER", "LOGIN-DELAY 60",
            "TOP", "UIDL", "PIPELINING", "RESP-CODES", "AUTH-RESP-CODE", "IMPLEMENTATION Cyrus POP3 3.6.1");

    private final FailureClassifier classifier =
            new FailureClassifier(Duration.ofSeconds(10), Duration.ofSeconds(11), Duration.ofSeconds(30));
    private final SecretRedactor redactor = new SecretRedactor("alice@example.com", "s3cret-pw");

    /** What Angus Mail's IMAP store throws for a tagged {@code NO} to the login: the text after {@code NO}. */
    private static AuthenticationFailedException imapNo(String line) {
        return new AuthenticationFailedException(line.substring(line.indexOf(" NO ") + 4));
    }

    /** What Angus Mail's IMAP store throws for an untagged {@code BYE} that ends the login: the whole line. */
    private static MessagingException imapBye(String line) {
        return new MessagingException(line, new ProtocolException(line));
    }

    /** What Angus Mail's POP3 store throws for {@code -ERR} to {@code USER} or {@code PASS}: the text after it. */
    private static AuthenticationFailedException pop3Err(String line) {
        return new AuthenticationFailedException(line.substring("-ERR ".length()));
    }

    /** A POP3 login whose {@code USER} was accepted, so that the answer is {@code PASS}'s. */
    private static Observed afterUser(List<String> capa, boolean overTls) {
        return new Observed(new Advertised(MailProtocol.POP3, capa, overTls), true);
    }

    private static Observed imapAdvertising(String... capabilities) {
        return new Observed(new Advertised(MailProtocol.IMAP, List.of(capabilities), true), null);
    }

    private Verdict pass(ProtocolCandidate candidate, String line, Observed observed) {
        return classifier.classify(pop3Err(line), candidate, true, redactor, observed);
    }

    @Nested
    class ResponseCodesWhateverTheWords {
        @Test
        void imapUnavailableAndInUseAreBusy() {
            for (String line : List.of(
                    "A2 NO [UNAVAILABLE] Maximum number of connections from user+IP exceeded "
                            + "(mail_max_userip_connections=10)",
                    "A2 NO [UNAVAILABLE] Invalid credentials",
                    "A2 NO [INUSE] Mailbox is locked by another session",
                    "A2 NO [INUSE] Your account is not enabled for IMAP use")) {
                Verdict verdict = classifier.classify(imapNo(line), IMAPS, true, redactor);

                assertThat(verdict.outcome()).as(line).isEqualTo(Outcome.BUSY);
                assertThat(verdict.rule()).as(line).isEqualTo("busy-code");
                assertThat(verdict.detail()).as(line).contains("RFC 5530");
            }
        }

        @Test
        void pop3InUseAndSysTempAreBusy() {
            for (String line : List.of("-ERR [IN-USE] Unable to lock maildrop: the mailbox is in use",
                    "-ERR [IN-USE] Invalid credentials",
                    "-ERR [SYS/TEMP] Authentication failed",
                    "-ERR [SYS/TEMP] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.")) {
                Verdict verdict = pass(POP3, line, afterUser(CYRUS_CAPA, false));

                assertThat(verdict.outcome()).as(line).isEqualTo(Outcome.BUSY);
                assertThat(verdict.rule()).as(line).isEqualTo("busy-code");
                assertThat(verdict.detail()).as(line).containsAnyOf("RFC 2449", "RFC 3206");
            }
        }

        @Test
        void aBusyCodeInAByeBeforeTheLoginIsBusyToo() {
            Verdict verdict = classifier.classify(imapBye("* BYE [UNAVAILABLE] Server shutting down"), IMAPS, false,
                    redactor);

            assertThat(verdict.outcome()).isEqualTo(Outcome.BUSY);
        }

        @Test
        void privacyRequiredIsTlsRequired() {
            Verdict verdict = classifier.classify(imapNo(
                    "A2 NO [PRIVACYREQUIRED] Plaintext authentication disallowed on non-secure (SSL/TLS) connections."),
                    IMAP, true, redactor);

            assertThat(verdict.outcome()).isEqualTo(Outcome.TLS_REQUIRED);
            assertThat(verdict.rule()).isEqualTo("privacy-required-code");
            assertThat(verdict.detail()).contains("without TLS", "[PRIVACYREQUIRED], RFC 5530");
        }

        /** RFC 3206: [AUTH] is a problem with the credentials; answering PASS, it is about the password. */
        @Test
        void authAnsweringPassAfterUserWasAcceptedIsAWrongPasswordNotTls() {
            Verdict cyrus = pass(POP3, "-ERR [AUTH] Invalid login", afterUser(CYRUS_CAPA, false));
            Verdict tlsWords = pass(POP3,
                    "-ERR [AUTH] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.",
                    afterUser(CYRUS_CAPA, false));

            assertThat(cyrus.outcome()).isEqualTo(Outcome.AUTH_FAILED);
            assertThat(cyrus.rule()).isEqualTo("credentials-code");
            assertThat(cyrus.detail()).contains("[AUTH], RFC 3206");
            assertThat(tlsWords.outcome()).as("words never move a code to another kind").isEqualTo(Outcome.AUTH_FAILED);
        }

        @Test
        void authAnsweringUserSaysNothingAboutThePassword() {
            Verdict verdict = classifier.classify(pop3Err("-ERR [AUTH] Plaintext authentication disallowed on "
                    + "non-secure (SSL/TLS) connections."), POP3, true, redactor,
                    new Observed(new Advertised(MailProtocol.POP3, List.of("USER", "STLS"), false), false));

            assertThat(verdict.outcome()).isEqualTo(Outcome.TLS_REQUIRED);
            assertThat(verdict.rule()).isEqualTo("dovecot-plaintext-disallowed");
        }

        /** RFC 3206: a system error "unlikely to be resolved without intervention", not the credentials. */
        @Test
        void sysPermIsAPermanentServerFailureNotAWrongPassword() {
            Verdict verdict = pass(POP3S, "-ERR [SYS/PERM] Unable to locate maildrop: Mailbox does not exist",
                    afterUser(List.of("USER", "RESP-CODES"), true));

            assertThat(verdict.outcome()).isEqualTo(Outcome.PROTOCOL_ERROR);
            assertThat(verdict.rule()).isEqualTo("server-failure-code");
            assertThat(verdict.detail()).contains("permanent failure of its own", "[SYS/PERM], RFC 3206",
                    "not about the password");
        }
    }

    @Nested
    class Cyrus {
        @Test
        void aLoginDelayIsADelayNotARejection() {
            Verdict verdict = pass(POP3, "-ERR [LOGIN-DELAY] Logins must be at least 1 minute apart",
                    afterUser(CYRUS_CAPA, false));

            assertThat(verdict.outcome()).isEqualTo(Outcome.BUSY);
            assertThat(verdict.explainedAs()).isEqualTo(Explanation.Cause.LOGIN_DELAYED);
            assertThat(verdict.rule()).isEqualTo("login-delay-code");
            assertThat(verdict.detail()).contains("only once every 60 s", "\"[LOGIN-DELAY] Logins must be at least 1 "
                    + "minute apart\"", "a delay, not a rejection", "try again in 60 s").doesNotContain("rejected");
        }

        @Test
        void aLoginDelayWithoutAdvertisedSecondsSaysToWaitForIt() {
            Verdict verdict = classifier.classify(pop3Err("-ERR [LOGIN-DELAY] Logins must be at least 1 minute apart"),
                    POP3S, true, redactor);

            assertThat(verdict.outcome()).isEqualTo(Outcome.BUSY);
            assertThat(verdict.explainedAs()).isEqualTo(Explanation.Cause.LOGIN_DELAYED);
            assertThat(verdict.detail()).contains("once the delay has passed");
        }

        @Test
        void withoutPlaintextItsCapabilitiesRefuseAPasswordBeforeTls() {
            Advertised capa = new Advertised(MailProtocol.POP3, CYRUS_CAPA_NO_PLAINTEXT, false);

            assertThat(ProtocolDriver.of(MailProtocol.POP3).passwordLoginRefused(capa))
                    .contains("STLS, no USER, no SASL mechanism");
            assertThat(ProtocolDriver.of(MailProtocol.POP3)
                    .passwordLoginRefused(new Advertised(MailProtocol.POP3, CYRUS_CAPA, false))).isEmpty();
            Verdict verdict = classifier.classify(new MessagingException("withheld",
                    new PasswordLoginNotOfferedException("STLS, no USER, no SASL mechanism", false)), POP3, false,
                    redactor, new Observed(capa, null));

            assertThat(verdict.outcome()).isEqualTo(Outcome.TLS_REQUIRED);
            assertThat(verdict.rule()).isEqualTo("password-login-not-advertised");
            assertThat(verdict.detail()).contains("without TLS", "neither the user name nor the password was sent");
        }

        @Test
        void itsAnswerToUserWithoutTlsIsTlsRequiredEvenUnadvertised() {
            Verdict verdict = classifier.classify(pop3Err("-ERR [AUTH] USER command only available under a layer"),
                    POP3, true, redactor, new Observed(Advertised.none(MailProtocol.POP3), false));

            assertThat(verdict.outcome()).isEqualTo(Outcome.TLS_REQUIRED);
            assertThat(verdict.rule()).isEqualTo("cyrus-user-under-a-layer");
            assertThat(verdict.detail()).contains("Cyrus's wording");
        }
    }

    @Nested
    class Courier {
        @Test
        void pop3AccessDisabledIsServiceDisabled() {
            Verdict verdict = pass(POP3, "-ERR POP3 access disabled for this account.",
                    afterUser(List.of("TOP", "USER", "LOGIN-DELAY 10", "PIPELINING", "UIDL", "STLS"), false));

            assertThat(verdict.outcome()).isEqualTo(Outcome.SERVICE_DISABLED);
            assertThat(verdict.rule()).isEqualTo("courier-service-disabled");
            assertThat(verdict.detail()).contains("POP3 is not enabled for this account", "Courier's wording");
        }

        @Test
        void imapAccessDisabledIsServiceDisabled() {
            Verdict verdict = classifier.classify(imapBye("* BYE IMAP access disabled for this account."), IMAP, true,
                    redactor);

            assertThat(verdict.outcome()).isEqualTo(Outcome.SERVICE_DISABLED);
            assertThat(verdict.rule()).isEqualTo("courier-service-disabled");
        }
    }

    @Nested
    class Dovecot {
        @Test
        void itsRefusalOfUserWithoutTlsIsTlsRequired() {
            Verdict verdict = classifier.classify(pop3Err(
                    "-ERR [AUTH] Plaintext authentication disallowed on non-secure (SSL/TLS) connections."), POP3,
                    true, redactor);

            assertThat(verdict.outcome()).isEqualTo(Outcome.TLS_REQUIRED);
            assertThat(verdict.rule()).isEqualTo("dovecot-plaintext-disallowed");
            assertThat(verdict.detail()).contains("Dovecot's wording");
        }

        @Test
        void anUnsupportedMechanismSaysNothingAboutThePassword() {
            Verdict verdict = classifier.classify(imapNo("A2 NO Unsupported authentication mechanism."), IMAPS, true,
                    redactor);

            assertThat(verdict.outcome()).isEqualTo(Outcome.PROTOCOL_ERROR);
            assertThat(verdict.rule()).isEqualTo("dovecot-unsupported-mechanism");
        }

        /**
         * Dovecot 2.3 with {@code auth_mechanisms = login} answers POP3's PASS with an [AUTH] code, which sets the
         * kind (a refused login); its words tell which refusal: the mechanism, not the password.
         */
        @Test
        void anUnsupportedMechanismWithAnAuthCodeOnPop3SaysNothingAboutThePassword() {
            Verdict verdict = pass(POP3, "-ERR [AUTH] Unsupported authentication mechanism.",
                    afterUser(CYRUS_CAPA, false));

            assertThat(verdict.outcome()).isEqualTo(Outcome.PROTOCOL_ERROR);
            assertThat(verdict.rule()).isEqualTo("dovecot-unsupported-mechanism");
            assertThat(verdict.detail()).contains("nothing about the password");
        }
    }

    @Nested
    class Gmail {
        @Test
        void tooManySimultaneousConnectionsIsBusy() {
            Verdict verdict = classifier.classify(imapNo("A2 NO [ALERT] Too many simultaneous connections. (Failure)"),
                    IMAPS, true, redactor);

            assertThat(verdict.outcome()).isEqualTo(Outcome.BUSY);
            assertThat(verdict.rule()).isEqualTo("gmail-too-many-connections");
            assertThat(verdict.detail()).contains("Gmail's wording");
        }

        @Test
        void aWebLoginIsOAuthRequiredNotAWrongPassword() {
            Verdict imap = classifier.classify(imapNo("A2 NO [ALERT] Please log in via your web browser: "
                    + "https://support.google.com/mail/accounts/answer/78754 (Failure)"), IMAPS, true, redactor);
            Verdict pop3 = pass(POP3S, "-ERR [AUTH] Web login required: https://support.google.com/mail/answer/78754",
                    afterUser(List.of("USER", "RESP-CODES", "SASL PLAIN XOAUTH2 OAUTHBEARER"), true));

            for (Verdict verdict : List.of(imap, pop3)) {
                assertThat(verdict.outcome()).isEqualTo(Outcome.OAUTH_REQUIRED);
                assertThat(verdict.rule()).isEqualTo("gmail-web-login");
                assertThat(verdict.detail()).contains("Gmail's wording", "sign the user in with OAuth2");
            }
        }

        @Test
        void anAppPasswordDemandIsAppPasswordRequiredOnBothProtocols() {
            Verdict imap = classifier.classify(imapNo("A2 NO [ALERT] Application-specific password required: "
                    + "https://support.google.com/accounts/answer/185833 (Failure)"), IMAPS, true, redactor);
            Verdict pop3 = pass(POP3S, "-ERR [AUTH] Application-specific password required: "
                    + "https://support.google.com/accounts/answer/185833", afterUser(List.of("USER"), true));

            for (Verdict verdict : List.of(imap, pop3)) {
                assertThat(verdict.outcome()).isEqualTo(Outcome.APP_PASSWORD_REQUIRED);
                assertThat(verdict.rule()).isEqualTo("gmail-app-password");
                assertThat(verdict.detail()).contains("Gmail's wording");
            }
        }

        @Test
        void aProtocolSwitchedOffIsServiceDisabled() {
            Verdict verdict = classifier.classify(imapNo("A2 NO [ALERT] Your account is not enabled for IMAP use. "
                    + "Please visit your Gmail settings page and enable your account for IMAP access. (Failure)"),
                    IMAPS, true, redactor);

            assertThat(verdict.outcome()).isEqualTo(Outcome.SERVICE_DISABLED);
            assertThat(verdict.rule()).isEqualTo("gmail-service-disabled");
        }
    }

    @Nested
    class Microsoft {
        @Test
        void throttlingWithoutACodeIsBusy() {
            Verdict imap = classifier.classify(imapNo("A2 NO Server Unavailable. 15"), IMAPS, true, redactor);
            Verdict pop3 = pass(POP3S, "-ERR Server Unavailable. 21", afterUser(List.of("USER"), true));

            for (Verdict verdict : List.of(imap, pop3)) {
                assertThat(verdict.outcome()).isEqualTo(Outcome.BUSY);
                assertThat(verdict.rule()).isEqualTo("microsoft-server-unavailable");
                assertThat(verdict.detail()).contains("Microsoft's wording");
            }
        }

        @Test
        void throttlingWithTheCodeIsBusyByTheCode() {
            Verdict verdict = classifier.classify(imapNo("A2 NO [UNAVAILABLE] Server Unavailable. 15"), IMAPS, true,
                    redactor);

            assertThat(verdict.outcome()).isEqualTo(Outcome.BUSY);
            assertThat(verdict.rule()).isEqualTo("busy-code");
        }

        /**
         * Microsoft 365 answers a password "AUTHENTICATE failed." whether it is wrong or passwords are off: a
         * rejection, with the way out named when the server offers OAuth2.
         */
        @Test
        void authenticateFailedFromAServerThatOffersOAuthSaysSoAndStaysARejection() {
            Verdict withOAuth = classifier.classify(imapNo("A2 NO AUTHENTICATE failed."), IMAPS, true, redactor,
                    imapAdvertising("IMAP4", "IMAP4REV1", "AUTH=PLAIN", "AUTH=XOAUTH2", "SASL-IR", "UIDPLUS", "MOVE",
                            "ID", "UNSELECT", "CHILDREN", "IDLE", "NAMESPACE", "LITERAL+"));
            Verdict without = classifier.classify(imapNo("A2 NO AUTHENTICATE failed."), IMAPS, true, redactor,
                    imapAdvertising("IMAP4REV1", "AUTH=PLAIN"));

            assertThat(withOAuth.outcome()).isEqualTo(Outcome.AUTH_FAILED);
            assertThat(withOAuth.rule()).isEqualTo("microsoft-authenticate-failed");
            assertThat(withOAuth.detail()).contains("\"AUTHENTICATE failed.\"", "Microsoft 365's wording", "XOAUTH2",
                    "sign the user in with OAuth2");
            assertThat(without.outcome()).isEqualTo(Outcome.AUTH_FAILED);
            assertThat(without.rule()).isEqualTo("credentials");
        }

        @Test
        void aMailboxWithTheProtocolOffIsServiceDisabled() {
            Verdict verdict = classifier.classify(imapNo("A2 NO User is authenticated but not connected."), IMAPS, true,
                    redactor);

            assertThat(verdict.outcome()).isEqualTo(Outcome.SERVICE_DISABLED);
            assertThat(verdict.rule()).isEqualTo("microsoft-not-connected");
        }
    }

    /** Yahoo and iCloud answer an account password that needs to be an app password with the standard code alone. */
    @Test
    void aStandardAuthenticationFailedCodeWithoutNamedWordsIsARejection() {
        for (String line : List.of("A2 NO [AUTHENTICATIONFAILED] LOGIN Invalid credentials",
                "A2 NO [AUTHENTICATIONFAILED] Authentication failed.")) {
            Verdict verdict = classifier.classify(imapNo(line), IMAPS, true, redactor);

            assertThat(verdict.outcome()).as(line).isEqualTo(Outcome.AUTH_FAILED);
            assertThat(verdict.rule()).as(line).isEqualTo("credentials-code");
            assertThat(verdict.detail()).as(line).contains("[AUTHENTICATIONFAILED], RFC 5530");
        }
    }

    /** Words no named server is known to say decide nothing: the exception type does. */
    @Test
    void wordsOfNoNamedServerDecideNothing() {
        for (String said : List.of("Mailbox is locked", "Please use OAuth", "Cleartext logins disabled",
                "IMAP is disabled")) {
            Verdict verdict = classifier.classify(new AuthenticationFailedException(said), IMAPS, true, redactor);

            assertThat(verdict.outcome()).as(said).isEqualTo(Outcome.AUTH_FAILED);
            assertThat(verdict.rule()).as(said).isEqualTo("credentials");
        }
    }

    /** A code is read at the start of the answer only, after its status word; elsewhere it is words. */
    @Test
    void aCodeIsReadOnlyAtTheStartOfTheAnswer() {
        Verdict verdict = classifier.classify(new AuthenticationFailedException(
                "Invalid credentials [UNAVAILABLE] for now"), IMAPS, true, redactor);

        assertThat(verdict.outcome()).isEqualTo(Outcome.AUTH_FAILED);
    }
}
