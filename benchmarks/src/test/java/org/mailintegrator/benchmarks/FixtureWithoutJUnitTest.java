package org.mailintegrator.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The testkit's servers need no test framework: a program whose class path holds no JUnit, AssertJ or opentest4j
 * starts and stops a fixture (the fixture start-up benchmark, run in a JVM of its own).
 */
class FixtureWithoutJUnitTest {
    private static final List<String> TEST_FRAMEWORKS = List.of("junit", "assertj", "opentest4j", "apiguardian");

    @Test
    void aProgramWithoutJUnitOrAssertJRunsAFixture(@TempDir Path directory) throws Exception {
        String testClassPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> entries = Arrays.asList(testClassPath.split(File.pathSeparator));
        String withoutFrameworks = entries.stream()
                .filter(entry -> TEST_FRAMEWORKS.stream().noneMatch(entry::contains))
                .collect(Collectors.joining(File.pathSeparator));
        assertThat(entries).as("the class path this test filters").anyMatch(entry -> entry.contains("junit"));
        Path output = directory.resolve("out.txt");
        Process program = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", withoutFrameworks, FixtureStartupBenchmark.class.getName(), "2")
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();

        assertThat(program.waitFor(60, TimeUnit.SECONDS)).as("the program finished").isTrue();
        String printed = Files.readString(output, StandardCharsets.UTF_8);
        assertThat(program.exitValue()).as("%s", printed).isZero();
        assertThat(printed).doesNotContain("NoClassDefFoundError").contains("start");
    }
}
