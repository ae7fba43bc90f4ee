package org.mailintegrator.core.internal.classify;

import jakarta.mail.AuthenticationFailedException;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLException;
import org.eclipse.angus.mail.util.MailConnectException;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.Explanation;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;
import org.mailintegrator.core.internal.Wording;
import org.mailintegrator.core.internal.planning.ResolveTimeoutException;
import org.mailintegrator.core.internal.protocol.OAuthSasl;
import org.mailintegrator.core.internal.protocol.ProtocolDriver;

/**
 * Turns the exception of a failed attempt into a {@link Verdict}: the first of an ordered list of named rules that
 * recognises the failure decides, and the failure is kept, redacted, as the verdict's cause.
 *
 * <p>The rules go from the most certain evidence to the least:
 * <ol>
 *   <li>what the attempt itself established: exception types in the chain (the network, TLS, the library's own
 *       stops before a credential was sent, among them what the server advertised: {@code LOGINDISABLED}, a POP3
 *       {@code CAPA} without {@code USER}, OAuth2 only);</li>
 *   <li>the standard response code the server's answer starts with, whatever its words: RFC 5530's IMAP codes,
 *       RFC 2449's and RFC 3206's POP3 codes. A code decides the kind of failure; within the kind of a code that
 *       says "the credentials" ({@code [AUTHENTICATIONFAILED]}, POP3 {@code [AUTH]} once {@code PASS} was sent),
 *       a server's known words may still tell which ({@code APP_PASSWORD_REQUIRED}, {@code OAUTH_REQUIRED},
 *       {@code SERVICE_DISABLED}), never another kind (a busy, a TLS requirement);</li>
 *   <li>for answers without a decisive code, the words of a named server: each such rule says in its name and
 *       Javadoc whose wording it matches, and its unit test replays that server's lines;</li>
 *   <li>the exception type Jakarta Mail reports for a refused login, and last, a protocol error.</li>
 * </ol>
 *
 * <p>Jakarta Mail reports causes unevenly: IMAP keeps the cause chain, while POP3 folds most I/O failures into an
 * {@link AuthenticationFailedException} carrying only the server's text after {@code -ERR}. Text that came from the
 * server or an exception passes through the {@link SecretRedactor}, since a hostile server can echo the password;
 * the sentences around it come from {@link Wording}, and each says what it was read from (a response code and its
 * RFC, or a server's wording). Immutable and thread-safe.
 */
public final class FailureClassifier {
    /** One way to recognise a failure. */
    @FunctionalInterface
    interface Rule {
        /** The outcome and sentence, if this rule recognises the failure. */
        Optional<Finding> apply(Evidence evidence);
    }

    /**
     * What a rule found; {@code explainedAs} is the cause in {@link Explanation}'s terms when the outcome alone does
     * not tell it (which of the ways TLS can fail, a login delay), else null; {@code by} names the rule that decided
     * when a rule defers to another (a response code to the server's words within its kind), else null.
     */
    record Finding(Outcome outcome, String detail, Explanation.@Nullable Cause explainedAs, @Nullable String by) {
        Finding(Outcome outcome, String detail) {
            this(outcome, detail, null, null);
        }

        Finding by(String rule) {
            return new Finding(outcome, detail, explainedAs, rule);
        }
    }

    private record NamedRule(String name, Rule rule) {
    }

    /** RFC 5530's IMAP codes and RFC 2449's and RFC 3206's POP3 codes for "not now". */
    private static final Set<String> BUSY_CODES = Set.of("UNAVAILABLE", "INUSE", "IN-USE", "SYS/TEMP");
    /** RFC 5530's IMAP codes for a refusal of the credentials themselves. */
    private static final Set<String> CREDENTIAL_CODES = Set.of("AUTHENTICATIONFAILED", "AUTHORIZATIONFAILED",
            "EXPIRED");
    /** RFC 3206's POP3 code and RFC 5530's IMAP code for a permanent failure of the server itself. */
    private static final Set<String> SERVER_FAILURE_CODES = Set.of("SYS/PERM", "SERVERBUG");

    /**
     * The rules a code that says "the credentials" defers to: the servers' words that tell which refusal of the
     * credentials or the account it is, each a rule of its own below.
     */
    private final List<NamedRule> accountWordings = List.of(
            new NamedRule("microsoft-smtp-auth-disabled", this::microsoftSmtpAuthDisabled),
            new NamedRule("gmail-service-disabled", this::gmailServiceDisabled),
            new NamedRule("courier-service-disabled", this::courierServiceDisabled),
            new NamedRule("microsoft-not-connected", this::microsoftNotConnected),
            new NamedRule("microsoft-basic-auth-disabled", this::microsoftBasicAuthDisabled),
            new NamedRule("gmail-web-login", this::gmailWebLogin),
            new NamedRule("gmail-app-password", this::gmailAppPassword),
            new NamedRule("microsoft-authenticate-failed", this::microsoftAuthenticateFailed),
            new NamedRule("dovecot-unsupported-mechanism", this::dovecotUnsupportedMechanism));

    /** The rules, most certain first; the last one always answers. */
    private final List<NamedRule> rules = List.of(
            // what the attempt itself established
            new NamedRule("preauth-before-tls", this::preauthBeforeTls),
            new NamedRule("oauth-not-offered", this::oauthNotOffered),
            new NamedRule("auth-not-offered", this::authNotOffered),
            new NamedRule("oauth-only-advertised", this::oauthOnlyAdvertised),
            new NamedRule("password-login-not-advertised", this::passwordLoginNotAdvertised),
            // a tenant's switch, whatever the credentials: a token's refusal is not the token's fault then
            new NamedRule("microsoft-smtp-auth-disabled", this::microsoftSmtpAuthDisabled),
            new NamedRule("token-rejected", this::tokenRejected),
            new NamedRule("resolve-timeout", this::resolveTimeout),
            new NamedRule("limit", this::limit),
            new NamedRule("unknown-host", this::unknownHost),
            new NamedRule("refused", this::refused),
            new NamedRule("no-route", this::noRoute),
            new NamedRule("timeout", this::timeout),
            new NamedRule("tls", this::tls),
            // SMTP replies carry their code: a busy greeting or a refused STARTTLS on 587 is not a missing upgrade
            new NamedRule("smtp-reply-code", this::smtpReplyCode),
            new NamedRule("starttls", this::startTls),
            // standard response codes, whatever the words
            new NamedRule("login-delay-code", this::loginDelayCode),
            new NamedRule("busy-code", this::busyCode),
            new NamedRule("privacy-required-code", this::privacyRequiredCode),
            new NamedRule("server-failure-code", this::serverFailureCode),
            new NamedRule("credentials-code", this::credentialsCode),
            // the connection itself
            new NamedRule("closed", this::closed),
            new NamedRule("reset", this::reset),
            new NamedRule("socket", this::socket),
            // named servers' words, for answers without a decisive code
            new NamedRule("dovecot-plaintext-disallowed", this::dovecotPlaintextDisallowed),
            new NamedRule("cyrus-user-under-a-layer", this::cyrusUserUnderALayer),
            new NamedRule("gmail-service-disabled", this::gmailServiceDisabled),
            new NamedRule("courier-service-disabled", this::courierServiceDisabled),
            new NamedRule("microsoft-not-connected", this::microsoftNotConnected),
            new NamedRule("microsoft-basic-auth-disabled", this::microsoftBasicAuthDisabled),
            new NamedRule("gmail-web-login", this::gmailWebLogin),
            new NamedRule("gmail-app-password", this::gmailAppPassword),
            new NamedRule("gmail-too-many-connections", this::gmailTooManyConnections),
            new NamedRule("microsoft-server-unavailable", this::microsoftServerUnavailable),
            new NamedRule("dovecot-unsupported-mechanism", this::dovecotUnsupportedMechanism),
            new NamedRule("microsoft-authenticate-failed", this::microsoftAuthenticateFailed),
            // what is left
            new NamedRule("credentials", this::credentials),
            new NamedRule("protocol", this::protocol));

    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Duration authTimeout;

    public FailureClassifier(Duration connectTimeout, Duration readTimeout, Duration authTimeout) {
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.authTimeout = authTimeout;
    }

    /**
     * Classifies without anything seen of the server but the failure.
     *
     * @param loginStarted whether the client had begun to send credentials when it failed (from the attempt's
     *     credential gate)
     */
    public Verdict classify(Throwable failure, ProtocolCandidate candidate, boolean loginStarted,
            SecretRedactor redactor) {
        return classify(failure, candidate, loginStarted, redactor, Observed.nothing(candidate.protocol()));
    }

    /**
     * @param loginStarted whether the client had begun to send credentials when it failed (from the attempt's
     *     credential gate)
     * @param observed what the attempt saw of the server on the way: its capabilities, its answer to the first
     *     credential command
     */
    public Verdict classify(Throwable failure, ProtocolCandidate candidate, boolean loginStarted,
            SecretRedactor redactor, Observed observed) {
        Evidence evidence = new Evidence(failure, candidate, loginStarted, redactor, observed);
        for (NamedRule named : rules) {
            Optional<Finding> finding = named.rule().apply(evidence);
            if (finding.isPresent()) {
                Finding found = finding.get();
                return new Verdict(found.outcome(), found.detail(), found.by() != null ? found.by() : named.name(),
                        RedactedFailure.of(failure, redactor), found.explainedAs());
            }
        }
        throw new IllegalStateException("the last rule always answers");
    }

    private static Optional<Finding> found(Outcome outcome, String detail) {
        return Optional.of(new Finding(outcome, detail));
    }

    /** A TLS failure and which one it is. */
    private static Optional<Finding> tlsFailed(Explanation.Cause cause, String detail) {
        return Optional.of(new Finding(Outcome.TLS_FAILED, detail, cause, null));
    }

    // What the attempt itself established

    /**
     * The session was not protected: on a {@code STARTTLS} candidate the server authenticated it before any upgrade
     * (so the upgrade never happened); on an {@code IMPLICIT_TLS} one, TLS was not established.
     */
    private Optional<Finding> preauthBeforeTls(Evidence e) {
        return e.has(UnprotectedSessionException.class)
                ? tlsFailed(e.candidate().security() == Security.STARTTLS ? Explanation.Cause.STARTTLS_NOT_OFFERED
                        : Explanation.Cause.TLS_HANDSHAKE_FAILED, Wording.preauthBeforeTls(e.candidate()))
                : Optional.empty();
    }

    /**
     * The account carries an access token and the server offers no OAuth2 mechanism: the library's stores stop
     * before sending anything; Angus's POP3 store (an application's) says "no authentication mechanisms supported
     * by both server and client", which with a password cannot happen, since POP3 always has USER/PASS.
     */
    private Optional<Finding> oauthNotOffered(Evidence e) {
        return e.has(OAuthNotOfferedException.class)
                || e.mentions("no authentication mechanisms supported by both server and client")
                ? found(Outcome.OAUTH_NOT_OFFERED, Wording.oauthNotOffered(e.candidate())) : Optional.empty();
    }

    /**
     * An SMTP server offered no {@code AUTH}: the transport stopped before sending anything, and the candidate is not
     * verified ({@link Outcome#AUTH_NOT_OFFERED}), whatever Jakarta Mail would have made of it.
     */
    private Optional<Finding> authNotOffered(Evidence e) {
        return e.first(AuthNotOfferedException.class).map(refused -> new Finding(Outcome.AUTH_NOT_OFFERED,
                Wording.authNotOffered(e.candidate(), refused.startTlsOffered())));
    }

    private Optional<Finding> oauthOnlyAdvertised(Evidence e) {
        return e.first(OAuthRequiredException.class)
                .map(required -> new Finding(Outcome.OAUTH_REQUIRED,
                        Wording.oauthOnlyAdvertised(e.candidate(), required.mechanisms())));
    }

    /**
     * What the server advertised offers no password login the library uses: without TLS (IMAP
     * {@code LOGINDISABLED}, a POP3 {@code CAPA} with {@code STLS} but neither {@code USER} nor a usable SASL
     * mechanism, as Cyrus and Dovecot advertise when cleartext logins are off) that is {@link Outcome#TLS_REQUIRED};
     * over TLS (NTLM or GSSAPI only) there is no login in common, a {@link Outcome#PROTOCOL_ERROR}. Nothing was sent.
     */
    private Optional<Finding> passwordLoginNotAdvertised(Evidence e) {
        return e.first(PasswordLoginNotOfferedException.class).map(refused -> refused.overTls()
                ? new Finding(Outcome.PROTOCOL_ERROR,
                        Wording.noPasswordLoginInCommon(e.candidate(), refused.advertised()))
                : new Finding(Outcome.TLS_REQUIRED,
                        Wording.tlsRequiredAdvertised(e.candidate(), refused.advertised())));
    }

    private Optional<Finding> tokenRejected(Evidence e) {
        return e.first(TokenRejectedException.class)
                .map(rejected -> new Finding(Outcome.TOKEN_REJECTED, Wording.tokenRejected(e.candidate(),
                        rejected.mechanism(), e.redacted(rejected.answer()), rejected.status(), rejected.scope())));
    }

    private Optional<Finding> resolveTimeout(Evidence e) {
        return e.has(ResolveTimeoutException.class)
                ? found(Outcome.TIMED_OUT, Wording.resolveTimedOut(e.candidate(), connectTimeout)) : Optional.empty();
    }

    private Optional<Finding> limit(Evidence e) {
        return e.has(LimitExceededException.class) || e.mentions(LimitExceededException.MARKER)
                ? found(Outcome.PROTOCOL_ERROR, Wording.limitBroken(e.candidate(),
                        e.messageMentioning(LimitExceededException.MARKER)))
                : Optional.empty();
    }

    private Optional<Finding> unknownHost(Evidence e) {
        return e.has(UnknownHostException.class)
                ? found(Outcome.UNKNOWN_HOST, Wording.unknownHost(e.candidate())) : Optional.empty();
    }

    private Optional<Finding> refused(Evidence e) {
        return e.has(ConnectException.class) && !e.has(SocketTimeoutException.class)
                ? found(Outcome.REFUSED, Wording.refused(e.candidate())) : Optional.empty();
    }

    private Optional<Finding> noRoute(Evidence e) {
        return e.has(NoRouteToHostException.class)
                ? found(Outcome.NETWORK_ERROR, Wording.noRoute(e.candidate())) : Optional.empty();
    }

    private Optional<Finding> timeout(Evidence e) {
        if (!e.has(SocketTimeoutException.class) && !e.mentions("timed out")) {
            return Optional.empty();
        }
        if (e.has(MailConnectException.class)) {
            return found(Outcome.TIMED_OUT, Wording.connectTimedOut(e.candidate(), connectTimeout));
        }
        if (e.loginStarted()) {
            return found(Outcome.TIMED_OUT, Wording.loginTimedOut(e.candidate(), authTimeout));
        }
        return found(Outcome.TIMED_OUT, Wording.readTimedOut(e.candidate(), readTimeout));
    }

    /**
     * The TLS layer failed: a certificate that is not trusted (untrusted authority, expired, not yet valid, issued for
     * another name) is {@link Explanation.Cause#TLS_NOT_TRUSTED}; anything else (no TLS on the port, no protocol or
     * cipher in common, a broken handshake) is {@link Explanation.Cause#TLS_HANDSHAKE_FAILED}.
     */
    private Optional<Finding> tls(Evidence e) {
        if (!e.has(SSLException.class) && !e.has(CertificateException.class)) {
            return Optional.empty();
        }
        String reason;
        Explanation.Cause cause = Explanation.Cause.TLS_NOT_TRUSTED;
        if (e.has(CertificateExpiredException.class) || e.mentions("validity check failed")) {
            reason = Wording.certificateExpired();
        } else if (e.has(CertificateNotYetValidException.class)) {
            reason = Wording.certificateNotYetValid();
        } else if (e.mentions("no subject alternative") || e.mentions("no name matching")) {
            reason = Wording.certificateForAnotherName(e.candidate());
        } else if (e.has(CertPathValidatorException.class) || e.mentions("unable to find valid certification path")
                || e.mentions("path building failed")) {
            reason = Wording.certificateUntrusted();
        } else if (e.mentions("unsupported or unrecognized ssl message") || e.mentions("plaintext connection")) {
            reason = Wording.noTlsOnPort();
            cause = Explanation.Cause.TLS_HANDSHAKE_FAILED;
        } else {
            reason = Wording.handshakeFailed(e.redacted(e.firstMessage()));
            cause = Explanation.Cause.TLS_HANDSHAKE_FAILED;
        }
        return tlsFailed(cause, Wording.tlsFailed(e.candidate(), reason));
    }

    /**
     * On a STARTTLS candidate, a failure before the login is the upgrade's: not offered, or refused; either way the
     * connection was never protected ({@link Explanation.Cause#STARTTLS_NOT_OFFERED}). The messages are Angus Mail's.
     */
    private Optional<Finding> startTls(Evidence e) {
        if (e.candidate().security() != Security.STARTTLS) {
            return Optional.empty();
        }
        String command = ProtocolDriver.of(e.candidate().protocol()).startTlsCommand();
        if (e.mentions("not supported") && (e.mentions("starttls") || e.mentions("stls"))
                || e.mentions("does not support starttls")) {
            return tlsFailed(Explanation.Cause.STARTTLS_NOT_OFFERED, Wording.startTlsNotOffered(e.candidate(), command));
        }
        if (e.mentions("stls required but failed") || e.mentions("starttls failure") || !e.loginStarted()) {
            return tlsFailed(Explanation.Cause.STARTTLS_NOT_OFFERED, Wording.startTlsRefused(e.candidate(), command));
        }
        return Optional.empty();
    }

    // Standard response codes, whatever the words

    /**
     * An SMTP reply by its code (RFC 5321, RFC 4954, RFC 3463's enhanced codes), whatever the words: {@code 421},
     * {@code 454} and {@code 4.7.0} are "not now" ({@link Outcome#BUSY}, retried); {@code 530} to {@code AUTH} is
     * "must issue a STARTTLS command first" ({@link Outcome#TLS_REQUIRED}); {@code 334} left as the last answer is an
     * OAuth2 error challenge (Gmail's base64 JSON, RFC 7628), {@link Outcome#TOKEN_REJECTED}. Once the login started,
     * {@code 534 5.7.9} asks for an application-specific password ({@link Outcome#APP_PASSWORD_REQUIRED}), and
     * {@code 535} (wrong credentials, {@code 5.7.8}), {@code 534} and {@code 5.7.139} (Microsoft's "authentication
     * unsuccessful" for an account or tenant that does not allow it) are refusals of the credentials or the account,
     * told apart by the servers' known words ({@link #accountWordings}); without such words {@code 5.7.139} is
     * {@link Outcome#SERVICE_DISABLED}, {@code 534} a mechanism the server will not take, and {@code 535}
     * {@link Outcome#AUTH_FAILED}.
     */
    private Optional<Finding> smtpReplyCode(Evidence e) {
        if (e.candidate().protocol() != MailProtocol.SMTP) {
            return Optional.empty();
        }
        Optional<Evidence.SmtpReply> found = e.smtpReply();
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Evidence.SmtpReply reply = found.get();
        int code = reply.code();
        String enhanced = reply.enhanced();
        String said = e.redacted(reply.text());
        if (code == 421 || code == 454 || enhanced.equals("4.7.0") && code / 100 == 4) {
            return found(Outcome.BUSY, Wording.busy(e.candidate(), said, Wording.replyCode(code, enhanced,
                    "RFC 5321")));
        }
        if (code == 334) {
            String challenge = reply.text().substring(3);
            OAuthSasl.ErrorStatus error = OAuthSasl.decodeError(challenge);
            return found(Outcome.TOKEN_REJECTED, Wording.tokenRejected(e.candidate(), "SASL", said, error.status(),
                    error.scope()));
        }
        if (code == 530) {
            return found(Outcome.TLS_REQUIRED, Wording.tlsRequiredSaid(e.candidate(), said,
                    Wording.replyCode(code, enhanced, "RFC 3207")));
        }
        if (!e.loginStarted()) {
            return Optional.empty();
        }
        String basis = Wording.replyCode(code, enhanced, code == 535 || code == 534 ? "RFC 4954" : "RFC 3463");
        if (code == 534 && enhanced.equals("5.7.9")) {
            return found(Outcome.APP_PASSWORD_REQUIRED, Wording.appPasswordRequired(e.candidate(), said, basis));
        }
        if (code != 535 && code != 534 && !enhanced.equals("5.7.139")) {
            return Optional.empty();
        }
        for (NamedRule wording : accountWordings) {
            Optional<Finding> refined = wording.rule().apply(e);
            if (refined.isPresent()) {
                return Optional.of(refined.get().by(wording.name()));
            }
        }
        if (enhanced.equals("5.7.139")) {
            return found(Outcome.SERVICE_DISABLED, Wording.serviceDisabled(e.candidate(), said, basis));
        }
        return code == 534 ? found(Outcome.PROTOCOL_ERROR, Wording.mechanismRejected(e.candidate(), said, basis))
                : found(Outcome.AUTH_FAILED, Wording.credentialsRejected(e.candidate(), said, basis));
    }

    /**
     * RFC 2449's POP3 {@code [LOGIN-DELAY]}: the account signed in too recently, and the server enforces a minimum
     * interval between logins (Cyrus, for one, answers {@code -ERR [LOGIN-DELAY] Logins must be at least 1 minute
     * apart}). A "not now", {@link Outcome#BUSY}, recorded as {@link Explanation.Cause#LOGIN_DELAYED}; when to try
     * again comes from the {@code LOGIN-DELAY} seconds the server's {@code CAPA} advertised.
     */
    private Optional<Finding> loginDelayCode(Evidence e) {
        if (!e.responseCode().filter("LOGIN-DELAY"::equals).isPresent()) {
            return Optional.empty();
        }
        String said = e.redacted(e.codedAnswer().orElseGet(e::firstMessage));
        return Optional.of(new Finding(Outcome.BUSY, Wording.loginDelayed(e.candidate(), said,
                e.advertised().loginDelaySeconds()), Explanation.Cause.LOGIN_DELAYED, null));
    }

    /**
     * The server is up but cannot serve the account now, by its code: IMAP {@code [UNAVAILABLE]} and {@code [INUSE]}
     * (RFC 5530), POP3 {@code [IN-USE]} (RFC 2449) and {@code [SYS/TEMP]} (RFC 3206). {@link Outcome#BUSY} whatever the
     * words around the code.
     */
    private Optional<Finding> busyCode(Evidence e) {
        return e.responseCode().filter(BUSY_CODES::contains).map(code -> new Finding(Outcome.BUSY,
                Wording.busy(e.candidate(), e.redacted(e.codedAnswer().orElseGet(e::firstMessage)),
                        Wording.responseCode(code, rfcOf(code)))));
    }

    /** IMAP {@code [PRIVACYREQUIRED]} (RFC 5530): the server takes no credentials without TLS. */
    private Optional<Finding> privacyRequiredCode(Evidence e) {
        return e.responseCode().filter("PRIVACYREQUIRED"::equals).map(code -> new Finding(Outcome.TLS_REQUIRED,
                Wording.tlsRequiredSaid(e.candidate(), e.redacted(e.codedAnswer().orElseGet(e::firstMessage)),
                        Wording.responseCode(code, "RFC 5530"))));
    }

    /**
     * A permanent failure of the server itself, by its code: POP3 {@code [SYS/PERM]} (RFC 3206: a system error, not
     * the user's credentials, "unlikely to be resolved without intervention", such as a damaged mailbox or a
     * configuration error) and IMAP {@code [SERVERBUG]} (RFC 5530). Not the password, and not a protocol the user
     * can switch on: the server is broken for this account until its administrators act, a
     * {@link Outcome#PROTOCOL_ERROR}, and the chain moves on.
     */
    private Optional<Finding> serverFailureCode(Evidence e) {
        return e.responseCode().filter(SERVER_FAILURE_CODES::contains).map(code -> new Finding(
                Outcome.PROTOCOL_ERROR, Wording.serverFailed(e.candidate(),
                        e.redacted(e.codedAnswer().orElseGet(e::firstMessage)), Wording.responseCode(code,
                                rfcOf(code)))));
    }

    /**
     * A code that says the credentials or the account were refused: IMAP {@code [AUTHENTICATIONFAILED]},
     * {@code [AUTHORIZATIONFAILED]} and {@code [EXPIRED]} (RFC 5530), and POP3 {@code [AUTH]} (RFC 3206) once the
     * server had accepted {@code USER}, so that it answers {@code PASS}. Never a TLS requirement nor a busy server,
     * whatever the words; within that kind, the words of a known server tell which refusal it is
     * ({@link #accountWordings}), else {@link Outcome#AUTH_FAILED}. A POP3 {@code [AUTH]} that answers {@code USER}
     * says nothing about the password and is left to the rules after this one.
     */
    private Optional<Finding> credentialsCode(Evidence e) {
        Optional<String> code = e.responseCode();
        if (code.isEmpty() || !e.loginStarted()) {
            return Optional.empty();
        }
        boolean credentials = e.candidate().protocol() == MailProtocol.IMAP ? CREDENTIAL_CODES.contains(code.get())
                : code.get().equals("AUTH") && e.passwordSent();
        if (!credentials) {
            return Optional.empty();
        }
        for (NamedRule wording : accountWordings) {
            Optional<Finding> refined = wording.rule().apply(e);
            if (refined.isPresent()) {
                return Optional.of(refined.get().by(wording.name()));
            }
        }
        return found(Outcome.AUTH_FAILED, Wording.credentialsRejected(e.candidate(),
                e.redacted(e.codedAnswer().orElseGet(e::firstMessage)), Wording.responseCode(code.get(),
                        rfcOf(code.get()))));
    }

    private static String rfcOf(String code) {
        return switch (code) {
            case "IN-USE", "LOGIN-DELAY" -> "RFC 2449";
            case "SYS/TEMP", "SYS/PERM", "AUTH" -> "RFC 3206";
            default -> "RFC 5530";
        };
    }

    // The connection itself

    private Optional<Finding> closed(Evidence e) {
        return e.mentions("eof on socket") || e.has(EOFException.class) && !e.isAuthFailure()
                ? found(Outcome.PROTOCOL_ERROR, Wording.closedUnexpectedly(e.candidate())) : Optional.empty();
    }

    private Optional<Finding> reset(Evidence e) {
        return e.mentions("connection reset")
                ? found(Outcome.NETWORK_ERROR, Wording.reset(e.candidate())) : Optional.empty();
    }

    private Optional<Finding> socket(Evidence e) {
        return e.has(SocketException.class)
                ? found(Outcome.NETWORK_ERROR, Wording.broken(e.candidate(), e.redacted(e.rootMessage())))
                : Optional.empty();
    }

    // Named servers' words, for answers without a decisive code

    /** The first message that contains one of {@code signs} (lower case), redacted; empty when none does. */
    private static Optional<String> saying(Evidence e, String... signs) {
        for (String sign : signs) {
            if (e.mentions(sign)) {
                return Optional.of(e.redacted(e.messageMentioning(sign)));
            }
        }
        return Optional.empty();
    }

    /**
     * Dovecot's refusal of a cleartext login when {@code disable_plaintext_auth} is on: POP3 {@code -ERR [AUTH]
     * Plaintext authentication disallowed on non-secure (SSL/TLS) connections.} (answering {@code USER}, so the
     * {@code [AUTH]} says nothing about a password), IMAP {@code * BAD [ALERT] Plaintext authentication not allowed
     * without SSL/TLS, but your client did it anyway.} {@link Outcome#TLS_REQUIRED}. Dovecot advertises this before:
     * IMAP {@code LOGINDISABLED}, a POP3 {@code CAPA} without {@code USER}; this rule is for the answer alone.
     */
    private Optional<Finding> dovecotPlaintextDisallowed(Evidence e) {
        return saying(e, "plaintext authentication disallowed", "plaintext authentication not allowed")
                .map(said -> new Finding(Outcome.TLS_REQUIRED, Wording.tlsRequiredSaid(e.candidate(), said,
                        Wording.wordingOf("Dovecot"))));
    }

    /**
     * Cyrus's answer to {@code USER} without TLS when {@code allowplaintext} is off: {@code -ERR [AUTH] USER command
     * only available under a layer}. {@link Outcome#TLS_REQUIRED}. Cyrus advertises this before: its {@code CAPA}
     * then lists {@code STLS} but not {@code USER}, and the library does not send {@code USER}; this rule is for
     * the answer alone.
     */
    private Optional<Finding> cyrusUserUnderALayer(Evidence e) {
        return saying(e, "user command only available under a layer")
                .map(said -> new Finding(Outcome.TLS_REQUIRED, Wording.tlsRequiredSaid(e.candidate(), said,
                        Wording.wordingOf("Cyrus"))));
    }

    /**
     * Gmail's answer when the user has switched the protocol off in Gmail's settings: IMAP {@code NO [ALERT] Your
     * account is not enabled for IMAP use. Please visit your Gmail settings page and enable your account for IMAP
     * access. (Failure)}, POP3 {@code -ERR POP access is disabled for your account} (or "... not enabled for POP
     * access"). {@link Outcome#SERVICE_DISABLED}.
     */
    private Optional<Finding> gmailServiceDisabled(Evidence e) {
        return saying(e, "not enabled for imap", "not enabled for pop", "pop access is disabled")
                .map(said -> new Finding(Outcome.SERVICE_DISABLED, Wording.serviceDisabled(e.candidate(), said,
                        Wording.wordingOf("Gmail"))));
    }

    /**
     * Courier's answer, after a good password, for an account whose {@code disableimap} or {@code disablepop3}
     * option is set: IMAP {@code * BYE IMAP access disabled for this account.}, POP3 {@code -ERR POP3 access disabled
     * for this account.} {@link Outcome#SERVICE_DISABLED}.
     */
    private Optional<Finding> courierServiceDisabled(Evidence e) {
        return saying(e, "imap access disabled for this account", "pop3 access disabled for this account")
                .map(said -> new Finding(Outcome.SERVICE_DISABLED, Wording.serviceDisabled(e.candidate(), said,
                        Wording.wordingOf("Courier"))));
    }

    /**
     * Microsoft 365's answer to a login it authenticated for a mailbox that IMAP or POP is switched off for (or
     * that it cannot reach): {@code User is authenticated but not connected.} {@link Outcome#SERVICE_DISABLED}.
     */
    private Optional<Finding> microsoftNotConnected(Evidence e) {
        return saying(e, "user is authenticated but not connected")
                .map(said -> new Finding(Outcome.SERVICE_DISABLED, Wording.serviceDisabled(e.candidate(), said,
                        Wording.wordingOf("Microsoft 365"))));
    }

    /**
     * Microsoft 365's refusal when SMTP AUTH is switched off for the tenant or the mailbox: {@code 535 5.7.139
     * Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit
     * https://aka.ms/smtp_auth_disabled for more information.} (or "... for the Mailbox"). Whatever the credentials,
     * password or token: {@link Outcome#SERVICE_DISABLED}.
     */
    private Optional<Finding> microsoftSmtpAuthDisabled(Evidence e) {
        return saying(e, "smtpclientauthentication is disabled", "aka.ms/smtp_auth_disabled")
                .map(said -> new Finding(Outcome.SERVICE_DISABLED, Wording.serviceDisabled(e.candidate(), said,
                        Wording.wordingOf("Microsoft 365"))));
    }

    /**
     * Microsoft's words for a password refused because basic authentication is off for the organisation, as its
     * servers say them (SMTP {@code 535 5.7.139 Authentication unsuccessful, basic authentication is disabled.},
     * and the policy's name, {@code BasicAuthBlocked}). {@link Outcome#OAUTH_REQUIRED}. Microsoft's IMAP says only
     * {@code AUTHENTICATE failed.}: see {@link #microsoftAuthenticateFailed}.
     */
    private Optional<Finding> microsoftBasicAuthDisabled(Evidence e) {
        return saying(e, "basic authentication is disabled", "basicauthblocked")
                .map(said -> new Finding(Outcome.OAUTH_REQUIRED, Wording.oauthRequiredSaid(e.candidate(), said,
                        Wording.wordingOf("Microsoft"))));
    }

    /**
     * Gmail's answer when it blocks a password sign-in from a mail program and wants the user in a web browser:
     * IMAP {@code NO [ALERT] Please log in via your web browser: https://support.google.com/mail/accounts/answer/78754
     * (Failure)}, and {@code [WEBALERT <url>] Web login required}; POP3 {@code -ERR [AUTH] Web login required:
     * https://support.google.com/mail/answer/78754}. Google no longer takes the account password from mail programs
     * (the page it names says to sign in with Google, or use an app password), so the password may well be right:
     * {@link Outcome#OAUTH_REQUIRED}.
     */
    private Optional<Finding> gmailWebLogin(Evidence e) {
        return saying(e, "please log in via your web browser", "web login required")
                .map(said -> new Finding(Outcome.OAUTH_REQUIRED, Wording.webLoginRequired(e.candidate(), said,
                        Wording.wordingOf("Gmail"))));
    }

    /**
     * Gmail's answer to the account password of an account with 2-Step Verification: IMAP {@code NO [ALERT]
     * Application-specific password required: https://support.google.com/accounts/answer/185833 (Failure)}, POP3
     * {@code -ERR [AUTH] Application-specific password required: https://support.google.com/accounts/answer/185833}.
     * {@link Outcome#APP_PASSWORD_REQUIRED}.
     */
    private Optional<Finding> gmailAppPassword(Evidence e) {
        return saying(e, "application-specific password required")
                .map(said -> new Finding(Outcome.APP_PASSWORD_REQUIRED, Wording.appPasswordRequired(e.candidate(),
                        said, Wording.wordingOf("Gmail"))));
    }

    /**
     * Gmail's answer when the account already has as many IMAP connections open as it allows (15):
     * {@code NO [ALERT] Too many simultaneous connections. (Failure)}. {@code [ALERT]} only asks for the text to be
     * shown; the words say "not now": {@link Outcome#BUSY}.
     */
    private Optional<Finding> gmailTooManyConnections(Evidence e) {
        return saying(e, "too many simultaneous connections")
                .map(said -> new Finding(Outcome.BUSY, Wording.busy(e.candidate(), said, Wording.wordingOf("Gmail"))));
    }

    /**
     * Microsoft's answer when it throttles a client or cannot reach the mailbox's server for the moment, without a
     * response code: IMAP {@code NO Server Unavailable. 15}, POP3 {@code -ERR Server Unavailable. 21} (the number is
     * Microsoft's internal reason). {@link Outcome#BUSY}.
     */
    private Optional<Finding> microsoftServerUnavailable(Evidence e) {
        return saying(e, "server unavailable.")
                .map(said -> new Finding(Outcome.BUSY, Wording.busy(e.candidate(), said,
                        Wording.wordingOf("Microsoft"))));
    }

    /**
     * Dovecot's answer to a SASL mechanism it does not offer: {@code NO Unsupported authentication mechanism.}
     * ({@code -ERR} on POP3). Says nothing about the password: {@link Outcome#PROTOCOL_ERROR}.
     */
    private Optional<Finding> dovecotUnsupportedMechanism(Evidence e) {
        return saying(e, "unsupported authentication mechanism")
                .map(said -> new Finding(Outcome.PROTOCOL_ERROR, Wording.mechanismRejected(e.candidate(), said,
                        Wording.wordingOf("Dovecot"))));
    }

    /**
     * Microsoft 365's refusal of a password, which it says the same way whether the password is wrong or passwords
     * are switched off for the organisation (as they are for IMAP and POP since Microsoft retired basic
     * authentication): IMAP {@code NO AUTHENTICATE failed.} or {@code NO LOGIN failed.}, POP3 {@code -ERR Logon
     * failure: unknown user name or bad password.}. Only when the server also advertises an OAuth2 mechanism
     * ({@code AUTH=XOAUTH2}, {@code SASL ... XOAUTH2}) does the detail say so: still {@link Outcome#AUTH_FAILED}, since
     * the password may be wrong, with the way out if it is not.
     */
    private Optional<Finding> microsoftAuthenticateFailed(Evidence e) {
        if (!e.isAuthFailure() || !e.loginStarted()) {
            return Optional.empty();
        }
        List<String> oauth = e.advertised().saslMechanisms().stream()
                .filter(m -> m.equals(OAuthSasl.OAUTHBEARER) || m.equals(OAuthSasl.XOAUTH2)).toList();
        String said = e.failure().getMessage() == null ? "" : e.failure().getMessage().strip();
        String lower = said.toLowerCase(Locale.ROOT);
        boolean microsoft = lower.equals("authenticate failed.") || lower.equals("login failed.")
                || lower.equals("logon failure: unknown user name or bad password.");
        return microsoft && !oauth.isEmpty()
                ? found(Outcome.AUTH_FAILED, Wording.credentialsRejectedOAuthOffered(e.candidate(), e.redacted(said),
                        String.join(" ", oauth), Wording.wordingOf("Microsoft 365")))
                : Optional.empty();
    }

    // What is left

    /** Jakarta Mail reports a refused login as an {@link AuthenticationFailedException}, whatever the words. */
    private Optional<Finding> credentials(Evidence e) {
        if (!e.isAuthFailure() || !e.loginStarted()) {
            return Optional.empty();
        }
        String said = e.failure().getMessage();
        return found(Outcome.AUTH_FAILED, Wording.credentialsRejected(e.candidate(),
                said == null ? "" : e.redacted(said.strip())));
    }

    private Optional<Finding> protocol(Evidence e) {
        ProtocolDriver driver = ProtocolDriver.of(e.candidate().protocol());
        String said = driver.knownFailure(e.firstMessage()).orElseGet(() -> e.redacted(e.firstMessage()));
        return found(Outcome.PROTOCOL_ERROR, Wording.notSpeaking(e.candidate(), e.candidate().protocol(), said));
    }
}
