package org.mailintegrator.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The benchmark program runs and measures what it says; the full run is documented in docs/benchmarks.md. */
class NegotiationBenchmarkTest {
    @Test
    void measuresTheLibraryTheNaiveLoopAndTheWinnerAloneSideBySide() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Set<String> quick = Set.of("all up", "top 1 refused", "wrong password");

        List<NegotiationBenchmark.Row> rows =
                NegotiationBenchmark.scenarios(2, new PrintStream(out, true, StandardCharsets.UTF_8), quick::contains);

        assertThat(rows).extracting(row -> row.scenario).containsExactly("all up", "top 1 refused", "wrong password");
        assertThat(rows.get(0).library).hasSize(2);
        assertThat(rows.get(0).naive).hasSize(2);
        assertThat(rows.get(0).alone).hasSize(2);
        NegotiationBenchmark.Row wrongPassword = rows.get(2);
        assertThat(wrongPassword.libraryLogins).isEqualTo(4).isLessThanOrEqualTo(wrongPassword.naiveLogins);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("| all up |", "| wrong password |");
    }

    @Test
    void soakCountsCorrectIntegrationsAndBoundsTheLibrarysThreads() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        NegotiationBenchmark.Soak soak =
                NegotiationBenchmark.soak(300, 20, new PrintStream(out, true, StandardCharsets.UTF_8));

        assertThat(soak.correct).isEqualTo(300);
        assertThat(soak.peakLibraryThreads).as("128 attempt threads, 16 lookup threads, one timer")
                .isPositive().isLessThanOrEqualTo(145);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("300 integrations, 20 at a time");
    }
}
