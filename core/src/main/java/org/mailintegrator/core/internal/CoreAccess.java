package org.mailintegrator.core.internal;

import java.io.IOException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.internal.protocol.MailSessions;

/**
 * What the library's own packages may read of the API types that the public cannot: an account's password and an
 * integrator's Jakarta Mail settings. The API package installs the one implementation when {@link Integrator} is
 * initialised; this package is not exported from the module.
 */
public abstract class CoreAccess {
    private static volatile @Nullable CoreAccess instance;

    /** Installs the implementation; only the API package calls this, once. */
    public static void install(CoreAccess access) {
        instance = Objects.requireNonNull(access, "access");
    }

    /** The implementation; available once any {@link Integrator} exists. */
    public static CoreAccess get() {
        CoreAccess access = instance;
        if (access == null) {
            throw new IllegalStateException("the core API is not initialised");
        }
        return access;
    }

    /**
     * The account's user name and secret; a token source is asked for a token.
     *
     * @throws IOException if the token source gives none
     */
    public abstract Credentials credentials(MailAccount account) throws IOException;

    /** How the integrator builds Jakarta Mail sessions and stores. */
    public abstract MailSessions sessions(Integrator integrator);
}
