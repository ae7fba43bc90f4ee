package org.mailintegrator.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchIllegalArgumentException;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.PreferencePolicy;
import org.mailintegrator.core.DiscoveredHosts;
import org.mailintegrator.core.Endpoint;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Provenance;
import org.mailintegrator.core.Security;
import org.mailintegrator.core.spi.HostDiscovery;
import org.mailintegrator.examples.IntegrateAccount.Network;
import org.mailintegrator.examples.IntegrateAccount.PasswordPrompt;
import org.mailintegrator.testkit.MailServerExtension;
import org.mailintegrator.testkit.MailServerFixture;
import org.mailintegrator.testkit.Routing;
import org.mailintegrator.testkit.Service;

/**
 * {@link IntegrateAccount} end to end: the demo, and the command line against embedded servers, through
 * {@code run} with the candidates routed to the server.
 */
class IntegrateAccountTest {
    private static final String ADDRESS = "alice@example.com";
    private static final String PASSWORD = "Corr3ct-Horse-5a1e";
    private static final String WRONG_PASSWORD = "Wr0ng-Battery-9f4d";

    private static final PasswordPrompt NO_CONSOLE = prompt -> null;
    private static final PasswordPrompt NEVER_ASKED = prompt -> {
        throw new AssertionError("the password was asked for: " + prompt);
    };

    @RegisterExtension
    static final MailServerExtension server =
            MailServerExtension.with(MailServerFixture.builder().user(ADDRESS, PASSWORD));

    private final AtomicInteger policyCalls = new AtomicInteger();

    @ParameterizedTest
    @ValueSource(strings = {"", "--demo"})
    void demoFallsThroughToPopOverTlsBecauseImapIsStopped(String argument) {
        String[] args = argument.isEmpty() ? new String[0] : new String[] {argument};

        Run run = run(args, Map.of(), NEVER_ASKED, Network.INTERNET);

        assertThat(run.status).as(run.toString()).isEqualTo(IntegrateAccount.INTEGRATED);
        assertThat(run.out).contains("IMAP service stopped").contains("falls through to POP over TLS");
        assertThat(run.lines()).anyMatch(row(1, "IMAP", "IMPLICIT_TLS", "REFUSED"))
                .anyMatch(row(2, "POP3", "IMPLICIT_TLS", "AUTHENTICATED"))
                .anyMatch(row(3, "IMAP", "NONE", NOT_NEEDED))
                .anyMatch(row(4, "POP3", "NONE", NOT_NEEDED));
        assertThat(run.lastLine()).startsWith("Integrated with POP3/IMPLICIT_TLS 127.0.0.1:");
        assertThat(run.err).isEmpty();
    }

    @Test
    void integratesAnAccountAndPrintsAnAlignedTable() {
        Run run = run(new String[] {ADDRESS, "--host", "127.0.0.1", "--connect-timeout", "5s", "--read-timeout=5s"},
                Map.of(IntegrateAccount.PASSWORD_VARIABLE, PASSWORD), NEVER_ASKED, routedToServer());

        assertThat(run.status).as(run.toString()).isEqualTo(IntegrateAccount.INTEGRATED);
        assertThat(run.out).contains("Integrating " + ADDRESS + " with the blackberry policy (connect timeout 5s, read timeout 5s)");
        List<String> table = run.table();
        assertThat(table).hasSize(5);
        assertThat(table.get(0)).matches("#\\s+protocol\\s+security\\s+host:port\\s+outcome\\s+phase\\s+ms\\s+detail");
        int hostColumn = table.get(0).indexOf("host:port");
        assertThat(table.subList(1, 5)).allSatisfy(line -> assertThat(line.substring(hostColumn)).startsWith("127.0.0.1:"));
        assertThat(table.get(1)).matches(rowPattern(1, "IMAP", "IMPLICIT_TLS", "AUTHENTICATED"))
                .contains("127.0.0.1:" + server.get().port(Service.IMAPS)).contains("accepted the credentials");
        assertThat(table.get(2)).matches(rowPattern(2, "POP3", "IMPLICIT_TLS", NOT_NEEDED));
        assertThat(table.get(3)).matches(rowPattern(3, "IMAP", "NONE", NOT_NEEDED));
        assertThat(table.get(4)).matches(rowPattern(4, "POP3", "NONE", NOT_NEEDED));
        assertThat(run.lastLine())
                .startsWith("Integrated with IMAP/IMPLICIT_TLS 127.0.0.1:" + server.get().port(Service.IMAPS) + " in ");
        assertThat(run.err).isEmpty();
    }

    @Test
    void securePolicyListsStartTlsForTheCleartextPorts() {
        server.get().stop(Service.IMAPS);
        server.get().stop(Service.POP3S);
        Run run = run(new String[] {"--policy", "secure", ADDRESS},
                Map.of(IntegrateAccount.PASSWORD_VARIABLE, PASSWORD), NEVER_ASKED, routedToServer());

        assertThat(run.status).as(run.toString()).isEqualTo(IntegrateAccount.INTEGRATED);
        assertThat(run.lines()).anyMatch(row(1, "IMAP", "IMPLICIT_TLS", "REFUSED"))
                .anyMatch(row(2, "POP3", "IMPLICIT_TLS", "REFUSED"))
                .anyMatch(row(3, "IMAP", "STARTTLS", "AUTHENTICATED"))
                .anyMatch(row(4, "POP3", "STARTTLS", NOT_NEEDED));
        assertThat(server.get().receivedInCleartext(PASSWORD)).isFalse();
    }

    @Test
    void popOnlyPolicySelectsPopOverTls() {
        Run run = run(new String[] {"--policy", "pop-only", ADDRESS},
                Map.of(IntegrateAccount.PASSWORD_VARIABLE, PASSWORD), NEVER_ASKED, routedToServer());

        assertThat(run.status).as(run.toString()).isEqualTo(IntegrateAccount.INTEGRATED);
        assertThat(run.table()).hasSize(3);
        assertThat(run.lines()).anyMatch(row(1, "POP3", "IMPLICIT_TLS", "AUTHENTICATED"))
                .anyMatch(row(2, "POP3", "NONE", NOT_NEEDED));
        assertThat(run.lastLine()).startsWith("Integrated with POP3/IMPLICIT_TLS 127.0.0.1:" + server.get().port(Service.POP3S));
    }

    @Test
    void discoverFindsTheServersFromTheAddressAndSaysHow() {
        HostDiscovery found = (account, context) -> DiscoveredHosts.builder(account.domain())
                .add(Endpoint.of(ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS, "imap.example.com", 993),
                        Provenance.of(Provenance.Kind.SRV, "_imaps._tcp.example.com", false)))
                .note("srv decided, after 3 ms")
                .build();

        Run run = run(new String[] {ADDRESS, "--discover", "--policy", "discovered"},
                Map.of(IntegrateAccount.PASSWORD_VARIABLE, PASSWORD), NEVER_ASKED,
                new Network(server.get()::route, server.get().clientSslContext(), found));

        assertThat(run.status).as(run.toString()).isEqualTo(IntegrateAccount.INTEGRATED);
        assertThat(run.lines()).anyMatch(row(1, "IMAP", "IMPLICIT_TLS", "AUTHENTICATED"));
        assertThat(run.out).contains("Discovery: srv decided, after 3 ms");
    }

    @Test
    void popHostIsUsedForPopOnly() {
        try (MailServerFixture imapStopped = MailServerFixture.builder().user(ADDRESS, PASSWORD)
                        .stopped(Service.IMAP, Service.IMAPS).start();
                MailServerFixture popServer = MailServerFixture.builder().user(ADDRESS, PASSWORD).start()) {
            Routing routing = Routing.host("mail.example.test", imapStopped).andHost("pop.example.test", popServer);

            Run run = run(new String[] {ADDRESS, "--host", "mail.example.test", "--pop-host", "pop.example.test"},
                    Map.of(IntegrateAccount.PASSWORD_VARIABLE, PASSWORD), NEVER_ASKED,
                    new Network(routing, popServer.clientSslContext()));

            assertThat(run.status).as(run.toString()).isEqualTo(IntegrateAccount.INTEGRATED);
            assertThat(run.lines()).anyMatch(row(1, "IMAP", "IMPLICIT_TLS", "REFUSED"));
            assertThat(run.out).contains("127.0.0.1:" + imapStopped.port(Service.IMAPS));
            assertThat(run.lastLine())
                    .startsWith("Integrated with POP3/IMPLICIT_TLS 127.0.0.1:" + popServer.port(Service.POP3S));
        }
    }

    @Test
    void asksForThePasswordWhenTheEnvironmentHasNone() {
        List<String> prompts = new ArrayList<>();

        Run run = run(new String[] {ADDRESS}, Map.of(IntegrateAccount.PASSWORD_VARIABLE, ""), prompt -> {
            prompts.add(prompt);
            return PASSWORD.toCharArray();
        }, routedToServer());

        assertThat(run.status).as(run.toString()).isEqualTo(IntegrateAccount.INTEGRATED);
        assertThat(prompts).containsExactly("Password for " + ADDRESS + ": ");
        assertThat(run.lastLine()).startsWith("Integrated with IMAP/IMPLICIT_TLS");
    }

    @Test
    void wrongPasswordIsNotIntegratedAndThePasswordIsNeverShown() {
        Run run = run(new String[] {ADDRESS}, Map.of(IntegrateAccount.PASSWORD_VARIABLE, WRONG_PASSWORD), NEVER_ASKED,
                routedToServer());

        assertThat(run.status).as(run.toString()).isEqualTo(IntegrateAccount.NOT_INTEGRATED);
        assertThat(run.lines()).anyMatch(row(1, "IMAP", "IMPLICIT_TLS", "AUTH_FAILED"))
                .anyMatch(row(2, "POP3", "IMPLICIT_TLS", "AUTH_FAILED"))
                .anyMatch(row(3, "IMAP", "NONE", "AUTH_FAILED"))
                .anyMatch(row(4, "POP3", "NONE", "AUTH_FAILED"));
        assertThat(run.lastLine()).startsWith("Not integrated");
        // The cleartext candidates make the library log a WARN: captured too.
        assertThat(run.console).contains("cleartext");
        assertThat(run.everything()).doesNotContain(WRONG_PASSWORD).doesNotContain(PASSWORD);
    }

    @ParameterizedTest
    @ValueSource(strings = {"--password", "--password=" + PASSWORD})
    void passwordOnTheCommandLineIsRefusedBeforeAnyNetworkIo(String option) {
        String[] args = option.contains("=") ? new String[] {ADDRESS, option} : new String[] {ADDRESS, option, PASSWORD};

        Run run = run(args, Map.of(), NEVER_ASKED, routedToServer());

        assertThat(run.status).isEqualTo(IntegrateAccount.USAGE_ERROR);
        assertThat(run.err).contains("Refusing --password").contains(IntegrateAccount.PASSWORD_VARIABLE);
        assertThat(run.out).isEmpty();
        assertThat(policyCalls).hasValue(0);
        assertThat(run.everything()).doesNotContain(PASSWORD);
    }

    @Test
    void missingPasswordIsAUsageError() {
        Run run = run(new String[] {ADDRESS}, Map.of(), NO_CONSOLE, routedToServer());

        assertThat(run.status).isEqualTo(IntegrateAccount.USAGE_ERROR);
        assertThat(run.err).contains("No password").contains(IntegrateAccount.PASSWORD_VARIABLE);
        assertThat(run.out).isEmpty();
        assertThat(policyCalls).hasValue(0);
    }

    @Test
    void invalidAddressIsAUsageErrorWithTheLibrarysMessage() {
        String libraryMessage = catchIllegalArgumentException(() -> MailAccount.builder("alice.example.com")).getMessage();

        Run run = run(new String[] {"alice.example.com"}, Map.of(IntegrateAccount.PASSWORD_VARIABLE, PASSWORD),
                NEVER_ASKED, routedToServer());

        assertThat(run.status).isEqualTo(IntegrateAccount.USAGE_ERROR);
        assertThat(run.err).contains("Error: " + libraryMessage).contains("Usage:");
        assertThat(run.out).isEmpty();
        assertThat(policyCalls).hasValue(0);
    }

    static Stream<Arguments> badArguments() {
        return Stream.of(
                Arguments.of(List.of("--policy", "imap-only", ADDRESS), "unknown policy \"imap-only\""),
                Arguments.of(List.of("--bogus", "x", ADDRESS), "unknown option --bogus"),
                Arguments.of(List.of(ADDRESS, "--host"), "--host needs a value"),
                Arguments.of(List.of(ADDRESS, "--connect-timeout", "10"), "--connect-timeout must be a number followed by"),
                Arguments.of(List.of(ADDRESS, "--read-timeout", "0s"), "readTimeout must be positive"),
                Arguments.of(List.of(ADDRESS, "--auth-timeout", "0s"), "authTimeout must be positive"),
                Arguments.of(List.of(ADDRESS, "--host", "mail example.com"), "host must not contain white space"),
                Arguments.of(List.of(ADDRESS, "--username", " "), "username must not be blank"),
                Arguments.of(List.of("--demo", ADDRESS), "--demo takes no other argument than --explain"),
                Arguments.of(List.of(ADDRESS, "--token-env"), "--token-env needs a value"),
                Arguments.of(List.of(ADDRESS, "--token-env", "MY TOKEN"), "--token-env needs the name of an environment"),
                Arguments.of(List.of("--policy", "blackberry"), "expected exactly one email address, got 0"),
                Arguments.of(List.of(ADDRESS, "hunter2"), "expected exactly one email address, got 2"));
    }

    @ParameterizedTest
    @MethodSource("badArguments")
    void badArgumentsAreAUsageErrorBeforeAnyNetworkIo(List<String> args, String message) {
        Run run = run(args.toArray(String[]::new), Map.of(IntegrateAccount.PASSWORD_VARIABLE, PASSWORD), NEVER_ASKED, routedToServer());

        assertThat(run.status).isEqualTo(IntegrateAccount.USAGE_ERROR);
        assertThat(run.err).contains("Error: " + message).contains("Usage:");
        assertThat(run.err).doesNotContain("hunter2");
        assertThat(run.out).isEmpty();
        assertThat(policyCalls).hasValue(0);
    }

    @Test
    void demoJsonPrintsOneLineThatReadsBackAsTheResult() {
        Run run = run(new String[] {"--demo", "--json"}, Map.of(), NEVER_ASKED, Network.INTERNET);

        assertThat(run.status).as(run.toString()).isEqualTo(IntegrateAccount.INTEGRATED);
        assertThat(run.lines()).hasSize(1);
        IntegrationResult result = IntegrationResult.fromJson(run.lines().get(0));
        assertThat(result.emailAddress()).isEqualTo(IntegrateAccount.DEMO_ADDRESS);
        assertThat(result.selected()).hasValueSatisfying(selected -> {
            assertThat(selected.protocol()).isEqualTo(MailProtocol.POP3);
            assertThat(selected.security()).isEqualTo(Security.IMPLICIT_TLS);
        });
        assertThat(result.attempts().get(0).outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(run.err).isEmpty();
    }

    @Test
    void jsonOfAFailedIntegrationHasNoPasswordAndExitsOne() {
        Run run = run(new String[] {ADDRESS, "--json"}, Map.of(IntegrateAccount.PASSWORD_VARIABLE, WRONG_PASSWORD),
                NEVER_ASKED, routedToServer());

        assertThat(run.status).as(run.toString()).isEqualTo(IntegrateAccount.NOT_INTEGRATED);
        assertThat(run.lines()).hasSize(1);
        IntegrationResult result = IntegrationResult.fromJson(run.lines().get(0));
        assertThat(result.isIntegrated()).isFalse();
        assertThat(result.attempts()).allSatisfy(attempt -> assertThat(attempt.outcome()).isEqualTo(Outcome.AUTH_FAILED));
        assertThat(run.everything()).doesNotContain(WRONG_PASSWORD).doesNotContain(PASSWORD);
    }

    @Test
    void explainFollowsTheTable() {
        Run run = run(new String[] {"--demo", "--explain"}, Map.of(), NEVER_ASKED, Network.INTERNET);

        assertThat(run.status).as(run.toString()).isEqualTo(IntegrateAccount.INTEGRATED);
        int verdict = run.lines().indexOf(run.lines().stream().filter(line -> line.startsWith("Integrated with "))
                .findFirst().orElseThrow());
        String explanation = String.join("\n", run.lines().subList(verdict + 1, run.lines().size()));
        assertThat(explanation).contains(IntegrateAccount.DEMO_ADDRESS + " is set up with POP3 over TLS")
                .contains("the server refused the connection");
        assertThat(run.table()).hasSize(5);
        assertThat(run.err).isEmpty();
    }

    @Test
    void progressShowsEachAttemptOnStandardError() {
        Run run = run(new String[] {"--demo", "--progress"}, Map.of(), NEVER_ASKED, Network.INTERNET);

        assertThat(run.status).as(run.toString()).isEqualTo(IntegrateAccount.INTEGRATED);
        List<String> progress = run.err.lines().toList();
        assertThat(progress).allMatch(line -> line.matches("\\[\\+\\d+ ms\\] .+"))
                .anyMatch(line -> line.matches("\\[\\+\\d+ ms\\] IMAP/IMPLICIT_TLS 127\\.0\\.0\\.1:\\d+ \\.\\.\\."))
                .anyMatch(line -> line.matches("\\[\\+\\d+ ms\\] IMAP/IMPLICIT_TLS 127\\.0\\.0\\.1:\\d+ \\.\\.\\. REFUSED"))
                .anyMatch(line -> line.matches("\\[\\+\\d+ ms\\] POP3/IMPLICIT_TLS 127\\.0\\.0\\.1:\\d+ \\.\\.\\. AUTHENTICATED"))
                .anyMatch(line -> line.matches("\\[\\+\\d+ ms\\] integrated with POP3/IMPLICIT_TLS .+"));
        assertThat(run.lines()).anyMatch(row(2, "POP3", "IMPLICIT_TLS", "AUTHENTICATED"));
    }

    @Test
    void tokenEnvSignsInWithTheTokenAndNeverAsksForAPassword() {
        String token = "ya29.a0-Test-Token-7c1e";

        Run run = run(new String[] {ADDRESS, "--token-env", "MY_TOKEN", "--json"},
                Map.of("MY_TOKEN", token, IntegrateAccount.PASSWORD_VARIABLE, PASSWORD), NEVER_ASKED, routedToServer());

        // The embedded server knows no token for alice: it rejects it, which shows the token was sent, not the password.
        assertThat(run.status).as(run.toString()).isEqualTo(IntegrateAccount.NOT_INTEGRATED);
        IntegrationResult result = IntegrationResult.fromJson(run.lines().get(0));
        assertThat(result.attempts()).isNotEmpty()
                .allSatisfy(attempt -> assertThat(attempt.outcome()).isEqualTo(Outcome.TOKEN_REJECTED));
        assertThat(run.everything()).doesNotContain(token).doesNotContain(PASSWORD);
        assertThat(server.get().receivedInCleartext(PASSWORD)).isFalse();
    }

    @Test
    void tokenEnvWithoutTheVariableIsAUsageError() {
        Run run = run(new String[] {ADDRESS, "--token-env", "MY_TOKEN"},
                Map.of(IntegrateAccount.PASSWORD_VARIABLE, PASSWORD), NEVER_ASKED, routedToServer());

        assertThat(run.status).isEqualTo(IntegrateAccount.USAGE_ERROR);
        assertThat(run.err).contains("No access token").contains("MY_TOKEN");
        assertThat(run.out).isEmpty();
        assertThat(policyCalls).hasValue(0);
    }

    @Test
    void helpPrintsUsage() {
        Run run = run(new String[] {"--help"}, Map.of(), NEVER_ASKED, routedToServer());

        assertThat(run.status).isZero();
        assertThat(run.out).startsWith("Usage: IntegrateAccount <email-address>")
                .contains("--pop-host").contains(IntegrateAccount.PASSWORD_VARIABLE);
        assertThat(run.err).isEmpty();
        assertThat(policyCalls).hasValue(0);
    }

    /** Sends every candidate to the test server, counting how often the policy is asked for candidates. */
    private Network routedToServer() {
        MailServerFixture fixture = server.get();
        return new Network(policy -> {
            PreferencePolicy routed = fixture.route(policy);
            return account -> {
                policyCalls.incrementAndGet();
                return routed.candidates(account);
            };
        }, fixture.clientSslContext());
    }

    /** A table row: number, protocol, security, host:port, outcome, phase, milliseconds, detail. */
    /** A candidate a more preferred one made unnecessary: never started, or stopped when it won (timing decides). */
    private static final String NOT_NEEDED = "(NOT_TRIED|SUPERSEDED)";

    private static Pattern rowPattern(int number, String protocol, String security, String outcome) {
        return Pattern.compile(number + "\\s+" + protocol + "\\s+" + security + "\\s+\\S+:\\d+\\s+" + outcome
                + "\\s+(-|RESOLVE|CONNECT|TLS|GREETING|LOGIN)\\s+\\d+\\s+\\S.*");
    }

    private static Predicate<String> row(int number, String protocol, String security,
            String outcome) {
        return rowPattern(number, protocol, security, outcome).asMatchPredicate();
    }

    /**
     * Runs the program with its output captured, the process's own {@code System.out} and {@code System.err}
     * captured as well, and what the library logged meanwhile (slf4j-simple writes this module's test logs to
     * {@link #LIBRARY_LOG}, as {@code simplelogger.properties} says).
     */
    private static Run run(String[] args, Map<String, String> env, PasswordPrompt prompt, Network network) {
        long logged = logSize();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        int status;
        try (PrintStream consoleStream = new PrintStream(console, true, StandardCharsets.UTF_8)) {
            System.setOut(consoleStream);
            System.setErr(consoleStream);
            status = IntegrateAccount.run(args, env, prompt, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), network);
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
                console.toString(StandardCharsets.UTF_8) + logSince(logged));
    }

    private static final java.nio.file.Path LIBRARY_LOG = java.nio.file.Path.of("target", "library-test.log");

    private static long logSize() {
        try {
            return java.nio.file.Files.exists(LIBRARY_LOG) ? java.nio.file.Files.size(LIBRARY_LOG) : 0;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String logSince(long offset) {
        try {
            byte[] all = java.nio.file.Files.exists(LIBRARY_LOG) ? java.nio.file.Files.readAllBytes(LIBRARY_LOG)
                    : new byte[0];
            return new String(all, (int) Math.min(offset, all.length), (int) Math.max(0, all.length - offset),
                    StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static final class Run {
        final int status;
        final String out;
        final String err;
        final String console;

        Run(int status, String out, String err, String console) {
            this.status = status;
            this.out = out;
            this.err = err;
            this.console = console;
        }

        List<String> lines() {
            return out.lines().toList();
        }

        /** The header and rows of the attempts table. */
        List<String> table() {
            List<String> lines = lines();
            int header = lines.indexOf(lines.stream().filter(line -> line.startsWith("#  ")).findFirst().orElseThrow());
            int end = header;
            while (end < lines.size() && !lines.get(end).isEmpty()) {
                end++;
            }
            return lines.subList(header, end);
        }

        String lastLine() {
            List<String> lines = lines();
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        }

        String everything() {
            return out + err + console;
        }

        @Override
        public String toString() {
            return "exit " + status + "\n--- out\n" + out + "--- err\n" + err;
        }
    }
}
