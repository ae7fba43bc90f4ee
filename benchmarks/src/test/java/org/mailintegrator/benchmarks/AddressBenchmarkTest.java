package org.mailintegrator.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The address benchmark runs and measures its four rows; the full run is documented in docs/benchmarks.md. */
class AddressBenchmarkTest {
    @Test
    void measuresADeadFirstAddressAndASilentResolverAgainstTheirTargets() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        List<AddressBenchmark.Row> rows = AddressBenchmark.run(2, new PrintStream(out, true, StandardCharsets.UTF_8));

        assertThat(rows).extracting(row -> row.name).hasSize(4).first().asString().contains("winner alone");
        assertThat(rows.get(2).medianMillis).as(out.toString(StandardCharsets.UTF_8))
                .isGreaterThanOrEqualTo(AddressBenchmark.ADDRESS_STAGGER.toMillis())
                .isLessThan(AddressBenchmark.CONNECT_TIMEOUT.toMillis());
        assertThat(rows.get(3).medianMillis).as(out.toString(StandardCharsets.UTF_8))
                .isGreaterThanOrEqualTo(AddressBenchmark.SILENT_CONNECT_TIMEOUT.toMillis())
                .isLessThan(AddressBenchmark.SILENT_CONNECT_TIMEOUT.toMillis() * 2);
    }
}
