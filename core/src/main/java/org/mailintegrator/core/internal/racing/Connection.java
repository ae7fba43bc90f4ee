package org.mailintegrator.core.internal.racing;

import org.mailintegrator.core.Phase;

/** What the race needs of an attempt's connection: whether it is up, where it got to, and a way to stop it. */
public interface Connection {
    /** Whether a TCP connection to the server was established: the server is alive and is waited for. */
    boolean isConnected();

    /** The phase the attempt is in. */
    Phase phase();

    /** Closes every socket of the attempt now, from any thread; blocked reads and connects fail at once. */
    void closeAll();
}
