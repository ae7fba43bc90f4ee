package org.mailintegrator.cli;

import java.io.PrintWriter;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.IntegrationListener;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.ProtocolCandidate;

/**
 * {@code --progress}: one line on standard error as each attempt starts and ends, with the time since the command
 * started, e.g. {@code [+120 ms] IMAP/IMPLICIT_TLS mail.example.com:993 ... REFUSED}. Thread-safe: events arrive
 * from the integrator's threads.
 */
final class ProgressListener implements IntegrationListener {
    private final PrintWriter err;
    private final long started = System.nanoTime();

    ProgressListener(PrintWriter err) {
        this.err = err;
    }

    @Override
    public void attemptStart(Integration integration, ProtocolCandidate candidate) {
        print(candidate + " ...");
    }

    @Override
    public void attemptEnd(Integration integration, Attempt attempt) {
        print(attempt.candidate() + " ... " + attempt.outcome());
    }

    @Override
    public void integrationEnd(Integration integration, IntegrationResult result) {
        print(result.isIntegrated() ? "integrated with " + result.selected().get() : "not integrated");
    }

    private void print(String line) {
        long millis = (System.nanoTime() - started) / 1_000_000;
        synchronized (err) {
            err.println("[+" + millis + " ms] " + line);
            err.flush();
        }
    }
}
