package org.mailintegrator.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A small run of the discovery benchmark: every situation integrates, through the source it is meant to show. */
class DiscoveryBenchmarkTest {
    @Test
    void everySituationIntegratesThroughItsSource() throws Exception {
        List<DiscoveryBenchmark.Row> rows = DiscoveryBenchmark.run(1,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

        assertThat(rows).allSatisfy(row -> assertThat(row.integrated()).as(row.situation()).isTrue());
        assertThat(rows).extracting(DiscoveryBenchmark.Row::decidedBy)
                .containsExactly("-", "ISPDB decided", "srv decided", "autoconfig decided", "mx decided",
                        "guess decided");
        assertThat(rows.get(0).dnsQueries()).as("no discovery, no DNS query of ours").isZero();
    }
}
