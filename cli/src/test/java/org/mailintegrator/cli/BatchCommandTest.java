package org.mailintegrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.testkit.Fault;
import org.mailintegrator.testkit.MailIntegratorAssertions;
import org.mailintegrator.testkit.MailServerFixture;
import org.mailintegrator.testkit.Service;
import picocli.CommandLine;

/** {@code mailintegrator batch} against a testkit server: rows, the resume rule, retries, the summary, exit codes. */
class BatchCommandTest {
    private static final Map<String, String> ENVIRONMENT = Map.of("ALICE_PW", "alice-Secret-1",
            "BOB_PW", "not-bobs-password", "MAIL_INTEGRATOR_PASSWORD", "erin-Secret-5");
    private static final List<Service> INCOMING = List.of(Service.IMAPS, Service.POP3S, Service.IMAP, Service.POP3);

    @TempDir
    Path directory;

    @Test
    void transientFailuresAndErrorsAreRetriedIntegratedAndFailedAccountsAreNot() throws IOException {
        try (MailServerFixture server = MailServerFixture.builder().user("alice@example.test", "alice-Secret-1")
                .user("bob@example.test", "bob-Secret-2").user("erin@example.test", "erin-Secret-5").start()) {
            Path accounts = Files.writeString(directory.resolve("accounts.csv"), String.join("\n",
                    "email,password_env,host",
                    "alice@example.test,ALICE_PW,127.0.0.1",
                    "bob@example.test,BOB_PW,127.0.0.1",
                    "carol@example.test,CAROL_PW,127.0.0.1",
                    "erin@example.test,,127.0.0.1") + "\n");
            Path out = directory.resolve("results.jsonl");
            INCOMING.forEach(service -> server.fault(service, Fault.SILENT));

            Run first = batch(server, accounts, out);

            assertThat(first.status).isEqualTo(MailIntegratorCli.NOT_INTEGRATED);
            assertThat(latest(out)).containsExactlyInAnyOrder(entry("alice@example.test", "transient"),
                    entry("bob@example.test", "transient"), entry("carol@example.test", "error"),
                    entry("erin@example.test", "transient"));
            assertThat(first.err).contains("Summary: 4 accounts: 0 integrated, 0 failed, 3 transient, 1 errors; 0 skipped");

            INCOMING.forEach(server::heal);
            Run second = batch(server, accounts, out);

            assertThat(latest(out)).containsExactlyInAnyOrder(entry("alice@example.test", "integrated"),
                    entry("bob@example.test", "failed"), entry("carol@example.test", "error"),
                    entry("erin@example.test", "integrated"));
            assertThat(second.err).contains("Summary: 4 accounts: 2 integrated, 1 failed, 0 transient, 1 errors; "
                    + "0 skipped").contains("AUTH_FAILED=1");
            assertThat(lines(out)).hasSize(8);

            int loginsBefore = server.logins();
            Files.writeString(out, "{\"email\":\"alice@exa", StandardOpenOption.APPEND);   // cut short
            Run third = batch(server, accounts, out);

            assertThat(third.err).contains("3 skipped as already done (this run: 1 tried)");
            assertThat(server.logins()).as("bob's rejected password is not tried again").isEqualTo(loginsBefore);
            assertThat(lines(out)).as("the cut line removed, carol's error again").hasSize(9)
                    .allMatch(line -> line.endsWith("}"));

            Run retry = batch(server, accounts, out, "--retry-failed");

            assertThat(retry.err).contains("2 skipped as already done (this run: 2 tried)");
            assertThat(retry.status).isEqualTo(MailIntegratorCli.NOT_INTEGRATED);
            for (Run run : List.of(first, second, third, retry)) {
                assertThat(run.out + run.err).doesNotContain("alice-Secret-1", "not-bobs-password", "erin-Secret-5");
            }
            assertThat(Files.readString(out)).doesNotContain("alice-Secret-1", "not-bobs-password");
            Map<String, Object> alice = JSON.std.mapFrom(lines(out).stream()
                    .filter(line -> line.startsWith("{\"email\":\"alice@example.test\",\"status\":\"integrated\""))
                    .findFirst().orElseThrow());
            IntegrationResult saved = IntegrationResult.fromJson(JSON.std.asString(alice.get("result")));
            assertThat(saved.selected().orElseThrow().protocol()).isEqualTo(MailProtocol.IMAP);
        }
    }

    @Test
    void csvRowsCarryTheSelectedCandidateAndEveryAccountIntegratedExitsZero() throws IOException {
        try (MailServerFixture server = MailServerFixture.builder().user("alice@example.test", "alice-Secret-1")
                .stopped(Service.IMAPS).start()) {
            Path accounts = Files.writeString(directory.resolve("accounts.csv"),
                    "email,password_env,host\nalice@example.test,ALICE_PW,127.0.0.1\n");
            Path out = directory.resolve("results.csv");

            Run run = batch(server, accounts, out, "--format", "csv");

            assertThat(run.status).isEqualTo(MailIntegratorCli.INTEGRATED);
            try (CSVParser parser = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                    .parse(Files.newBufferedReader(out))) {
                assertThat(parser.getHeaderNames()).isEqualTo(BatchCommand.CSV_COLUMNS);
                CSVRecord row = parser.getRecords().get(0);
                assertThat(row.get("status")).isEqualTo("integrated");
                assertThat(row.get("protocol")).isEqualTo("POP3");
                assertThat(row.get("port")).isEqualTo(Integer.toString(server.port(Service.POP3S)));
            }
        }
    }

    @Test
    void bothDirectionsGoInOneRowIntegratedOnlyWhenBothAre() throws IOException {
        try (MailServerFixture server = MailServerFixture.builder().user("alice@example.test", "alice-Secret-1")
                .stopped(Service.SMTPS).start()) {
            Path accounts = Files.writeString(directory.resolve("accounts.csv"),
                    "email,password_env,host\nalice@example.test,ALICE_PW,127.0.0.1\n");
            Path jsonl = directory.resolve("both.jsonl");
            Path csv = directory.resolve("both.csv");
            String[] smtpPorts = {"--mail-port", "submissions=" + server.port(Service.SMTPS),
                "--mail-port", "submission=" + server.port(Service.SMTP)};

            Run lines = batch(server, accounts, jsonl, concat("--both", smtpPorts));
            Run table = batch(server, accounts, csv, concat("--both", concat("--format", concat("csv", smtpPorts))));
            server.stop(Service.SMTP);
            Run halfway = batch(server, accounts, directory.resolve("half.jsonl"), concat("--both", smtpPorts));

            assertThat(lines.status).as(lines.err).isEqualTo(MailIntegratorCli.INTEGRATED);
            Map<String, Object> row = JSON.std.mapFrom(lines(jsonl).get(0));
            assertThat(IntegrationResult.fromJson(JSON.std.asString(row.get("result"))).selected().orElseThrow()
                    .protocol()).isEqualTo(MailProtocol.IMAP);
            assertThat(IntegrationResult.fromJson(JSON.std.asString(row.get("outgoing"))).selected().orElseThrow()
                    .port()).isEqualTo(server.port(Service.SMTP));
            try (CSVParser parser = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                    .parse(Files.newBufferedReader(csv))) {
                CSVRecord record = parser.getRecords().get(0);
                assertThat(record.get("protocol")).isEqualTo("IMAP");
                assertThat(record.get("outgoing_security")).isEqualTo("STARTTLS");
                assertThat(record.get("outgoing_port")).isEqualTo(Integer.toString(server.port(Service.SMTP)));
            }
            assertThat(halfway.status).isEqualTo(MailIntegratorCli.NOT_INTEGRATED);
            assertThat(halfway.err).contains("0 integrated, 1 failed").contains("REFUSED=1");
            MailIntegratorAssertions.assertThat(server).submittedNoMessage();
        }
    }

    private static String[] concat(String first, String... rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    @Test
    void aBadHeaderOrArgumentIsAUsageErrorBeforeAnyConnection() throws IOException {
        try (MailServerFixture server = MailServerFixture.builder().user("alice@example.test", "pw").start()) {
            Path unknown = Files.writeString(directory.resolve("unknown.csv"), "email,password\na@example.test,pw\n");
            Path noEmail = Files.writeString(directory.resolve("no-email.csv"), "host\n127.0.0.1\n");
            Path badAddress = Files.writeString(directory.resolve("bad.csv"), "email\nnot-an-address\n");
            Path out = directory.resolve("out.jsonl");

            Run unknownColumn = batch(server, unknown, out);
            Run missingEmail = batch(server, noEmail, out);
            Run wrongAddress = batch(server, badAddress, out);
            Run wrongFormat = batch(server, badAddress, out, "--format", "xml");

            assertThat(List.of(unknownColumn, missingEmail, wrongAddress, wrongFormat))
                    .allMatch(run -> run.status == MailIntegratorCli.USAGE_ERROR);
            assertThat(unknownColumn.err).contains("unknown column \"password\"").doesNotContain("pw\n");
            assertThat(missingEmail.err).contains("no email column");
            assertThat(wrongAddress.err).contains("line 2");
            assertThat(server.received()).as("no connection was made").isEmpty();
            assertThat(out).doesNotExist();
        }
    }

    private record Run(int status, String out, String err) {
    }

    private static Map.Entry<String, String> entry(String email, String status) {
        return Map.entry(email, status);
    }

    private Run batch(MailServerFixture server, Path accounts, Path out, String... more) {
        List<String> arguments = new ArrayList<>(List.of("batch", accounts.toString(), "--out", out.toString(),
                "--concurrency", "2", "--read-timeout", "500ms", "--mail-port", "imaps=" + server.port(Service.IMAPS),
                "--mail-port", "pop3s=" + server.port(Service.POP3S), "--mail-port", "imap=" + server.port(Service.IMAP),
                "--mail-port", "pop3=" + server.port(Service.POP3), "--ca-file", pem(server).toString()));
        arguments.addAll(List.of(more));
        StringWriter outText = new StringWriter();
        StringWriter errText = new StringWriter();
        CommandLine commandLine = MailIntegratorCli.commandLine(new MailIntegratorCli(ENVIRONMENT));
        commandLine.setOut(new PrintWriter(outText, true));
        commandLine.setErr(new PrintWriter(errText, true));
        int status = commandLine.execute(arguments.toArray(String[]::new));
        return new Run(status, outText.toString(), errText.toString());
    }

    private Path pem(MailServerFixture server) {
        try {
            Path file = directory.resolve("ca-" + server.port(Service.IMAPS) + ".pem");
            return Files.writeString(file, server.certificates().caCertificatePem());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> lines(Path out) throws IOException {
        return Files.readAllLines(out, StandardCharsets.UTF_8);
    }

    /** The latest status of each address, in the order addresses first appear. */
    private static List<Map.Entry<String, String>> latest(Path out) throws IOException {
        Map<String, String> latest = new LinkedHashMap<>();
        for (String line : lines(out)) {
            Map<String, Object> row = JSON.std.mapFrom(line);
            latest.put((String) row.get("email"), (String) row.get("status"));
        }
        return new ArrayList<>(latest.entrySet());
    }
}
