package org.mailintegrator.apicheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * The public API of each published artifact against its baseline in {@code src/test/resources/api}: a removed or
 * added line fails the build until the baseline is updated ({@value #UPDATE}{@code =true}) and committed with the
 * change, so that every change to the API shows in review.
 */
class PublicApiTest {
    static final String UPDATE = "mailintegrator.api.update";
    static final String BASELINE_DIR = "mailintegrator.api.baselineDir";

    private static final String UPDATE_COMMAND = "mvn -B verify -pl api-check -am -D" + UPDATE + "=true";

    @Test
    void core() throws IOException {
        check("mailintegrator-core", "org.mailintegrator.core.Integrator",
                "org.mailintegrator.core", "org.mailintegrator.core.spi", "org.mailintegrator.core.jakarta");
    }

    @Test
    void strategies() throws IOException {
        check("mailintegrator-strategies", "org.mailintegrator.strategies.Policies",
                "org.mailintegrator.strategies");
    }

    @Test
    void discovery() throws IOException {
        check("mailintegrator-discovery", "org.mailintegrator.discovery.Discovery", "org.mailintegrator.discovery");
    }

    @Test
    void testkit() throws IOException {
        check("mailintegrator-testkit", "org.mailintegrator.testkit.MailServerFixture",
                "org.mailintegrator.testkit");
    }

    /**
     * Compares the artifact's API with its baseline, or rewrites the baseline when asked to. The dump must contain
     * {@code knownType}, so that a dumper that finds nothing can neither pass nor write an empty baseline.
     */
    private static void check(String artifactId, String knownType, String... packages) throws IOException {
        List<String> current = ApiDumper.forThisClassPath().dump(List.of(packages));
        assertThat(current).as("API of %s: the dump must hold %s", artifactId, knownType)
                .anyMatch(line -> line.startsWith(knownType + " :: type "));

        Path baseline = baselineDirectory().resolve(artifactId + ".api");
        if (Boolean.getBoolean(UPDATE)) {
            List<String> file = new ArrayList<>();
            file.add("# The public API of " + artifactId + " (packages " + String.join(", ", packages) + ").");
            file.add("# Checked by PublicApiTest in api-check; after an intended change: " + UPDATE_COMMAND);
            file.add("");
            file.addAll(current);
            Files.createDirectories(baseline.getParent());
            Files.write(baseline, file, StandardCharsets.UTF_8);
            System.out.println("Wrote the API baseline " + baseline + ": commit it with the change.");
            return;
        }
        if (!Files.exists(baseline)) {
            throw new AssertionFailedError("No API baseline for " + artifactId + " at " + baseline
                    + ". Create it with\n  " + UPDATE_COMMAND + "\nand commit it.");
        }

        Set<String> expected = apiLines(Files.readAllLines(baseline, StandardCharsets.UTF_8));
        Set<String> actual = apiLines(current);
        Set<String> removed = new LinkedHashSet<>(expected);
        removed.removeAll(actual);
        Set<String> added = new LinkedHashSet<>(actual);
        added.removeAll(expected);
        if (!removed.isEmpty() || !added.isEmpty()) {
            throw new AssertionFailedError(report(artifactId, baseline, removed, added));
        }
    }

    /** The lines that describe the API: no comments, no blank lines. */
    private static Set<String> apiLines(List<String> lines) {
        Set<String> api = new LinkedHashSet<>();
        for (String line : lines) {
            if (!line.isBlank() && !line.startsWith("#")) {
                api.add(line);
            }
        }
        return api;
    }

    private static String report(String artifactId, Path baseline, Set<String> removed, Set<String> added) {
        StringBuilder text = new StringBuilder("The public API of ").append(artifactId)
                .append(" differs from its baseline ").append(baseline).append(".\n");
        if (!removed.isEmpty()) {
            text.append("\nRemoved from the API (").append(lines(removed)).append("): BREAKING for code built"
                    + " against the baseline. A changed declaration shows as its old line here and its new line"
                    + " under the additions.\n");
            removed.forEach(line -> text.append("- ").append(line).append('\n'));
        }
        if (!added.isEmpty()) {
            text.append("\nAdded to the API (").append(lines(added)).append("): compatible, but an addition"
                    + " is a commitment too and must be recorded in the baseline.\n");
            added.forEach(line -> text.append("+ ").append(line).append('\n'));
        }
        text.append("\nIf the change is intended, rewrite the baseline from the code with\n  ").append(UPDATE_COMMAND)
                .append("\nand commit ").append(baseline.getFileName())
                .append(" with the change, so that it shows in review. If it is not intended, change the code back.");
        return text.toString();
    }

    private static String lines(Set<String> lines) {
        return lines.size() == 1 ? "1 line" : lines.size() + " lines";
    }

    /** The baselines in the source tree: set by the build; from the module's directory otherwise. */
    private static Path baselineDirectory() {
        String configured = System.getProperty(BASELINE_DIR);
        return configured != null && !configured.isBlank()
                ? Paths.get(configured)
                : Paths.get("src", "test", "resources", "api").toAbsolutePath();
    }
}
