package org.mailintegrator.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailintegrator.core.MailProtocol.IMAP;
import static org.mailintegrator.core.MailProtocol.POP3;
import static org.mailintegrator.core.Outcome.AUTHENTICATED;
import static org.mailintegrator.core.Outcome.NOT_TRIED;
import static org.mailintegrator.core.Outcome.OAUTH_REQUIRED;
import static org.mailintegrator.core.Outcome.TOKEN_REJECTED;
import static org.mailintegrator.core.Security.IMPLICIT_TLS;
import static org.mailintegrator.core.Security.STARTTLS;
import static org.mailintegrator.interop.DovecotServer.Listener.IMAPS;
import static org.mailintegrator.interop.DovecotServer.Listener.POP3S;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.PreferencePolicy;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;
import org.mailintegrator.interop.DovecotServer.Listener;
import org.mailintegrator.strategies.Policies;
import org.mailintegrator.testkit.MailIntegratorAssertions;
import org.mailintegrator.testkit.TestCertificates;

/**
 * Proves, against a real Dovecot whose {@code oauth2} passdb validates access tokens at a token introspection
 * endpoint (RFC 7662) run by the test ({@link IntrospectionEndpoint}), that an account with an OAuth2 access token
 * integrates over IMAP and POP3, implicit TLS and STARTTLS, through SASL {@code XOAUTH2} or {@code OAUTHBEARER}
 * (whichever Dovecot offers); that an expired token, a token issued to another client and a token without the mail
 * scope are reported as {@link Outcome#TOKEN_REJECTED}; that a password is not sent to a server that signs in with
 * OAuth2 only ({@link Outcome#OAUTH_REQUIRED}); that a token goes to one candidate at a time, in preference order;
 * and that the token appears in no result, log or protocol trace of the library.
 *
 * <p>Dovecot keeps its protective defaults: a failed login is answered after {@code auth_failure_delay} and makes the
 * address's next logins wait. Each Dovecot configuration therefore starts once, and the logins that are expected to
 * fail run all at once, so that they wait for those delays together rather than one after another.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DovecotOAuthInteropTest {
    private static final String HOST = "127.0.0.1";
    private static final String USER = "alice@example.test";
    private static final String PASSWORD = "alice-Pa55w0rd-interop";
    /** The client id the tokens must be issued to: the {@code aud} Dovecot requires. */
    private static final String AUDIENCE = "mail-integrator-test";
    /** Another client of the same authorization server. */
    private static final String ANOTHER_CLIENT = "calendar-app";
    /** The scope Dovecot requires. */
    private static final String MAIL_SCOPE = "mail";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration LOG_WAIT = Duration.ofSeconds(10);
    /** Bounds a batch of logins, Dovecot's failure delays and penalties included. */
    private static final long BATCH_TIMEOUT_SECONDS = 60;
    /** The loggers whose protocol trace must not show a secret: Angus's, and the library's own. */
    private static final List<String> TRACE_LOGGERS = List.of("org.eclipse.angus.mail", "jakarta.mail",
            "org.mailintegrator");

    /** The CA the client trusts, and a server certificate for the account host. */
    private static final TestCertificates CERTS = TestCertificates.forHosts(HOST, "localhost");

    private static IntrospectionEndpoint endpoint;

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

    /** The four ways to a mailbox, each tried alone. */
    enum MailPath {
        IMAPS(IMAP, IMPLICIT_TLS, 993),
        IMAP_STARTTLS(IMAP, STARTTLS, 143),
        POP3S(POP3, IMPLICIT_TLS, 995),
        POP3_STLS(POP3, STARTTLS, 110);

        private final MailProtocol protocol;
        private final Security security;
        private final int standardPort;

        MailPath(MailProtocol protocol, Security security, int standardPort) {
            this.protocol = protocol;
            this.security = security;
            this.standardPort = standardPort;
        }

        PreferencePolicy alone() {
            return Policies.ordered().then(protocol, security, standardPort).build();
        }

        Listener listener() {
            return Listener.forStandardPort(standardPort);
        }

        /** Dovecot's name of the service: {@code imap} or {@code pop3}. */
        String service() {
            return protocol == IMAP ? "imap" : "pop3";
        }

        String loginService() {
            return service() + "-login";
        }

        ProtocolCandidate candidate(DovecotServer dovecot) {
            return ProtocolCandidate.of(protocol, security, HOST, dovecot.port(listener()));
        }
    }

    /** What the introspection endpoint says about a token. */
    enum TokenKind {
        /** Active, for this client, with the mail scope. */
        VALID,
        /** {@code {"active":false}}, as RFC 7662 answers an expired token. */
        EXPIRED,
        /** Active, with the mail scope, but issued to another client. */
        OTHER_AUDIENCE,
        /** Active, for this client, but without the mail scope. */
        WITHOUT_MAIL_SCOPE;

        Map<String, Object> claims(String user) {
            return switch (this) {
                case VALID -> IntrospectionEndpoint.activeClaims(user, AUDIENCE, "openid " + MAIL_SCOPE);
                case EXPIRED -> IntrospectionEndpoint.inactiveClaims();
                case OTHER_AUDIENCE -> IntrospectionEndpoint.activeClaims(user, ANOTHER_CLIENT, "openid " + MAIL_SCOPE);
                case WITHOUT_MAIL_SCOPE -> IntrospectionEndpoint.activeClaims(user, AUDIENCE, "openid profile");
            };
        }

        /** Dovecot's reason, as its auth process logs it. */
        String dovecotReason() {
            return switch (this) {
                case VALID -> throw new IllegalStateException("Dovecot accepts a valid token");
                case EXPIRED -> "oauth2 failed: Introspection failed: Provided token is not valid";
                case OTHER_AUDIENCE -> "allow_nets check failed";
                case WITHOUT_MAIL_SCOPE -> "oauth2 failed: Introspection failed: Token is not valid for scope '"
                        + MAIL_SCOPE + "'";
            };
        }
    }

    /**
     * Dovecot offering a single OAuth mechanism, and no password mechanism: every kind of token on every path, all
     * signed in at once.
     */
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    abstract class SigningInWithOneMechanism {
        private final String mechanism;
        private DovecotServer dovecot;
        private final Map<TokenKind, Map<MailPath, String>> tokens = new EnumMap<>(TokenKind.class);
        private final Map<TokenKind, Map<MailPath, IntegrationResult>> results = new EnumMap<>(TokenKind.class);
        private String trace;

        SigningInWithOneMechanism(String mechanism) {
            this.mechanism = mechanism;
        }

        @BeforeAll
        @Timeout(value = 120, unit = TimeUnit.SECONDS)
        void signInWithEveryKindOfTokenOnEveryPath() {
            dovecot = DovecotServer.builder().tls(CERTS).authMechanisms(mechanism)
                    .oauth2Introspection(endpoint.introspectionUrl(), AUDIENCE, MAIL_SCOPE).start();
            Map<TokenKind, Map<MailPath, CompletableFuture<IntegrationResult>>> futures =
                    new EnumMap<>(TokenKind.class);
            try (TraceCapture capture = TraceCapture.start(TRACE_LOGGERS)) {
                for (TokenKind kind : TokenKind.values()) {
                    tokens.put(kind, new EnumMap<>(MailPath.class));
                    futures.put(kind, new EnumMap<>(MailPath.class));
                    for (MailPath path : MailPath.values()) {
                        String token = endpoint.issue(kind.claims(USER));
                        tokens.get(kind).put(path, token);
                        futures.get(kind).put(path, integrator(dovecot, path.alone()).build()
                                .integrateAsync(withToken(token)));
                    }
                }
                for (TokenKind kind : TokenKind.values()) {
                    results.put(kind, new EnumMap<>(MailPath.class));
                    for (MailPath path : MailPath.values()) {
                        results.get(kind).put(path,
                                futures.get(kind).get(path).orTimeout(BATCH_TIMEOUT_SECONDS, TimeUnit.SECONDS).join());
                    }
                }
                trace = capture.text();
            }
        }

        @AfterAll
        void stopDovecot() {
            if (dovecot != null) {
                dovecot.close();
            }
        }

        private String saslName() {
            return mechanism.toUpperCase(Locale.ROOT);
        }

        @ParameterizedTest(name = "{0}")
        @EnumSource(MailPath.class)
        void aValidTokenAuthenticates(MailPath path) {
            IntegrationResult result = results.get(TokenKind.VALID).get(path);

            assertThat(outcomes(result)).as(result.toString()).containsExactly(AUTHENTICATED);
            assertThat(result.selected()).as(result.toString()).contains(path.candidate(dovecot));
        }

        Stream<Arguments> rejectedTokensOnEveryPath() {
            return Stream.of(TokenKind.EXPIRED, TokenKind.OTHER_AUDIENCE, TokenKind.WITHOUT_MAIL_SCOPE)
                    .flatMap(kind -> Arrays.stream(MailPath.values()).map(path -> Arguments.of(kind, path)));
        }

        @ParameterizedTest(name = "{0} on {1}")
        @MethodSource("rejectedTokensOnEveryPath")
        void aRejectedTokenIsReportedAsRejected(TokenKind kind, MailPath path) {
            IntegrationResult result = results.get(kind).get(path);
            String token = tokens.get(kind).get(path);

            assertThat(result.isIntegrated()).as(result.toString()).isFalse();
            assertThat(outcomes(result)).as(result.toString()).containsExactly(TOKEN_REJECTED);
            assertThat(result.attempts().get(0).detail()).doesNotContain(SecretForms.of(token, USER));
        }

        @ParameterizedTest(name = "{0} on {1}")
        @MethodSource("everyTokenOnEveryPath")
        void dovecotAskedTheEndpointAboutTheTokenOnce(TokenKind kind, MailPath path) {
            String token = tokens.get(kind).get(path);

            List<IntrospectionEndpoint.Request> requests = endpoint.requestsFor(token);

            // the token reached the endpoint once, from Dovecot (its credentials and user agent), for the listener
            // the client signed in through
            assertThat(requests).as("introspections of the %s token sent on %s", kind, path).hasSize(1);
            IntrospectionEndpoint.Request request = requests.get(0);
            assertThat(request.authenticated()).as(request.toString()).isTrue();
            assertThat(request.userAgent()).startsWith("dovecot-oauth2-passdb/");
            assertThat(request.service()).isEqualTo(path.service());
            assertThat(request.localPort()).isEqualTo(dovecot.port(path.listener()));
            assertThat(request.status()).isEqualTo(200);
        }

        Stream<Arguments> everyTokenOnEveryPath() {
            return Arrays.stream(TokenKind.values())
                    .flatMap(kind -> Arrays.stream(MailPath.values()).map(path -> Arguments.of(kind, path)));
        }

        @ParameterizedTest(name = "{0}")
        @EnumSource(value = TokenKind.class, names = {"EXPIRED", "OTHER_AUDIENCE", "WITHOUT_MAIL_SCOPE"})
        void dovecotRefusedEachRejectedTokenByTheCheckMeantForIt(TokenKind kind) {
            assertEveryTokenWasSent(kind, MailPath.values());
            // Dovecot's side, whatever the client makes of it: the active flag, the audience condition or the scope
            // refused the token, once per path
            assertThat(dovecot.awaitLogLines(kind + " refused", line -> line.contains("auth: Info: oauth2(" + USER + ",")
                    && line.contains(kind.dovecotReason()), MailPath.values().length, LOG_WAIT))
                    .hasSize(MailPath.values().length);
        }

        @ParameterizedTest(name = "{0}")
        @EnumSource(MailPath.class)
        void dovecotSignedInTheValidTokenOnlyOverTheMechanism(MailPath path) {
            for (TokenKind kind : TokenKind.values()) {
                assertEveryTokenWasSent(kind, path);
            }
            Predicate<String> onThisPath = line -> line.contains(path.loginService() + ": Info: ")
                    && line.contains("method=" + saslName() + ",")
                    && line.contains("lport=" + dovecot.port(path.listener()) + ",");
            // the three rejected tokens failed (the scope check ends as "user disabled", the others as "auth
            // failed")...
            assertThat(dovecot.awaitLogLines("the failed " + saslName() + " logins on " + path,
                    line -> onThisPath.test(line) && line.contains("Disconnected")
                            && (line.contains("(auth failed, 1 attempts") || line.contains("(user disabled)")),
                    3, LOG_WAIT)).hasSize(3);
            // ...and the valid one signed in, alone
            assertThat(dovecot.awaitLogLines(saslName() + " logins on " + path,
                    line -> onThisPath.test(line) && line.contains("Login: user=<" + USER + ">"), 1, LOG_WAIT))
                    .hasSize(1);
        }

        @Test
        void neverRevealsTheTokenInResultsLogsOrTheProtocolTrace() throws IOException {
            List<String> texts = new ArrayList<>();
            for (TokenKind kind : TokenKind.values()) {
                for (MailPath path : MailPath.values()) {
                    IntegrationResult result = results.get(kind).get(path);
                    texts.add(result.toString());
                    result.attempts().forEach(attempt -> {
                        texts.add(attempt.detail());
                        texts.add(attempt.toString());
                    });
                    texts.add(withToken(tokens.get(kind).get(path)).toString());
                }
            }
            String clientLog = Files.readString(clientLogFile(), StandardCharsets.UTF_8);
            // the trace is on, and shows the exchanges with Dovecot
            assertThat(trace).contains("Dovecot (Debian) ready.");
            assertThat(clientLog).contains(USER);
            for (Map<MailPath, String> byPath : tokens.values()) {
                for (String token : byPath.values()) {
                    String[] forms = SecretForms.of(token, USER);
                    assertThat(texts).allSatisfy(text -> assertThat(text).doesNotContain(forms));
                    assertThat(trace).as("the protocol trace").doesNotContain(forms);
                    assertThat(clientLog).as("the library's log").doesNotContain(forms);
                    assertThat(SecretForms.inBase64(trace, token)).as("the token, base64-encoded, in the trace")
                            .isFalse();
                    assertThat(SecretForms.inBase64(clientLog, token)).as("the token, base64-encoded, in the log")
                            .isFalse();
                }
            }
        }

        @Test
        void onlyDovecotEverAskedTheEndpoint() {
            // every request carried the resource server's credentials, which only Dovecot's configuration holds:
            // the client never showed a token to anyone but Dovecot
            assertThat(endpoint.requests()).allSatisfy(request -> {
                assertThat(request.authenticated()).as(request.toString()).isTrue();
                assertThat(request.userAgent()).startsWith("dovecot-oauth2-passdb/");
                assertThat(request.service()).isIn("imap", "pop3");
            });
        }

        /** Fails at once, rather than after waiting for Dovecot's log, when the client did not send a token. */
        private void assertEveryTokenWasSent(TokenKind kind, MailPath... paths) {
            for (MailPath path : paths) {
                assertThat(endpoint.requestsFor(tokens.get(kind).get(path)))
                        .as("introspections of the %s token: the client sent it on %s (%s)", kind, path,
                                results.get(kind).get(path))
                        .isNotEmpty();
            }
        }
    }

    @Nested
    @DisplayName("Dovecot offering XOAUTH2 only")
    class OverXoauth2 extends SigningInWithOneMechanism {
        OverXoauth2() {
            super("xoauth2");
        }
    }

    @Nested
    @DisplayName("Dovecot offering OAUTHBEARER only")
    class OverOauthbearer extends SigningInWithOneMechanism {
        OverOauthbearer() {
            super("oauthbearer");
        }
    }

    /**
     * A password account against a Dovecot that signs in with OAuth only: it offers XOAUTH2 and OAUTHBEARER, no
     * password mechanism (so IMAP advertises {@code LOGINDISABLED}), although alice has a password in its passdb.
     */
    @Nested
    @DisplayName("A password against a Dovecot that signs in with OAuth only")
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class PasswordAgainstOAuthOnly {
        private DovecotServer dovecot;
        private final Map<MailPath, List<Integer>> probes = new EnumMap<>(MailPath.class);
        private final Map<MailPath, IntegrationResult> results = new EnumMap<>(MailPath.class);
        private String trace;
        private int introspectionsBefore;

        @BeforeAll
        @Timeout(value = 120, unit = TimeUnit.SECONDS)
        void signInWithThePasswordOnEveryPath() {
            dovecot = DovecotServer.builder().user(USER, PASSWORD).tls(CERTS).authMechanisms("xoauth2", "oauthbearer")
                    .oauth2Introspection(endpoint.introspectionUrl(), AUDIENCE, MAIL_SCOPE).start();
            for (MailPath path : MailPath.values()) {
                probes.put(path, dovecot.loggedClientPorts(path.listener()));
            }
            introspectionsBefore = endpoint.requests().size();
            MailAccount account = MailAccount.builder(USER).password(PASSWORD).host(HOST).build();
            Map<MailPath, CompletableFuture<IntegrationResult>> futures = new EnumMap<>(MailPath.class);
            try (TraceCapture capture = TraceCapture.start(TRACE_LOGGERS)) {
                for (MailPath path : MailPath.values()) {
                    futures.put(path, integrator(dovecot, path.alone()).build().integrateAsync(account));
                }
                futures.forEach((path, future) ->
                        results.put(path, future.orTimeout(BATCH_TIMEOUT_SECONDS, TimeUnit.SECONDS).join()));
                trace = capture.text();
            }
        }

        @AfterAll
        void stopDovecot() {
            if (dovecot != null) {
                dovecot.close();
            }
        }

        @ParameterizedTest(name = "{0}")
        @EnumSource(MailPath.class)
        void endsWithOAuthRequired(MailPath path) {
            IntegrationResult result = results.get(path);

            assertThat(result.isIntegrated()).as(result.toString()).isFalse();
            assertThat(outcomes(result)).as(result.toString()).containsExactly(OAUTH_REQUIRED);
            assertThat(result.attempts().get(0).detail()).doesNotContain(SecretForms.of(PASSWORD, USER));
        }

        @ParameterizedTest(name = "{0}")
        @EnumSource(MailPath.class)
        void thePasswordNeverReachedDovecot(MailPath path) {
            // the connection ended without any authentication attempt...
            Predicate<String> newConnection = line -> line.contains(path.loginService() + ": Info: ")
                    && line.contains("lport=" + dovecot.port(path.listener()) + ",")
                    && probes.get(path).stream().noneMatch(port -> line.contains("rport=" + port + ","));
            // (Dovecot's POP3 lists USER in its CAPA whatever its mechanisms, but its SASL line names XOAUTH2 and
            // OAUTHBEARER only; a PASS would go through the PLAIN mechanism it does not offer, and be logged as
            // "tried to use unsupported auth mechanism")
            List<String> ends = dovecot.awaitLogLines("the end of the connection to " + path,
                    line -> newConnection.test(line) && line.contains("Disconnected"), 1, LOG_WAIT);
            assertThat(ends).as("the password was sent to " + path).allSatisfy(line ->
                    assertThat(line).contains("no auth attempts"));
            // ...and Dovecot's auth process was never asked about alice, nor the introspection endpoint
            assertThat(dovecot.logLines())
                    .noneMatch(line -> line.contains("client in: AUTH"))
                    .noneMatch(line -> line.contains("Password mismatch"))
                    .noneMatch(line -> line.contains("Login: user="));
            List<IntrospectionEndpoint.Request> introspections = endpoint.requests();
            assertThat(introspections.subList(introspectionsBefore, introspections.size())).isEmpty();
            assertThat(trace).as("the protocol trace").doesNotContain(SecretForms.of(PASSWORD, USER));
        }

        @Test
        void dovecotOfferedNoPasswordMechanism() {
            // what the client saw: IMAP refuses LOGIN and offers OAuth only; POP3's SASL line names OAuth only
            assertThat(trace)
                    .contains("LOGINDISABLED AUTH=XOAUTH2 AUTH=OAUTHBEARER] Dovecot (Debian) ready.")
                    .contains("org.eclipse.angus.mail.pop3.protocol: SASL XOAUTH2 OAUTHBEARER\n")
                    .doesNotContain("AUTH=PLAIN")
                    .doesNotContain("AUTH=LOGIN");
        }
    }

    /**
     * A chain of IMAP over TLS, then POP3 over TLS, every candidate started at once ({@code stagger} zero): the
     * connections race, but the token goes to one candidate at a time, in preference order. Dovecot offers PLAIN
     * beside the OAuth mechanisms, and alice has a password too: the token is never tried as one.
     */
    @Nested
    @DisplayName("One candidate at a time")
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class OneCandidateAtATime {
        private final PreferencePolicy imapsThenPop3s = Policies.ordered()
                .then(IMAP, IMPLICIT_TLS, 993)
                .then(POP3, IMPLICIT_TLS, 995)
                .build();
        private DovecotServer dovecot;
        private IntegrationResult withPassword;
        private int introspectionsBeforePassword;
        private int introspectionsAfterPassword;
        private String validToken;
        private IntegrationResult valid;
        private String expiredToken;
        private IntegrationResult expired;

        @BeforeAll
        @Timeout(value = 120, unit = TimeUnit.SECONDS)
        void signInWithThePasswordThenAValidThenAnExpiredToken() {
            dovecot = DovecotServer.builder().user(USER, PASSWORD).tls(CERTS)
                    .oauth2Introspection(endpoint.introspectionUrl(), AUDIENCE, MAIL_SCOPE).start();
            Integrator integrator = integrator(dovecot, imapsThenPop3s).stagger(Duration.ZERO).build();
            // the logins that succeed first: Dovecot makes the logins after a failed one wait
            introspectionsBeforePassword = endpoint.requests().size();
            withPassword = integrator.integrate(MailAccount.builder(USER).password(PASSWORD).host(HOST).build());
            introspectionsAfterPassword = endpoint.requests().size();
            validToken = endpoint.issue(TokenKind.VALID.claims(USER));
            valid = integrator.integrate(withToken(validToken));
            expiredToken = endpoint.issue(TokenKind.EXPIRED.claims(USER));
            expired = integrator.integrate(withToken(expiredToken));
        }

        @AfterAll
        void stopDovecot() {
            if (dovecot != null) {
                dovecot.close();
            }
        }

        @Test
        void aValidTokenGoesToTheMostPreferredCandidateOnly() {
            MailIntegratorAssertions.assertThat(valid).hasOutcomesThenNotNeeded(AUTHENTICATED);
            assertThat(listenersAsked(validToken)).containsExactly(IMAPS);
        }

        @Test
        void aRejectedTokenGoesToOneCandidateAtATimeInPreferenceOrder() {
            List<IntrospectionEndpoint.Request> requests = endpoint.requestsFor(expiredToken);

            // IMAPS first; POP3S at most once, and only after IMAPS's answer: never two introspections at once
            List<Listener> asked = listenersAsked(expiredToken);
            assertThat(asked).as(expired.toString()).isNotEmpty().doesNotHaveDuplicates();
            assertThat(asked).isEqualTo(List.of(IMAPS, POP3S).subList(0, asked.size()));
            if (requests.size() == 2) {
                assertThat(requests.get(1).receivedNanos()).as("POP3S asked after IMAPS was answered")
                        .isGreaterThan(requests.get(0).answeredNanos());
            }
            // no candidate sent the token without Dovecot asking about it, and none that was not tried sent it
            long tried = expired.attempts().stream().filter(attempt -> attempt.outcome() != NOT_TRIED).count();
            assertThat((long) requests.size()).as(expired.toString()).isLessThanOrEqualTo(tried);
        }

        @Test
        void aRejectedTokenIsReportedAsRejectedOnEveryCandidateThatGotIt() {
            List<Listener> asked = listenersAsked(expiredToken);

            assertThat(expired.isIntegrated()).as(expired.toString()).isFalse();
            assertThat(expired.attempts().get(0).outcome()).as(expired.toString()).isEqualTo(TOKEN_REJECTED);
            // POP3S was either given the token (and rejected it too) or not tried at all
            assertThat(expired.attempts().get(1).outcome()).as(expired.toString())
                    .isEqualTo(asked.contains(POP3S) ? TOKEN_REJECTED : NOT_TRIED);
            assertThat(expired.attempts()).allSatisfy(attempt ->
                    assertThat(attempt.detail()).doesNotContain(SecretForms.of(expiredToken, USER)));
        }

        @Test
        void aPasswordUserSignsInWithThePasswordBesideTheTokenUsers() {
            MailIntegratorAssertions.assertThat(withPassword).hasOutcomesThenNotNeeded(AUTHENTICATED);
            assertThat(introspectionsAfterPassword).as("introspections for a password login")
                    .isEqualTo(introspectionsBeforePassword);
            assertThat(dovecot.awaitLogLines("alice's password login", line -> line.contains("imap-login: Info: Login: "
                    + "user=<" + USER + ">") && line.contains("method=PLAIN,"), 1, LOG_WAIT)).hasSize(1);
        }

        @Test
        void theTokensWereNeverTriedAsAPassword() {
            // Dovecot's passwd-file passdb checked one password, alice's own, and mismatched none; the tokens went
            // through the OAuth mechanisms only
            dovecot.awaitLogLines("the token logins", line -> line.contains("-login: Info: ")
                    && (line.contains("Login: user=") || line.contains("auth failed"))
                    && !line.contains("method=PLAIN,"), 2, LOG_WAIT);
            List<String> log = dovecot.logLines();
            assertThat(log.stream().filter(line -> line.contains("client in: AUTH") && line.contains("\tPLAIN\t")))
                    .as(String.join("\n", log)).hasSize(1);
            assertThat(log).noneMatch(line -> line.contains("Password mismatch"))
                    .noneMatch(line -> line.contains("method=PLAIN,") && line.contains("auth failed"));
        }

        private List<Listener> listenersAsked(String token) {
            List<Listener> listeners = new ArrayList<>();
            for (IntrospectionEndpoint.Request request : endpoint.requestsFor(token)) {
                assertThat(request.authenticated()).as(request.toString()).isTrue();
                Listener listener = Arrays.stream(Listener.values())
                        .filter(candidate -> dovecot.port(candidate) == request.localPort())
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("not one of this Dovecot's listeners: " + request));
                listeners.add(listener);
            }
            return listeners;
        }
    }

    // --- helpers ---------------------------------------------------------------------------------------------

    private static MailAccount withToken(String token) {
        return MailAccount.builder(USER).accessToken(token).host(HOST).build();
    }

    private static Integrator.Builder integrator(DovecotServer dovecot, PreferencePolicy policy) {
        return Integrator.builder()
                .policy(RoutedPolicy.to(dovecot, policy))
                .sslContext(CERTS.clientSslContext())
                .connectTimeout(CONNECT_TIMEOUT)
                .readTimeout(READ_TIMEOUT);
    }

    private static List<Outcome> outcomes(IntegrationResult result) {
        return result.attempts().stream().map(Attempt::outcome).toList();
    }

    /** The file slf4j-simple writes to, as {@code simplelogger.properties} on the test class path configures it. */
    private static Path clientLogFile() throws IOException {
        Properties config = new Properties();
        try (InputStream in = DovecotOAuthInteropTest.class.getResourceAsStream("/simplelogger.properties")) {
            assertThat(in).as("simplelogger.properties on the test class path").isNotNull();
            config.load(in);
        }
        String file = config.getProperty("org.slf4j.simpleLogger.logFile");
        assertThat(file).as("org.slf4j.simpleLogger.logFile").isNotNull().isNotIn("System.err", "System.out");
        return Path.of(file).toAbsolutePath();
    }
}
