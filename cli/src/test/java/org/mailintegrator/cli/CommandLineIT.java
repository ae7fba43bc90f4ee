package org.mailintegrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailintegrator.core.IntegrationPair;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.Security;
import org.mailintegrator.testkit.Fault;
import org.mailintegrator.testkit.MailServerFixture;
import org.mailintegrator.testkit.Service;
import org.mailintegrator.testkit.TestCertificates;
import org.mailintegrator.testkit.TestDnsServer;

/**
 * The packaged jar run as a process, as people run it: {@code java -jar mailintegrator-cli.jar ...} against
 * testkit servers on loopback, with the password in the environment.
 */
class CommandLineIT {
    private static final String ADDRESS = "alice@example.test";
    private static final String PASSWORD = "s3cret-Pa55word";

    @TempDir
    Path directory;

    @Test
    void jsonIsTheSavedResultAndNothingElse() throws Exception {
        try (MailServerFixture server = fixture().stopped(Service.IMAPS).start()) {
            Run run = run(Map.of(Credentials.PASSWORD_VARIABLE, PASSWORD), withServer(server, "--json"));

            assertThat(run.status).isZero();
            assertThat(run.stdout.strip()).startsWith("{").endsWith("}").doesNotContain("\n");
            IntegrationResult result = IntegrationResult.fromJson(run.stdout);
            assertThat(result.selected()).hasValueSatisfying(selected -> {
                assertThat(selected.protocol()).isEqualTo(MailProtocol.POP3);
                assertThat(selected.security()).isEqualTo(Security.IMPLICIT_TLS);
                assertThat(selected.port()).isEqualTo(server.port(Service.POP3S));
            });
            assertThat(result.attempts().get(0).outcome()).isEqualTo(Outcome.REFUSED);
            run.assertNoSecret();
        }
    }

    @Test
    void outgoingFindsTheSubmissionServerAndExplainsWhyNot465() throws Exception {
        try (MailServerFixture server = fixture().stopped(Service.SMTPS).start()) {
            Run run = run(Map.of(Credentials.PASSWORD_VARIABLE, PASSWORD), withServer(server, "--outgoing",
                    "--explain", "--mail-port", "submissions=" + server.port(Service.SMTPS),
                    "--mail-port", "submission=" + server.port(Service.SMTP)));

            assertThat(run.status).as(run.stderr).isZero();
            assertThat(run.stdout).contains("SMTP", "REFUSED", "AUTHENTICATED")
                    .contains("sends mail through SMTP with STARTTLS");
            run.assertNoSecret();
        }
    }

    @Test
    void aWrongPasswordExitsOneAndExplains() throws Exception {
        try (MailServerFixture server = fixture().start()) {
            Run run = run(Map.of(Credentials.PASSWORD_VARIABLE, "wrong-" + PASSWORD),
                    withServer(server, "--explain", "--policy", "secure"));

            assertThat(run.status).isEqualTo(MailIntegratorCli.NOT_INTEGRATED);
            assertThat(run.stdout).contains("AUTH_FAILED").contains("Not integrated")
                    .contains("What can be done");
            run.assertNoSecret();
        }
    }

    @Test
    void aUsageErrorExitsTwoBeforeAnyConnection() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<String> common = List.of(ADDRESS, "--host", "127.0.0.1", "--mail-port", "993=" + listener.getLocalPort(),
                    "--mail-port", "995=" + listener.getLocalPort(), "--mail-port", "143=" + listener.getLocalPort(),
                    "--mail-port", "110=" + listener.getLocalPort());
            List<List<String>> wrong = List.of(
                    List.of("--connect-timeout", "0s"),
                    List.of("--policy", "fastest"),
                    List.of("--mail-port", "993=70000"),
                    List.of("--resolve", "mail.example.test"),
                    List.of("--ca-file", directory.resolve("missing.pem").toString()),
                    List.of("--unknown-option"));
            for (List<String> extra : wrong) {
                List<String> arguments = new ArrayList<>(common);
                arguments.addAll(extra);
                Run run = run(Map.of(Credentials.PASSWORD_VARIABLE, PASSWORD), arguments);
                assertThat(run.status).as("exit status of %s", extra).isEqualTo(MailIntegratorCli.USAGE_ERROR);
                assertThat(run.stderr).as("stderr of %s", extra).contains("Usage:");
                assertThat(run.stdout).isEmpty();
            }
            // every process has ended: a connection it made would wait in the listener's queue
            listener.setSoTimeout(1);
            try {
                listener.accept().close();
                throw new AssertionError("a usage error made a connection");
            } catch (SocketTimeoutException expected) {
                // nothing connected
            }
        }
    }

    @Test
    void theConnectTimeoutOptionBoundsADroppedPort() throws Exception {
        try (MailServerFixture server = fixture().fault(Service.IMAPS, Fault.DROP).start()) {
            long started = System.nanoTime();
            Run run = run(Map.of(Credentials.PASSWORD_VARIABLE, PASSWORD),
                    withServer(server, "--json", "--connect-timeout", "2s"));
            IntegrationResult result = IntegrationResult.fromJson(run.stdout);
            assertThat(result.attempts().get(0).outcome()).isEqualTo(Outcome.TIMED_OUT);
            assertThat(result.attempts().get(0).elapsed()).isBetween(Duration.ofMillis(1900), Duration.ofMillis(3000));
            assertThat(result.selected()).hasValueSatisfying(selected ->
                    assertThat(selected.port()).isEqualTo(server.port(Service.POP3S)));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
        }
    }

    @Test
    void resolveSendsANamedHostToTheServerAndTheCertificateIsCheckedForThatName() throws Exception {
        TestCertificates certificates = TestCertificates.forHosts("mail.example.test");
        try (MailServerFixture server = fixture().certificates(certificates).start()) {
            Run run = run(Map.of(Credentials.PASSWORD_VARIABLE, PASSWORD),
                    List.of(ADDRESS, "--host", "mail.example.test", "--resolve", "mail.example.test=127.0.0.1",
                            "--ca-file", pem(certificates).toString(), "--json",
                            "--mail-port", "993=" + server.port(Service.IMAPS), "--mail-port", "995=" + server.port(Service.POP3S),
                            "--mail-port", "143=" + server.port(Service.IMAP), "--mail-port", "110=" + server.port(Service.POP3)));

            assertThat(run.status).as(run.stderr).isZero();
            assertThat(IntegrationResult.fromJson(run.stdout).selected()).hasValueSatisfying(selected -> {
                assertThat(selected.host()).isEqualTo("mail.example.test");
                assertThat(selected.port()).isEqualTo(server.port(Service.IMAPS));
            });
        }
    }

    @Test
    void thePasswordComesFromAFileOnlyItsOwnerCanRead() throws Exception {
        try (MailServerFixture server = fixture().start()) {
            Path file = directory.resolve("password");
            Files.writeString(file, PASSWORD + "\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            Run run = run(Map.of(), withServer(server, "--json", "--password-file", file.toString()));
            assertThat(run.status).as(run.stderr).isZero();

            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
            run = run(Map.of(), withServer(server, "--json", "--password-file", file.toString()));
            assertThat(run.status).isEqualTo(MailIntegratorCli.USAGE_ERROR);
            assertThat(run.stderr).contains("chmod 600");
            assertThat(server.logins()).isEqualTo(1);
            run.assertNoSecret();
        }
    }

    @Test
    void aPasswordIsNeverTakenFromAnArgument() throws Exception {
        for (List<String> arguments : List.of(List.of(ADDRESS, "--password", PASSWORD),
                List.of(ADDRESS, "--password=" + PASSWORD), List.of(ADDRESS, PASSWORD))) {
            Run run = run(Map.of(), arguments);
            assertThat(run.status).isEqualTo(MailIntegratorCli.USAGE_ERROR);
            assertThat(run.stderr).contains(Credentials.PASSWORD_VARIABLE);
            run.assertNoSecret();
        }
    }

    @Test
    void discoveryAgainstAGivenDnsServerEndsPromptly() throws Exception {
        TestCertificates certificates = TestCertificates.forHosts("mail.example.test");
        try (MailServerFixture server = fixture().certificates(certificates).start();
                TestDnsServer dns = TestDnsServer.start()) {
            dns.srv("_imaps._tcp.example.test", 0, 1, server.port(Service.IMAPS), "mail.example.test")
                    .a("mail.example.test", "127.0.0.1");
            long started = System.nanoTime();
            Run run = run(Map.of(Credentials.PASSWORD_VARIABLE, PASSWORD),
                    List.of(ADDRESS, "--policy", "discovered", "--json", "--ca-file", pem(certificates).toString(),
                            "--dns-server", dns.address().getAddress().getHostAddress() + ":" + dns.address().getPort(),
                            "--resolve", "mail.example.test=127.0.0.1"));
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

            assertThat(run.status).as(run.stderr).isZero();
            IntegrationResult result = IntegrationResult.fromJson(run.stdout);
            assertThat(result.selected()).hasValueSatisfying(selected ->
                    assertThat(selected.port()).isEqualTo(server.port(Service.IMAPS)));
            assertThat(run.stderr).doesNotContain("Exception");
            // the JVM does not linger for discovery's threads after the work has ended
            assertThat(elapsed).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void aBatchRunsThroughTheJarWithEachRowsPasswordFromItsVariable() throws Exception {
        try (MailServerFixture server = fixture().user("bob@example.test", "bob-Secret-2").start()) {
            Path accounts = Files.writeString(directory.resolve("accounts.csv"),
                    "email,password_env\n" + ADDRESS + ",ALICE_PW\nbob@example.test,BOB_PW\n");
            Path out = directory.resolve("results.jsonl");
            List<String> arguments = new ArrayList<>(List.of("batch", accounts.toString(), "--out", out.toString()));
            arguments.addAll(withServer(server).subList(1, withServer(server).size()));

            Run run = run(Map.of("ALICE_PW", PASSWORD, "BOB_PW", "bob-Secret-2"), arguments);

            assertThat(run.status).as(run.stderr).isZero();
            assertThat(run.stderr).contains("Summary: 2 accounts: 2 integrated");
            assertThat(Files.readAllLines(out)).hasSize(2).allMatch(line -> line.contains("\"status\":\"integrated\""));
            run.assertNoSecret();
        }
    }

    @Test
    void helpVersionAndCompletion() throws Exception {
        Run help = run(Map.of(), List.of("--help"));
        assertThat(help.status).isZero();
        assertThat(help.stdout).contains("--ca-file").contains("--resolve").contains("--mail-port").contains("Exit status");
        Run version = run(Map.of(), List.of("--version"));
        assertThat(version.stdout).startsWith("mailintegrator ").doesNotContain("development");
        Run completion = run(Map.of(), List.of("generate-completion"));
        assertThat(completion.stdout).contains("complete -F");
    }

    @Test
    void theLauncherScriptRunsTheJarNextToIt() throws Exception {
        Path launcher = Path.of(System.getProperty("mailintegrator.cli.jar")).resolveSibling("mailintegrator");
        Process process = new ProcessBuilder(launcher.toString(), "--version").redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        assertThat(output).startsWith("mailintegrator ");
        assertThat(Files.readString(launcher.resolveSibling("mailintegrator_completion"))).contains("complete -F");
    }

    @Test
    void theFixtureCommandStartsAServerAndPrintsTheCommandThatIntegratesIt() throws Exception {
        Path ca = directory.resolve("fixture-ca.pem");
        ProcessBuilder builder = new ProcessBuilder(java(), "-jar", jar(), "fixture", "--ca-file", ca.toString(),
                "--stop", "imaps").redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put(Credentials.PASSWORD_VARIABLE, PASSWORD);
        Process fixture = builder.start();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(fixture.getInputStream(),
                StandardCharsets.UTF_8))) {
            String command = lines.readLine();
            while (command != null && !command.startsWith("mailintegrator ")) {
                command = lines.readLine();
            }
            assertThat(command).as("the printed command").isNotNull();
            List<String> arguments = List.of(command.substring("mailintegrator ".length()).split(" "));

            Run run = run(Map.of(Credentials.PASSWORD_VARIABLE, PASSWORD), append(arguments, "--json"));

            assertThat(run.status).as(run.stderr).isZero();
            IntegrationResult result = IntegrationResult.fromJson(run.stdout);
            assertThat(result.attempts().get(0).outcome()).isEqualTo(Outcome.REFUSED);
            assertThat(result.selected()).hasValueSatisfying(selected ->
                    assertThat(selected.protocol()).isEqualTo(MailProtocol.POP3));

            Run both = run(Map.of(Credentials.PASSWORD_VARIABLE, PASSWORD), append(arguments, "--both", "--json"));

            assertThat(both.status).as(both.stderr).isZero();
            IntegrationPair pair = IntegrationPair.fromJson(both.stdout);
            assertThat(pair.incoming().selected().orElseThrow().protocol()).isEqualTo(MailProtocol.POP3);
            assertThat(pair.outgoing().selected().orElseThrow().security()).isEqualTo(Security.IMPLICIT_TLS);
            both.assertNoSecret();
        } finally {
            fixture.destroy();
            assertThat(fixture.waitFor(30, TimeUnit.SECONDS)).as("the fixture ends when asked to").isTrue();
        }
    }

    private static List<String> append(List<String> arguments, String... more) {
        List<String> all = new ArrayList<>(arguments);
        all.addAll(List.of(more));
        return all;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String jar() {
        return System.getProperty("mailintegrator.cli.jar");
    }

    private MailServerFixture.Builder fixture() {
        return MailServerFixture.builder().user(ADDRESS, PASSWORD);
    }

    private List<String> withServer(MailServerFixture server, String... more) throws IOException {
        List<String> arguments = new ArrayList<>(List.of(ADDRESS, "--host", server.host(),
                "--ca-file", pem(server.certificates()).toString(),
                "--mail-port", "imaps=" + server.port(Service.IMAPS), "--mail-port", "pop3s=" + server.port(Service.POP3S),
                "--mail-port", "imap=" + server.port(Service.IMAP), "--mail-port", "pop3=" + server.port(Service.POP3)));
        arguments.addAll(List.of(more));
        return arguments;
    }

    private Path pem(TestCertificates certificates) throws IOException {
        Path file = Files.createTempFile(directory, "ca", ".pem");
        Files.writeString(file, certificates.caCertificatePem());
        return file;
    }

    private static Run run(Map<String, String> environment, List<String> arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(java(), "-jar", jar()));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove(Credentials.PASSWORD_VARIABLE);
        builder.environment().putAll(environment);
        Path out = Files.createTempFile("cli", ".out");
        Path err = Files.createTempFile("cli", ".err");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        Process process = builder.start();
        process.getOutputStream().close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the command did not end within 60 s: " + arguments);
        }
        Run run = new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        Files.delete(out);
        Files.delete(err);
        return run;
    }

    private record Run(int status, String stdout, String stderr) {
        void assertNoSecret() {
            assertThat(stdout).doesNotContain(PASSWORD);
            assertThat(stderr).doesNotContain(PASSWORD);
        }
    }
}
