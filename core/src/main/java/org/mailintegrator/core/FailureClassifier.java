package org.mailintegrator.core;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
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
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLException;
import org.eclipse.angus.mail.util.MailConnectException;

/**
 * Turns the exception of a failed attempt into an {@link Outcome} and a sentence for a help-desk person.
 *
 * <p>Jakarta Mail reports causes unevenly: IMAP keeps the cause chain, while POP3 folds most I/O failures into an
 * {@link AuthenticationFailedException} carrying only the original message. The order of the checks below
 * therefore goes from the most certain evidence (exception types in the chain) to Angus Mail's fixed messages.
 * Text that came from the server or an exception passes through the {@link SecretRedactor}, since a hostile
 * server can echo the password; the library's own words do not, so that a short password cannot garble them.
 */
final class FailureClassifier {
    /** What was classified. */
    static final class Classification {
        final Outcome outcome;
        final String detail;

        Classification(Outcome outcome, String detail) {
            this.outcome = outcome;
            this.detail = detail;
        }
    }

    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Duration authTimeout;

    FailureClassifier(Duration connectTimeout, Duration readTimeout, Duration authTimeout) {
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.authTimeout = authTimeout;
    }

    /**
     * @param loginStarted whether the client had begun to send credentials when it failed (from the attempt's
     *     credential gate)
     */
    Classification classify(Throwable failure, ProtocolCandidate candidate, boolean loginStarted,
            SecretRedactor redactor) {
        List<Throwable> chain = chainOf(failure);
        String where = candidate.host() + ":" + candidate.port();
        boolean duringConnect = has(chain, MailConnectException.class);

        if (has(chain, Negotiation.UnprotectedSessionException.class)) {
            return new Classification(Outcome.TLS_FAILED, "The server at " + where + " declared the session "
                    + "authenticated (PREAUTH) before TLS was established; an unprotected session is not used.");
        }
        if (has(chain, Negotiation.ResolveTimeoutException.class)) {
            return new Classification(Outcome.TIMED_OUT, "The name " + candidate.host() + " could not be resolved "
                    + "in time: the DNS resolver did not answer within " + millis(connectTimeout) + ".");
        }
        if (messageContains(chain, GuardedInputStream.LIMIT)) {
            return new Classification(Outcome.PROTOCOL_ERROR, "The server at " + where + " broke the limits a mail "
                    + "server keeps: " + limitMessage(chain) + ".");
        }
        if (has(chain, UnknownHostException.class)) {
            return new Classification(Outcome.UNKNOWN_HOST,
                    "The host name " + candidate.host() + " does not resolve (DNS lookup failed).");
        }
        if (has(chain, ConnectException.class) && !has(chain, SocketTimeoutException.class)) {
            return new Classification(Outcome.REFUSED, "The connection to " + where
                    + " was refused: nothing listens there (the service is stopped, or a firewall rejects it).");
        }
        if (has(chain, NoRouteToHostException.class)) {
            return new Classification(Outcome.NETWORK_ERROR,
                    "There is no route to " + candidate.host() + ": the network or a firewall blocks it.");
        }
        if (has(chain, SocketTimeoutException.class) || timeoutMessage(chain)) {
            if (duringConnect) {
                return new Classification(Outcome.TIMED_OUT, "Connecting to " + where + " did not complete within "
                        + millis(connectTimeout) + ": a firewall may be dropping the packets, or the host is down.");
            }
            if (loginStarted) {
                return new Classification(Outcome.TIMED_OUT, "The server at " + where + " did not answer the login "
                        + "within " + millis(authTimeout) + ".");
            }
            return new Classification(Outcome.TIMED_OUT, "The server at " + where
                    + " accepted the connection but did not answer within " + millis(readTimeout) + ".");
        }
        Classification tls = tlsFailure(chain, candidate, redactor);
        if (tls != null) {
            return tls;
        }
        if (candidate.security() == Security.STARTTLS) {
            Classification startTls = startTlsFailure(chain, candidate, loginStarted);
            if (startTls != null) {
                return startTls;
            }
        }
        Classification busy = busy(chain, candidate, redactor);
        if (busy != null) {
            return busy;
        }
        if (messageContains(chain, "EOF on socket") || has(chain, EOFException.class) && !isAuthFailure(failure)) {
            return new Classification(Outcome.PROTOCOL_ERROR,
                    "The server at " + where + " closed the connection unexpectedly.");
        }
        if (messageContains(chain, "connection reset")) {
            return new Classification(Outcome.NETWORK_ERROR,
                    "The connection to " + where + " was reset by the server or a device on the way.");
        }
        if (has(chain, SocketException.class)) {
            return new Classification(Outcome.NETWORK_ERROR,
                    "The connection to " + where + " was broken: " + redactor.redact(rootMessage(chain)) + ".");
        }
        Classification refusal = loginRefusal(chain, candidate, redactor);
        if (refusal != null) {
            return refusal;
        }
        if (isAuthFailure(failure) && loginStarted) {
            String said = failure.getMessage();
            return new Classification(Outcome.AUTH_FAILED, "The server at " + where + " rejected the credentials"
                    + (said == null || said.isBlank() ? "." : ": \"" + redactor.redact(said.strip()) + "\""));
        }
        String said = candidate.protocol() == MailProtocol.POP3 && "Connect failed".equals(firstMessage(chain))
                ? "its greeting was not \"+OK\"" : redactor.redact(firstMessage(chain));
        return new Classification(Outcome.PROTOCOL_ERROR, "The server at " + where + " did not speak "
                + candidate.protocol() + " as expected: " + said + ".");
    }

    private static final String[] TLS_REQUIRED_SIGNS = {"no login methods supported", "logindisabled",
        "[privacyrequired]", "plaintext authentication disallowed", "plaintext authentication not allowed",
        "cleartext logins disabled", "must issue a starttls command first"};
    private static final String[] SERVICE_DISABLED_SIGNS = {"not enabled for imap", "not enabled for pop",
        "imap access is disabled", "pop access is disabled", "imap is disabled", "pop is disabled",
        "pop3 is disabled", "imap access disabled", "pop access disabled", "protocol is disabled",
        "user is authenticated but not connected", "web login required"};

    /** What servers say when they are up but cannot serve this client now. */
    private static final String[] BUSY_SIGNS = {"[unavailable]", "[inuse]", "[in-use]", "[sys/temp]",
        "maximum number of connections", "too many simultaneous connections", "too many connections",
        "mailbox is locked", "mailbox locked", "unable to lock maildrop", "maildrop already locked",
        "server is busy"};

    private static Classification busy(List<Throwable> chain, ProtocolCandidate candidate, SecretRedactor redactor) {
        String messages = allMessages(chain);
        for (String sign : BUSY_SIGNS) {
            if (messages.contains(sign)) {
                return new Classification(Outcome.BUSY, "The server at " + candidate.host() + ":" + candidate.port()
                        + " is up but cannot serve this account now: \"" + redactor.redact(serverMessage(chain))
                        + "\"");
            }
        }
        return null;
    }

    /** The first message that mentions a busy sign, or the first message. */
    private static String serverMessage(List<Throwable> chain) {
        for (Throwable t : chain) {
            String message = t.getMessage();
            if (message != null) {
                String lower = message.toLowerCase(Locale.ROOT);
                for (String sign : BUSY_SIGNS) {
                    if (lower.contains(sign)) {
                        return message.strip();
                    }
                }
            }
        }
        return firstMessage(chain);
    }

    /** A login refused for a reason other than the credentials: TLS required, or the service switched off. */
    private static Classification loginRefusal(List<Throwable> chain, ProtocolCandidate candidate,
            SecretRedactor redactor) {
        String messages = allMessages(chain);
        String where = candidate.host() + ":" + candidate.port();
        for (String sign : TLS_REQUIRED_SIGNS) {
            if (messages.contains(sign)) {
                String said = messages.contains("no login methods supported")
                        ? "it advertises LOGINDISABLED, so the password was not sent"
                        : redactor.redact(firstMessage(chain));
                return new Classification(Outcome.TLS_REQUIRED, "The server at " + where
                        + " refuses to take credentials without TLS (" + said + "); use a candidate with TLS.");
            }
        }
        if (messages.contains("unsupported authentication mechanism")) {
            return new Classification(Outcome.PROTOCOL_ERROR, "The server at " + where + " does not accept the "
                    + "login method the client used (" + redactor.redact(firstMessage(chain)) + "); this says "
                    + "nothing about the password.");
        }
        for (String sign : SERVICE_DISABLED_SIGNS) {
            if (messages.contains(sign)) {
                return new Classification(Outcome.SERVICE_DISABLED, "The server at " + where + " says "
                        + candidate.protocol() + " is not enabled for this account: \""
                        + redactor.redact(firstMessage(chain)) + "\"");
            }
        }
        return null;
    }

    private static Classification tlsFailure(List<Throwable> chain, ProtocolCandidate candidate,
            SecretRedactor redactor) {
        if (!has(chain, SSLException.class) && !has(chain, CertificateException.class)) {
            return null;
        }
        String where = candidate.host() + ":" + candidate.port();
        String messages = allMessages(chain);
        String reason;
        if (has(chain, CertificateExpiredException.class) || messages.contains("validity check failed")) {
            reason = "its certificate has expired";
        } else if (has(chain, CertificateNotYetValidException.class)) {
            reason = "its certificate is not valid yet";
        } else if (messages.contains("no subject alternative") || messages.contains("no name matching")) {
            reason = "its certificate does not name " + candidate.host();
        } else if (has(chain, CertPathValidatorException.class)
                || messages.contains("unable to find valid certification path")
                || messages.contains("path building failed")) {
            reason = "its certificate is not issued by a trusted authority";
        } else if (messages.contains("unsupported or unrecognized ssl message")
                || messages.contains("plaintext connection")) {
            reason = "it does not speak TLS on this port";
        } else {
            reason = "the TLS handshake failed (" + redactor.redact(firstMessage(chain)) + ")";
        }
        return new Classification(Outcome.TLS_FAILED,
                "A secure connection to " + where + " could not be established: " + reason + ".");
    }

    private static Classification startTlsFailure(List<Throwable> chain, ProtocolCandidate candidate,
            boolean loginStarted) {
        String command = candidate.protocol() == MailProtocol.IMAP ? "STARTTLS" : "STLS";
        String where = candidate.host() + ":" + candidate.port();
        String messages = allMessages(chain);
        if (messages.contains("not supported")
                && (messages.contains("starttls") || messages.contains("stls"))) {
            return new Classification(Outcome.TLS_FAILED, "The server at " + where + " does not offer " + command
                    + ", so the credentials were not sent over the unprotected connection.");
        }
        if (messages.contains("stls required but failed") || messages.contains("starttls failure")
                || !loginStarted) {
            return new Classification(Outcome.TLS_FAILED, "The server at " + where + " refused " + command
                    + ", so the credentials were not sent over the unprotected connection.");
        }
        return null;
    }

    private static boolean isAuthFailure(Throwable failure) {
        return failure instanceof AuthenticationFailedException;
    }

    private static boolean timeoutMessage(List<Throwable> chain) {
        return messageContains(chain, "timed out");
    }

    private static List<Throwable> chainOf(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Throwable> pending = new ArrayList<>();
        pending.add(failure);
        while (!pending.isEmpty()) {
            Throwable t = pending.remove(0);
            if (t == null || !seen.add(t)) {
                continue;
            }
            chain.add(t);
            pending.add(t.getCause());
            if (t instanceof MessagingException) {
                pending.add(((MessagingException) t).getNextException());
            }
            Collections.addAll(pending, t.getSuppressed());
        }
        return chain;
    }

    private static boolean has(List<Throwable> chain, Class<? extends Throwable> type) {
        return chain.stream().anyMatch(type::isInstance);
    }

    private static boolean messageContains(List<Throwable> chain, String lowerCaseText) {
        return allMessages(chain).contains(lowerCaseText);
    }

    private static String allMessages(List<Throwable> chain) {
        StringBuilder all = new StringBuilder();
        for (Throwable t : chain) {
            if (t.getMessage() != null) {
                all.append(t.getMessage().toLowerCase(Locale.ROOT)).append('\n');
            }
        }
        return all.toString();
    }

    private static String firstMessage(List<Throwable> chain) {
        for (Throwable t : chain) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage().strip();
            }
        }
        return chain.get(0).getClass().getSimpleName();
    }

    private static String limitMessage(List<Throwable> chain) {
        for (Throwable t : chain) {
            if (t.getMessage() != null && t.getMessage().contains(GuardedInputStream.LIMIT)) {
                return t.getMessage().strip();
            }
        }
        return firstMessage(chain);
    }

    private static String rootMessage(List<Throwable> chain) {
        Throwable root = chain.get(0);
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null && !root.getMessage().isBlank() ? root.getMessage().strip()
                : firstMessage(chain);
    }

    private static String millis(Duration duration) {
        return duration.toMillis() + " ms";
    }
}
