package org.mailintegrator.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.PreferencePolicy;
import org.mailintegrator.core.Security;
import org.mailintegrator.core.internal.Json;
import org.mailintegrator.examples.IntegrateAccount.Network;
import org.mailintegrator.testkit.MailServerExtension;
import org.mailintegrator.testkit.MailServerFixture;

/**
 * {@code IntegrateAccount --batch}: twenty accounts on one embedded server, integrated four at a time, the results
 * written once each, and a run that resumes where an interrupted one stopped.
 */
class BatchIntegrationTest {
    private static final int ACCOUNTS = 20;
    private static final String WRONG_PASSWORD = "Wr0ng-Battery-9f4d";

    @RegisterExtension
    static final MailServerExtension server = MailServerExtension.with(users());

    @TempDir
    Path directory;

    private final AtomicInteger policyCalls = new AtomicInteger();

    private static MailServerFixture.Builder users() {
        MailServerFixture.Builder builder = MailServerFixture.builder();
        IntStream.rangeClosed(1, ACCOUNTS).forEach(i -> builder.user(email(i), password(i)));
        return builder;
    }

    private static String email(int i) {
        return "user" + i + "@example.com";
    }

    private static String password(int i) {
        return "S3cret-Pass-" + i + "-x7Q";
    }

    /** Every account with its own password variable; account 7's variable holds a wrong password. */
    private static Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        IntStream.rangeClosed(1, ACCOUNTS).forEach(i -> env.put("PW_" + i, i == 7 ? WRONG_PASSWORD : password(i)));
        return env;
    }

    private Path accounts(int count) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("email,username,password_env");
        IntStream.rangeClosed(1, count).forEach(i -> lines.add(email(i) + ",," + "PW_" + i));
        return Files.write(directory.resolve("accounts.csv"), lines);
    }

    @Test
    void integratesEveryAccountOnceFourAtATime() throws IOException {
        Path input = accounts(ACCOUNTS);
        Path output = directory.resolve("results.jsonl");

        Run run = run(environment(), "--batch", input.toString(), "--out", output.toString(), "--concurrency", "4");

        assertThat(run.status).as(run.toString()).isEqualTo(IntegrateAccount.NOT_INTEGRATED);
        List<String> lines = Files.readAllLines(output);
        assertThat(lines).hasSize(ACCOUNTS);
        Map<String, IntegrationResult> results = new HashMap<>();
        for (String line : lines) {
            String email = BatchIntegration.email(line).orElseThrow();
            String prefix = "{\"email\":" + Json.write(email) + ",\"result\":";
            assertThat(line).startsWith(prefix);
            assertThat(results.put(email, IntegrationResult.fromJson(line.substring(prefix.length(),
                    line.length() - 1)))).as("a second row for " + email).isNull();
        }
        assertThat(results.keySet()).containsExactlyInAnyOrderElementsOf(
                IntStream.rangeClosed(1, ACCOUNTS).mapToObj(BatchIntegrationTest::email).toList());
        results.forEach((email, result) -> {
            if (email.equals(email(7))) {
                assertThat(result.isIntegrated()).as(email).isFalse();
                assertThat(result.attempts()).allSatisfy(attempt ->
                        assertThat(attempt.outcome()).isEqualTo(Outcome.AUTH_FAILED));
            } else {
                assertThat(result.selected()).as(email).hasValueSatisfying(selected -> {
                    assertThat(selected.protocol()).isEqualTo(MailProtocol.IMAP);
                    assertThat(selected.security()).isEqualTo(Security.IMPLICIT_TLS);
                });
            }
        });
        assertThat(run.err).contains("[20/20] 19 integrated, 1 failed").containsPattern("\\d+\\.\\d accounts/s");
        assertThat(run.out).contains("Wrote 20 rows");
        assertNoPassword(run, output);
    }

    @Test
    void aRowWithoutItsPasswordIsAnErrorAndTheOthersGoOn() throws IOException {
        Path input = Files.write(directory.resolve("accounts.csv"), List.of(
                "email,password_env,host",
                email(1) + ",PW_1,",
                email(2) + ",,",
                email(3) + ",PW_UNSET,",
                "\"" + email(4) + "\",\"PW_4\",127.0.0.1"));
        Path output = directory.resolve("results.csv");

        Run run = run(environment(), "--batch", input.toString(), "--out", output.toString(), "--format", "csv",
                "--concurrency", "2");

        assertThat(run.status).as(run.toString()).isEqualTo(IntegrateAccount.NOT_INTEGRATED);
        List<String> lines = Files.readAllLines(output);
        assertThat(lines.get(0)).isEqualTo(BatchIntegration.CSV_HEADER);
        assertThat(lines).hasSize(5);
        assertThat(lines).anyMatch(line -> line.matches(
                        "user1@example\\.com,true,IMAP,IMPLICIT_TLS,127\\.0\\.0\\.1,\\d+,\\d+,.*is set up with IMAP.*"))
                .anyMatch(line -> line.startsWith("user4@example.com,true,IMAP,IMPLICIT_TLS,127.0.0.1,"))
                .anyMatch(line -> line.startsWith("user2@example.com,false,,,,,,error: line 3: no password: the"
                        + " column password_env"))
                .anyMatch(line -> line.startsWith("user3@example.com,false,,,,,,error: line 4: no password: the"
                        + " environment variable PW_UNSET is not set"));
        assertNoPassword(run, output);
    }

    @Test
    void anInterruptedRunResumesAndWritesOnlyTheMissingRows() throws IOException {
        Path input = accounts(ACCOUNTS);
        Path output = directory.resolve("results.jsonl");
        // what an interrupted run left: eight finished rows and a ninth cut short
        List<String> earlier = new ArrayList<>();
        IntStream.rangeClosed(1, 8).forEach(i -> earlier.add("{\"email\":\"" + email(i) + "\",\"error\":\"earlier\"}"));
        Files.writeString(output, String.join("\n", earlier) + "\n{\"email\":\"" + email(9) + "\",\"res");

        Run run = run(environment(), "--batch", input.toString(), "--out", output.toString(), "--concurrency", "4");

        List<String> lines = Files.readAllLines(output);
        assertThat(lines).hasSize(ACCOUNTS).startsWith(earlier.toArray(String[]::new));
        assertThat(lines.stream().map(line -> BatchIntegration.email(line).orElseThrow()))
                .doesNotHaveDuplicates().hasSize(ACCOUNTS);
        assertThat(lines.subList(8, ACCOUNTS)).allMatch(line -> line.contains("\"result\":"));
        assertThat(run.err).contains("8 already in").contains("12 to integrate").contains("cut short")
                .contains("[12/12]");
        // the finished accounts were not contacted again
        assertThat(server.get().received()).noneMatch(command -> command.line().contains(email(1)))
                .anyMatch(command -> command.line().contains(email(9)));

        Run again = run(environment(), "--batch", input.toString(), "--out", output.toString());

        assertThat(again.status).as(again.toString()).isEqualTo(IntegrateAccount.INTEGRATED);
        assertThat(Files.readAllLines(output)).isEqualTo(lines);
        assertThat(again.err).contains("20 already in").contains("0 to integrate");
        assertNoPassword(run, output);
    }

    static Stream<Arguments> badBatches() {
        return Stream.of(
                Arguments.of(List.of("--batch", "accounts.csv"), "--batch needs --out"),
                Arguments.of(List.of("--batch", "accounts.csv", "--out", "r.jsonl", "--concurrency", "0"),
                        "--concurrency must be a number from 1 to 64"),
                Arguments.of(List.of("--batch", "accounts.csv", "--out", "r.jsonl", "--format", "xml"),
                        "--format must be jsonl or csv"),
                Arguments.of(List.of("--batch", "accounts.csv", "--out", "r.jsonl", "--remember-unreachable", "1500m"),
                        "forHowLong must be between 1 ms and 24 hours"),
                Arguments.of(List.of("--batch", "accounts.csv", "--out", "r.jsonl", "alice@example.com"),
                        "--batch takes the addresses from its file"),
                Arguments.of(List.of("--batch", "accounts.csv", "--out", "r.jsonl", "--host", "mail.example.com"),
                        "--batch takes hosts and user names from the columns"),
                Arguments.of(List.of("--batch", "accounts.csv", "--out", "r.jsonl", "--json"),
                        "--json and --explain do not go with --batch"),
                Arguments.of(List.of("--batch", "missing.csv", "--out", "r.jsonl"), "cannot read the input file"),
                Arguments.of(List.of("--batch", "accounts.csv", "--out", "nowhere/r.jsonl"),
                        "the directory of the output file"),
                Arguments.of(List.of("--batch", "bad-header.csv", "--out", "r.jsonl"), "unknown column \"password\""),
                Arguments.of(List.of("--batch", "no-email.csv", "--out", "r.jsonl"), "has no email column"),
                Arguments.of(List.of("--batch", "accounts.csv", "--out", "old.jsonl", "--format", "csv"),
                        "is not CSV written by --format csv"),
                Arguments.of(List.of("alice@example.com", "--out", "r.jsonl"), "--out, --concurrency and --format go"
                        + " with --batch"));
    }

    @ParameterizedTest
    @MethodSource("badBatches")
    void badArgumentsAreAUsageErrorBeforeAnyNetworkIo(List<String> args, String message) throws IOException {
        accounts(2);
        Files.write(directory.resolve("bad-header.csv"), List.of("email,password", email(1) + ",hunter2"));
        Files.write(directory.resolve("no-email.csv"), List.of("username,password_env", "u,PW_1"));
        Files.write(directory.resolve("old.jsonl"), List.of("{\"email\":\"" + email(1) + "\",\"error\":\"x\"}"));
        String[] resolved = args.stream().map(arg -> arg.contains(".csv") || arg.contains(".jsonl")
                ? directory.resolve(arg).toString() : arg).toArray(String[]::new);

        Run run = run(environment(), resolved);

        assertThat(run.status).as(run.toString()).isEqualTo(IntegrateAccount.USAGE_ERROR);
        assertThat(run.err).contains("Error: ").contains(message).doesNotContain("hunter2");
        assertThat(run.out).isEmpty();
        assertThat(directory.resolve("r.jsonl")).doesNotExist();
        assertThat(policyCalls).hasValue(0);
    }

    @Test
    void usageDescribesTheBatch() {
        Run run = run(Map.of(), "--help");

        assertThat(run.out).contains("--batch <file.csv>").contains("password_env").contains("--concurrency");
    }

    private static void assertNoPassword(Run run, Path output) throws IOException {
        String written = Files.readString(output);
        for (int i = 1; i <= ACCOUNTS; i++) {
            assertThat(written).doesNotContain(password(i));
            assertThat(run.out + run.err).doesNotContain(password(i));
        }
        assertThat(written).doesNotContain(WRONG_PASSWORD);
    }

    private Run run(Map<String, String> env, String... args) {
        MailServerFixture fixture = server.get();
        Network network = new Network(policy -> {
            PreferencePolicy routed = fixture.route(policy);
            return account -> {
                policyCalls.incrementAndGet();
                return routed.candidates(account);
            };
        }, fixture.clientSslContext());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = IntegrateAccount.run(args, env, prompt -> {
            throw new AssertionError("the password was asked for: " + prompt);
        }, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                network);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private record Run(int status, String out, String err) {
        @Override
        public String toString() {
            return "exit " + status + "\n--- out\n" + out + "--- err\n" + err;
        }
    }
}
