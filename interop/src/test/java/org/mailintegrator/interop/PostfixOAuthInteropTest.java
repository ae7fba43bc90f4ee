package org.mailintegrator.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailintegrator.core.MailProtocol.SMTP;
import static org.mailintegrator.core.Outcome.AUTHENTICATED;
import static org.mailintegrator.core.Outcome.AUTH_FAILED;
import static org.mailintegrator.core.Outcome.TOKEN_REJECTED;
import static org.mailintegrator.core.Security.IMPLICIT_TLS;
import static org.mailintegrator.interop.PostfixServer.Listener.SUBMISSION;
import static org.mailintegrator.interop.PostfixServer.Listener.SUBMISSIONS;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailintegrator.core.AccessTokenSource;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.Explanation;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.strategies.Policies;
import org.mailintegrator.testkit.MailIntegratorAssertions;
import org.mailintegrator.testkit.TestCertificates;

/**
 * The token rows of the outgoing table, through the engine with {@link Policies#submission()} against a real
 * Postfix 3.7 whose SASL goes through a real Dovecot, and Dovecot's {@code oauth2} passdb validating each token at
 * an introspection endpoint run by the test ({@link IntrospectionEndpoint}). Alice has a password as well, so that
 * Dovecot would accept a password login: a token is only ever sent as a token. Every test also checks that the
 * library submitted nothing (Postfix's queue stays empty, no session used MAIL, RCPT or DATA) and that no token
 * reached Postfix's or Dovecot's log.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PostfixOAuthInteropTest {
    private static final String HOST = "127.0.0.1";
    private static final String USER = "alice@example.test";
    private static final String PASSWORD = "correct-horse-battery";
    private static final String AUDIENCE = "mail-integrator-test";
    private static final String MAIL_SCOPE = "mail";
    private static final TestCertificates CERTIFICATES = TestCertificates.forHosts(HOST, "localhost");
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration LOG_WAIT = Duration.ofSeconds(10);

    private static IntrospectionEndpoint endpoint;

    private PostfixWithDovecot servers;
    private PostfixServer postfix;
    private DovecotServer dovecot;
    /** Every token a test issued, checked against the servers' logs after it. */
    private final List<String> issued = new ArrayList<>();

    @BeforeAll
    static void startIntrospectionEndpoint() {
        endpoint = IntrospectionEndpoint.start();
    }

    @AfterAll
    static void stopIntrospectionEndpoint() {
        if (endpoint != null) {
            endpoint.close();
        }
    }

    @BeforeEach
    void start() {
        servers = PostfixWithDovecot.start(CERTIFICATES, USER, PASSWORD, postfixSetup -> { },
                dovecotSetup -> dovecotSetup.oauth2Introspection(endpoint.introspectionUrl(), AUDIENCE, MAIL_SCOPE));
        postfix = servers.postfix();
        dovecot = servers.dovecot();
    }

    @AfterEach
    void nothingWasSubmittedNoTokenWasLoggedAndStop() {
        if (servers == null) {
            return;
        }
        try {
            assertThat(postfix.logLines()).as("what Postfix logged")
                    .noneMatch(line -> line.contains(" mail=") || line.contains(" rcpt=") || line.contains(" data=")
                            || line.contains("NOQUEUE"));
            String postfixLog = String.join("\n", postfix.logLines());
            for (String token : issued) {
                String[] forms = SecretForms.of(token, USER);
                assertThat(postfixLog).as("Postfix's log").doesNotContain(forms);
                // Dovecot hides the client's SASL response (resp=<hidden>); the only line with an accepted token is
                // Dovecot's own debug line of its oauth2 passdb's answer to Postfix, which carries the token as an
                // extra field for proxies and is written only because the fixture turns auth_debug on
                assertThat(dovecot.logLines()).as("Dovecot's log")
                        .filteredOn(line -> !line.contains("auth: Debug: client passdb out: OK\t"))
                        .allSatisfy(line -> assertThat(line).doesNotContain(forms));
            }
        } finally {
            servers.close();
        }
    }

    @Test
    void anAcceptedTokenSelects465() {
        String token = issue(true);

        IntegrationResult result = submission().integrate(withToken(token));

        assertThat(result.selected()).as(result.toString()).contains(submissions());
        MailIntegratorAssertions.assertThat(result).hasOutcomesThenNotNeeded(AUTHENTICATED);
        assertThat(postfix.awaitSessions(SUBMISSIONS, 1, LOG_WAIT)).singleElement().asString().contains("auth=1 ");
        assertThat(postfix.sessions(SUBMISSION)).as("587 is not needed").isEmpty();
        // Dovecot asked the endpoint about the token once, for Postfix's SMTP service
        assertThat(endpoint.requestsFor(token)).singleElement()
                .satisfies(request -> assertThat(request.service()).isEqualTo("smtp"));
        assertTokenNotShown(result, token);
    }

    @Test
    void aRejectedTokenIsTokenRejectedOnEachCandidateNeverAWrongPassword() {
        String token = issue(false);

        IntegrationResult result = submission().integrate(withToken(token));

        assertThat(result.isIntegrated()).as(result.toString()).isFalse();
        assertRejectedTokenOnEach(result);
        // one token at a time: 465 first, then 587 after STARTTLS; Dovecot refused it on each
        assertThat(postfix.awaitSessions(SUBMISSIONS, 1, LOG_WAIT)).singleElement().asString()
                .contains("auth=0/1 ");
        assertThat(postfix.awaitSessions(SUBMISSION, 1, LOG_WAIT)).singleElement().asString()
                .contains("starttls=1 ", "auth=0/1 ");
        assertThat(endpoint.requestsFor(token)).hasSize(2)
                .allSatisfy(request -> assertThat(request.service()).isEqualTo("smtp"));
        assertThat(dovecot.logLines()).as("the token was never tried as a password")
                .noneMatch(line -> line.contains("Password mismatch"));
        assertTokenNotShown(result, token);
    }

    @Test
    void aTokenSourceIsAskedOnceForAFreshTokenWhenItsTokenIsRejected() {
        String expired = issue(false);
        String fresh = issue(true);
        CountingSource source = new CountingSource(expired, fresh);

        IntegrationResult result = submission().integrate(withSource(source));

        assertThat(result.selected()).as(result.toString()).contains(submissions());
        MailIntegratorAssertions.assertThat(result).hasOutcomesThenNotNeeded(AUTHENTICATED);
        assertThat(source.asked.get()).isEqualTo(1);
        assertThat(source.refreshed.get()).isEqualTo(1);
        // the rejected token and the fresh one, both on 465
        assertThat(endpoint.requestsFor(expired)).hasSize(1);
        assertThat(endpoint.requestsFor(fresh)).hasSize(1);
        assertThat(postfix.awaitSessions(SUBMISSIONS, 2, LOG_WAIT)).hasSize(2)
                .anySatisfy(session -> assertThat(session).contains("auth=0/1 "))
                .anySatisfy(session -> assertThat(session).contains("auth=1 "));
        assertThat(postfix.sessions(SUBMISSION)).as("587 is not needed").isEmpty();
        assertTokenNotShown(result, expired);
        assertTokenNotShown(result, fresh);
    }

    @Test
    void aTokenSourceWhoseFreshTokenIsRejectedTooEndsWithTheRejectedTokenOnEach() {
        String expired = issue(false);
        String alsoExpired = issue(false);
        CountingSource source = new CountingSource(expired, alsoExpired);

        IntegrationResult result = submission().integrate(withSource(source));

        assertThat(result.isIntegrated()).as(result.toString()).isFalse();
        assertRejectedTokenOnEach(result);
        assertThat(source.asked.get()).isEqualTo(1);
        assertThat(source.refreshed.get()).as("the source is asked for a fresh token at most once").isEqualTo(1);
        assertThat(result.attempts()).allSatisfy(attempt -> assertThat(attempt.detail())
                .contains("token source had already given a refreshed token"));
        assertTokenNotShown(result, expired);
        assertTokenNotShown(result, alsoExpired);
    }

    /** Each candidate was given the token and refused it: the rejected-token outcome, never a wrong password. */
    private static void assertRejectedTokenOnEach(IntegrationResult result) {
        assertThat(result.attempts()).as(result.toString()).hasSize(2).allSatisfy(attempt -> {
            assertThat(attempt.outcome()).isEqualTo(TOKEN_REJECTED).isNotEqualTo(AUTH_FAILED);
            assertThat(Explanation.Cause.of(attempt)).isEqualTo(Explanation.Cause.TOKEN_REJECTED);
            assertThat(attempt.detail()).contains("rejected the access token").doesNotContainIgnoringCase("password");
        });
        assertThat(result.explain()).contains("rejected the access token")
                .doesNotContain("rejected the password");
    }

    /** The token is in none of the texts an application shows or keeps. */
    private static void assertTokenNotShown(IntegrationResult result, String token) {
        List<String> texts = new ArrayList<>(List.of(result.toString(), result.explain(), result.toJson()));
        for (Attempt attempt : result.attempts()) {
            texts.add(attempt.toString());
            texts.add(attempt.detail());
        }
        String[] forms = SecretForms.of(token, USER);
        assertThat(texts).allSatisfy(text -> assertThat(text).doesNotContain(forms));
    }

    private String issue(boolean active) {
        String token = endpoint.issue(active
                ? IntrospectionEndpoint.activeClaims(USER, AUDIENCE, "openid " + MAIL_SCOPE)
                : IntrospectionEndpoint.inactiveClaims());
        issued.add(token);
        return token;
    }

    private Integrator submission() {
        return Integrator.builder().policy(RoutedPolicy.to(postfix, Policies.submission()))
                .sslContext(CERTIFICATES.clientSslContext()).connectTimeout(CONNECT_TIMEOUT)
                .readTimeout(READ_TIMEOUT).build();
    }

    private ProtocolCandidate submissions() {
        return ProtocolCandidate.of(SMTP, IMPLICIT_TLS, HOST, postfix.port(SUBMISSIONS));
    }

    private static MailAccount withToken(String token) {
        return MailAccount.builder(USER).accessToken(token).host(SMTP, HOST).build();
    }

    private static MailAccount withSource(AccessTokenSource source) {
        return MailAccount.builder(USER).accessTokenSource(source).host(SMTP, HOST).build();
    }

    /** Gives one token, then another when asked to refresh; counts the calls. */
    private static final class CountingSource implements AccessTokenSource {
        private final String first;
        private final String refreshedToken;
        final AtomicInteger asked = new AtomicInteger();
        final AtomicInteger refreshed = new AtomicInteger();

        CountingSource(String first, String refreshedToken) {
            this.first = first;
            this.refreshedToken = refreshedToken;
        }

        @Override
        public String accessToken() {
            asked.incrementAndGet();
            return first;
        }

        @Override
        public String refreshedAccessToken() {
            refreshed.incrementAndGet();
            return refreshedToken;
        }
    }
}
