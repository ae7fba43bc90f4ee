package org.mailintegrator.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Name resolution through the JDK's own resolver (glibc's {@code getaddrinfo}) against a DNS server that never
 * answers: in a network namespace of its own ({@code unshare --net --mount}), with a {@code resolv.conf} that names
 * a silent UDP socket on 127.0.0.1:53, glibc waits 5 s per try, twice (its defaults); the integration must end at
 * its connect timeout and say that the name could not be resolved in time. Needs root, as the interop suite does.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SystemResolverInteropTest {
    private static final long CONNECT_TIMEOUT_MILLIS = 2_000;

    @Test
    void aDnsServerThatNeverAnswersEndsTheIntegrationAtTheConnectTimeout() throws Exception {
        Path directory = Files.createTempDirectory("silent-dns-");
        try {
            Path resolvConf = Files.writeString(directory.resolve("resolv.conf"), "nameserver 127.0.0.1\n");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String script = "ip link set lo up && mount --bind " + resolvConf + " /etc/resolv.conf && exec " + java
                    + " -cp \"$PROBE_CLASSPATH\" " + SilentDnsProbe.class.getName() + " " + CONNECT_TIMEOUT_MILLIS;
            ProcessBuilder command = new ProcessBuilder("unshare", "--net", "--mount", "sh", "-c", script)
                    .redirectErrorStream(true)
                    .redirectOutput(directory.resolve("probe.out").toFile());
            command.environment().put("PROBE_CLASSPATH", System.getProperty("java.class.path"));
            Process probe = command.start();
            assertThat(probe.waitFor(45, TimeUnit.SECONDS)).as("the probe finished").isTrue();
            List<String> output = Files.readAllLines(directory.resolve("probe.out"), StandardCharsets.UTF_8);
            String all = String.join("\n", output);

            assertThat(probe.exitValue()).as("%s", all).isZero();
            List<String> attempts = output.stream().filter(line -> line.startsWith("TIMED_OUT")
                    || line.matches("^[A-Z_]+ [A-Z_]+ .*")).collect(Collectors.toList());
            assertThat(attempts).as("%s", all).hasSize(4).allSatisfy(line -> assertThat(line)
                    .startsWith("TIMED_OUT RESOLVE").contains("could not be resolved in time"));
            long elapsed = output.stream().filter(line -> line.startsWith("elapsed "))
                    .mapToLong(line -> Long.parseLong(line.substring("elapsed ".length()))).findFirst()
                    .orElseThrow(() -> new AssertionError("no elapsed line:\n" + all));
            // about the connect timeout (AddressBenchmark measures the 10 % target), far from glibc's 10 s
            assertThat(elapsed).as("%s", all).isBetween(CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS * 3 / 2);
        } finally {
            try (var files = Files.list(directory)) {
                for (Path file : files.collect(Collectors.toList())) {
                    Files.deleteIfExists(file);
                }
            }
            Files.deleteIfExists(directory);
        }
    }
}
