package org.mailintegrator.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.IntegrationPair;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Phase;
import org.mailintegrator.core.ProtocolCandidate;

/**
 * What the single-account command prints on standard output: a table of the attempts and the verdict, the
 * explanation with {@code --explain}, or nothing but the saved result with {@code --json}. Not thread-safe.
 */
final class Report {
    private final PrintWriter out;
    private final boolean explain;
    private final boolean json;

    Report(PrintWriter out, boolean explain, boolean json) {
        this.out = out;
        this.explain = explain;
        this.json = json;
    }

    /** Prints {@code result}; returns the exit status it means. */
    int print(IntegrationResult result) {
        if (json) {
            out.println(result.toJson());
        } else {
            table(result);
            if (explain) {
                out.println();
                out.println(result.explain());
            }
        }
        out.flush();
        return result.isIntegrated() ? MailIntegratorCli.INTEGRATED : MailIntegratorCli.NOT_INTEGRATED;
    }

    /** Prints both directions; the status is "integrated" only when both are. */
    int print(IntegrationPair pair) {
        if (json) {
            out.println(pair.toJson());
        } else {
            out.println("Incoming mail:");
            table(pair.incoming());
            out.println();
            out.println("Outgoing mail:");
            table(pair.outgoing());
            if (explain) {
                out.println();
                out.println(pair.explain());
            }
        }
        out.flush();
        return pair.isIntegrated() ? MailIntegratorCli.INTEGRATED : MailIntegratorCli.NOT_INTEGRATED;
    }

    /** Prints a line of text, unless the output is JSON. */
    void say(String line) {
        if (!json) {
            out.println(line);
        }
    }

    private void table(IntegrationResult result) {
        attempts(result.attempts());
        result.discovered().ifPresent(found -> {
            found.notes().forEach(note -> out.println("Discovery: " + note));
            for (int i = 0; i < result.attempts().size(); i++) {
                int number = i + 1;
                result.attempts().get(i).provenance().ifPresent(from -> out.println("Host of #" + number + " from "
                        + from));
            }
        });
        if (result.selected().isPresent()) {
            out.println("Integrated with " + result.selected().get() + " in " + result.elapsed().toMillis() + " ms");
            for (Attempt busy : result.busyBeforeSelected()) {
                out.println("Note: " + busy.candidate() + " is preferred but was busy; run again later to move the "
                        + "account to it.");
            }
        } else {
            out.println("Not integrated: no candidate authenticated (" + result.elapsed().toMillis() + " ms).");
        }
    }

    /** One row per attempt, columns aligned; the detail sentence comes last, unpadded. */
    private void attempts(List<Attempt> attempts) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"#", "protocol", "security", "host:port", "outcome", "phase", "ms", "detail"});
        for (int i = 0; i < attempts.size(); i++) {
            Attempt attempt = attempts.get(i);
            ProtocolCandidate candidate = attempt.candidate();
            rows.add(new String[] {Integer.toString(i + 1), candidate.protocol().toString(),
                    candidate.security().toString(), hostAndPort(candidate), attempt.outcome().toString(),
                    attempt.phase() == Phase.NOT_STARTED ? "-" : attempt.phase().toString(),
                    Long.toString(attempt.elapsed().toMillis()), attempt.detail()});
        }
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int column = 0; column < row.length; column++) {
                widths[column] = Math.max(widths[column], row[column].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int column = 0; column < row.length; column++) {
                boolean number = column == 0 || column == 6;
                boolean last = column == row.length - 1;
                String padding = last ? "" : " ".repeat(widths[column] - row[column].length());
                line.append(number ? padding + row[column] : row[column] + padding);
                if (!last) {
                    line.append("  ");
                }
            }
            out.println(line.toString().stripTrailing());
        }
    }

    private static String hostAndPort(ProtocolCandidate candidate) {
        String host = candidate.host().indexOf(':') >= 0 ? "[" + candidate.host() + "]" : candidate.host();
        return host + ":" + candidate.port();
    }
}
