package org.mailintegrator.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FixtureStartupBenchmarkTest {
    @Test
    void measuresAndPrintsStartAndCloseFigures() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        FixtureStartupBenchmark.Figures figures =
                FixtureStartupBenchmark.measure(3, new PrintStream(out, true, StandardCharsets.UTF_8));

        assertThat(figures.start[1]).isPositive().isLessThanOrEqualTo(figures.start[0]);
        assertThat(figures.start[0]).isLessThanOrEqualTo(figures.start[2]);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("3 runs after 3 warm-up", "first start", "start: median", "close: median");
        assertThat(figures.coldStart).isPositive();
    }
}
