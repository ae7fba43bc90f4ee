package org.mailintegrator.core.internal.classify;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.mailintegrator.core.ProtocolCandidate;

/**
 * A failed attempt as the classifier's rules see it: the whole exception chain (causes, Jakarta Mail's next
 * exceptions, suppressed ones), its messages, and what the attempt knew. Not thread-safe; one per classification.
 */
final class Evidence {
    private final Throwable failure;
    private final ProtocolCandidate candidate;
    private final boolean loginStarted;
    private final SecretRedactor redactor;
    private final List<Throwable> chain;
    private final String messages;

    Evidence(Throwable failure, ProtocolCandidate candidate, boolean loginStarted, SecretRedactor redactor) {
        this.failure = failure;
        this.candidate = candidate;
        this.loginStarted = loginStarted;
        this.redactor = redactor;
        this.chain = chainOf(failure);
        StringBuilder all = new StringBuilder();
        for (Throwable t : chain) {
            if (t.getMessage() != null) {
                all.append(t.getMessage().toLowerCase(Locale.ROOT)).append('\n');
            }
        }
        this.messages = all.toString();
    }

    Throwable failure() {
        return failure;
    }

    ProtocolCandidate candidate() {
        return candidate;
    }

    /** Whether the client had begun to send credentials when it failed. */
    boolean loginStarted() {
        return loginStarted;
    }

    boolean isAuthFailure() {
        return failure instanceof AuthenticationFailedException;
    }

    /** Whether an exception of {@code type} is anywhere in the chain. */
    boolean has(Class<? extends Throwable> type) {
        return chain.stream().anyMatch(type::isInstance);
    }

    /** The first exception of {@code type} in the chain. */
    <T extends Throwable> Optional<T> first(Class<T> type) {
        return chain.stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    /** Whether any message in the chain contains {@code lowerCaseText}, ignoring case. */
    boolean mentions(String lowerCaseText) {
        return messages.contains(lowerCaseText);
    }

    /** The first message that contains {@code lowerCaseText} (ignoring case), else the first message. */
    String messageMentioning(String lowerCaseText) {
        for (Throwable t : chain) {
            String message = t.getMessage();
            if (message != null && message.toLowerCase(Locale.ROOT).contains(lowerCaseText)) {
                return message.strip();
            }
        }
        return firstMessage();
    }

    /** The first non-blank message in the chain, else the failure's type. */
    String firstMessage() {
        for (Throwable t : chain) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage().strip();
            }
        }
        return failure.getClass().getSimpleName();
    }

    /** The message of the innermost cause, else the first message. */
    String rootMessage() {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null && !root.getMessage().isBlank() ? root.getMessage().strip()
                : firstMessage();
    }

    /** Text that came from a server or an exception, with any form of the password masked. */
    String redacted(String text) {
        return redactor.redact(text);
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
}
