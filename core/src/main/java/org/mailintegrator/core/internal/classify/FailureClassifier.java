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
import java.util.Optional;
import java.util.function.BiFunction;
import javax.net.ssl.SSLException;
import org.eclipse.angus.mail.util.MailConnectException;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.Explanation;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;
import org.mailintegrator.core.internal.Wording;
import org.mailintegrator.core.internal.planning.ResolveTimeoutException;
import org.mailintegrator.core.internal.protocol.ProtocolDriver;

/**
 * Turns the exception of a failed attempt into a {@link Verdict}: the first of an ordered list of {@link Rule}s
 * that recognises the failure decides, and the failure is kept, redacted, as the verdict's cause.
 *
 * <p>Jakarta Mail reports causes unevenly: IMAP keeps the cause chain, while POP3 folds most I/O failures into an
 * {@link AuthenticationFailedException} carrying only the original message. The rules therefore go from the most
 * certain evidence (exception types in the chain) to Angus Mail's fixed messages and the servers' words. Text
 * that came from the server or an exception passes through the {@link SecretRedactor}, since a hostile server can
 * echo the password; the sentences around it come from {@link Wording}. Immutable and thread-safe.
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
     * not tell it (which of the ways TLS can fail), else null.
     */
    record Finding(Outcome outcome, String detail, Explanation.@Nullable Cause explainedAs) {
        Finding(Outcome outcome, String detail) {
            this(outcome, detail, null);
        }
    }

    private record NamedRule(String name, Rule rule) {
    }

    private static final String[] TLS_REQUIRED_SIGNS = {"no login methods supported", "logindisabled",
        "[privacyrequired]", "plaintext authentication disallowed", "plaintext authentication not allowed",
        "cleartext logins disabled", "must issue a starttls command first"};
    private static final String[] SERVICE_DISABLED_SIGNS = {"not enabled for imap", "not enabled for pop",
        "imap access is disabled", "pop access is disabled", "imap is disabled", "pop is disabled",
        "pop3 is disabled", "imap access disabled", "pop access disabled", "protocol is disabled",
        "user is authenticated but not connected", "web login required"};
    private static final String[] OAUTH_REQUIRED_SIGNS = {"basic authentication is disabled",
        "basic authentication is not supported", "basicauthblocked", "basic auth is blocked",
        "basic auth is disabled", "oauth2 authentication required", "use oauth"};
    private static final String[] APP_PASSWORD_SIGNS = {"application-specific password required",
        "app password required", "app-specific password required"};
    /** What servers say when they are up but cannot serve this client now. */
    private static final String[] BUSY_SIGNS = {"[unavailable]", "[inuse]", "[in-use]", "[sys/temp]",
        "maximum number of connections", "too many simultaneous connections", "too many connections",
        "mailbox is locked", "mailbox locked", "unable to lock maildrop", "maildrop already locked",
        "server is busy"};

    /** The rules, most certain first; the last one always answers. */
    private final List<NamedRule> rules = List.of(
            new NamedRule("preauth-before-tls", this::preauthBeforeTls),
            new NamedRule("oauth-not-offered", this::oauthNotOffered),
            new NamedRule("oauth-only-advertised", this::oauthOnlyAdvertised),
            new NamedRule("resolve-timeout", this::resolveTimeout),
            new NamedRule("limit", this::limit),
            new NamedRule("unknown-host", this::unknownHost),
            new NamedRule("refused", this::refused),
            new NamedRule("no-route", this::noRoute),
            new NamedRule("timeout", this::timeout),
            new NamedRule("tls", this::tls),
            new NamedRule("starttls", this::startTls),
            new NamedRule("busy", this::busy),
            new NamedRule("closed", this::closed),
            new NamedRule("reset", this::reset),
            new NamedRule("socket", this::socket),
            new NamedRule("tls-required", this::tlsRequired),
            new NamedRule("mechanism", this::mechanism),
            new NamedRule("service-disabled", this::serviceDisabled),
            new NamedRule("oauth-required", this::oauthRequired),
            new NamedRule("app-password", this::appPassword),
            new NamedRule("token-rejected", this::tokenRejected),
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
     * @param loginStarted whether the client had begun to send credentials when it failed (from the attempt's
     *     credential gate)
     */
    public Verdict classify(Throwable failure, ProtocolCandidate candidate, boolean loginStarted,
            SecretRedactor redactor) {
        Evidence evidence = new Evidence(failure, candidate, loginStarted, redactor);
        for (NamedRule named : rules) {
            Optional<Finding> finding = named.rule().apply(evidence);
            if (finding.isPresent()) {
                return new Verdict(finding.get().outcome(), finding.get().detail(), named.name(),
                        RedactedFailure.of(failure, redactor), finding.get().explainedAs());
            }
        }
        throw new IllegalStateException("the last rule always answers");
    }

    private static Optional<Finding> found(Outcome outcome, String detail) {
        return Optional.of(new Finding(outcome, detail));
    }

    /** A TLS failure and which one it is. */
    private static Optional<Finding> tlsFailed(Explanation.Cause cause, String detail) {
        return Optional.of(new Finding(Outcome.TLS_FAILED, detail, cause));
    }

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

    private Optional<Finding> oauthOnlyAdvertised(Evidence e) {
        return e.first(OAuthRequiredException.class)
                .map(required -> new Finding(Outcome.OAUTH_REQUIRED,
                        Wording.oauthOnlyAdvertised(e.candidate(), required.mechanisms())));
    }

    /** What providers say to a password once they accept only OAuth2. */
    private Optional<Finding> oauthRequired(Evidence e) {
        return saying(e, OAUTH_REQUIRED_SIGNS, Outcome.OAUTH_REQUIRED, Wording::oauthRequiredSaid);
    }

    private Optional<Finding> appPassword(Evidence e) {
        return saying(e, APP_PASSWORD_SIGNS, Outcome.APP_PASSWORD_REQUIRED, Wording::appPasswordRequired);
    }

    /** The first of {@code signs} the failure mentions decides, with the message that says it. */
    private static Optional<Finding> saying(Evidence e, String[] signs, Outcome outcome,
            BiFunction<ProtocolCandidate, String, String> sentence) {
        for (String sign : signs) {
            if (e.mentions(sign)) {
                return found(outcome, sentence.apply(e.candidate(), e.redacted(e.messageMentioning(sign))));
            }
        }
        return Optional.empty();
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
     * connection was never protected ({@link Explanation.Cause#STARTTLS_NOT_OFFERED}).
     */
    private Optional<Finding> startTls(Evidence e) {
        if (e.candidate().security() != Security.STARTTLS) {
            return Optional.empty();
        }
        String command = ProtocolDriver.of(e.candidate().protocol()).startTlsCommand();
        if (e.mentions("not supported") && (e.mentions("starttls") || e.mentions("stls"))) {
            return tlsFailed(Explanation.Cause.STARTTLS_NOT_OFFERED, Wording.startTlsNotOffered(e.candidate(), command));
        }
        if (e.mentions("stls required but failed") || e.mentions("starttls failure") || !e.loginStarted()) {
            return tlsFailed(Explanation.Cause.STARTTLS_NOT_OFFERED, Wording.startTlsRefused(e.candidate(), command));
        }
        return Optional.empty();
    }

    private Optional<Finding> busy(Evidence e) {
        return saying(e, BUSY_SIGNS, Outcome.BUSY, Wording::busy);
    }

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

    private Optional<Finding> tlsRequired(Evidence e) {
        for (String sign : TLS_REQUIRED_SIGNS) {
            if (e.mentions(sign)) {
                String said = e.mentions("no login methods supported") ? Wording.loginDisabledAdvertised()
                        : e.redacted(e.firstMessage());
                return found(Outcome.TLS_REQUIRED, Wording.tlsRequired(e.candidate(), said));
            }
        }
        return Optional.empty();
    }

    private Optional<Finding> mechanism(Evidence e) {
        return e.mentions("unsupported authentication mechanism")
                ? found(Outcome.PROTOCOL_ERROR, Wording.mechanismRejected(e.candidate(), e.redacted(e.firstMessage())))
                : Optional.empty();
    }

    private Optional<Finding> serviceDisabled(Evidence e) {
        for (String sign : SERVICE_DISABLED_SIGNS) {
            if (e.mentions(sign)) {
                return found(Outcome.SERVICE_DISABLED,
                        Wording.serviceDisabled(e.candidate(), e.redacted(e.firstMessage())));
            }
        }
        return Optional.empty();
    }

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
