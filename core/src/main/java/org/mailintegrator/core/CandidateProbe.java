package org.mailintegrator.core;

import jakarta.mail.MessagingException;
import jakarta.mail.Store;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Tries one candidate for real, with Jakarta Mail: connect, TLS, greeting, authenticate, close. */
final class CandidateProbe {
    private static final Logger log = LoggerFactory.getLogger(CandidateProbe.class);

    private final MailSessions sessions;
    private final FailureClassifier classifier;

    CandidateProbe(MailSessions sessions, FailureClassifier classifier) {
        this.sessions = sessions;
        this.classifier = classifier;
    }

    Attempt probe(MailAccount account, ProtocolCandidate candidate, SecretRedactor redactor) {
        if (!candidate.security().protectsCredentials()) {
            log.warn("The credentials of {} will cross the network in cleartext if {} answers: the policy lists "
                    + "this candidate without TLS", account.emailAddress(), candidate);
        }
        AtomicBoolean loginStarted = new AtomicBoolean();
        long start = System.nanoTime();
        Store store = sessions.newStore(candidate, account.username(), loginStarted);
        try {
            store.connect(candidate.host(), candidate.port(), account.username(), account.password());
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            log.debug("{} authenticated {} in {} ms", candidate, account.emailAddress(), elapsed.toMillis());
            return Attempt.of(candidate, Outcome.AUTHENTICATED, elapsed, "The server at " + candidate.host() + ":"
                    + candidate.port() + " accepted the credentials of " + account.username() + ".");
        } catch (MessagingException | RuntimeException failure) {
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            Boolean phase = candidate.protocol() == MailProtocol.IMAP ? loginStarted.get() : null;
            FailureClassifier.Classification verdict = classifier.classify(failure, candidate, phase, redactor);
            String detail = verdict.detail;
            log.debug("{} -> {} in {} ms: {}", candidate, verdict.outcome, elapsed.toMillis(), detail);
            return Attempt.of(candidate, verdict.outcome, elapsed, detail);
        } finally {
            closeQuietly(store, candidate);
        }
    }

    private static void closeQuietly(Store store, ProtocolCandidate candidate) {
        try {
            store.close();
        } catch (MessagingException | RuntimeException e) {
            log.debug("Closing the connection to {} failed: {}", candidate, e.getClass().getSimpleName());
        }
    }
}
