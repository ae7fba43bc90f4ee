package org.mailintegrator.core.internal.classify;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import jakarta.mail.MessagingException;

/**
 * A copy of an exception chain that can be kept and shown: each link keeps the original's type name and stack
 * trace, its message goes through the {@link SecretRedactor}. Jakarta Mail's "next exception" is followed where an
 * exception has no cause.
 */
public final class RedactedFailure extends Exception {
    private static final long serialVersionUID = 1L;
    private static final int MAX_DEPTH = 16;

    private final String type;

    private RedactedFailure(String type, String message) {
        super(message);
        this.type = type;
    }

    /** The redacted copy of {@code failure} and its causes. */
    public static RedactedFailure of(Throwable failure, SecretRedactor redactor) {
        return copy(failure, redactor, Collections.newSetFromMap(new IdentityHashMap<>()), 0);
    }

    private static RedactedFailure copy(Throwable original, SecretRedactor redactor, Set<Throwable> seen,
            int depth) {
        seen.add(original);
        String message = original.getMessage() == null ? "" : redactor.redact(original.getMessage());
        RedactedFailure copy = new RedactedFailure(original.getClass().getName(), message);
        copy.setStackTrace(original.getStackTrace());
        Throwable next = original.getCause();
        if (next == null && original instanceof MessagingException) {
            next = ((MessagingException) original).getNextException();
        }
        if (next != null && !seen.contains(next) && depth < MAX_DEPTH) {
            copy.initCause(copy(next, redactor, seen, depth + 1));
        }
        return copy;
    }

    /** The class name of the original exception. */
    public String originalType() {
        return type;
    }

    @Override
    public String toString() {
        String message = getMessage();
        return message == null || message.isEmpty() ? type : type + ": " + message;
    }
}
