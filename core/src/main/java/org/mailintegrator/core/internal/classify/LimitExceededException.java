package org.mailintegrator.core.internal.classify;

import java.io.IOException;

/**
 * A server broke a limit a mail server keeps (too much data, a line or a literal too long). Its message always
 * holds {@link #MARKER}: Angus Mail's POP3 store keeps only the message of what went wrong, not the exception.
 */
public final class LimitExceededException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The words every such message carries. */
    public static final String MARKER = "exceeds the limit";

    /** {@code what} says what the server did, e.g. "the server sent a line longer than 65536 bytes". */
    public LimitExceededException(String what) {
        super(what + ", which " + MARKER);
    }
}
