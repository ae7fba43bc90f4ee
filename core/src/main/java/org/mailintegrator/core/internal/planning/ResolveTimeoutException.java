package org.mailintegrator.core.internal.planning;

import java.io.IOException;
import java.time.Duration;

/** A host name lookup that did not finish within the connect timeout. */
public final class ResolveTimeoutException extends IOException {
    private static final long serialVersionUID = 1L;

    ResolveTimeoutException(String host, Duration timeout) {
        super("looking up " + host + " did not finish within " + timeout.toMillis() + " ms");
    }
}
