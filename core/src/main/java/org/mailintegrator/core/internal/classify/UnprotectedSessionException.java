package org.mailintegrator.core.internal.classify;

/** A session the server declared authenticated (PREAUTH) before TLS was in place, on a candidate that needs TLS. */
public final class UnprotectedSessionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnprotectedSessionException() {
        super("the server declared the session authenticated (PREAUTH) before TLS was established");
    }
}
