package org.mailintegrator.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.Explanation;
import org.mailintegrator.core.IntegrationPair;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.strategies.Policies;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code mailintegrator batch accounts.csv --out results.jsonl}: integrates every account of a CSV file, a fixed
 * number at a time, and appends one row per account to the output as soon as it ends. A run resumes: an account whose
 * latest row is {@value #INTEGRATED} or {@value #FAILED} is skipped; {@value #TRANSIENT} and {@value #ERROR} rows are
 * tried again, and with {@code --retry-failed} the {@value #FAILED} ones too. The latest row of an address counts.
 * Not thread-safe: one instance per run (its rows are written under a lock).
 */
@Command(name = "batch", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Integrates every account of a CSV file (columns: email, and optionally username, host, "
                + "imap_host, pop_host, smtp_host, password_env) and appends one row per account to --out.",
                "Each row's password comes from the environment variable its password_env column names (default "
                        + Credentials.PASSWORD_VARIABLE + "); never from the file or the command line.",
                "Running it again resumes: integrated and failed accounts are skipped; transient failures and errors "
                        + "are tried again (--retry-failed: failed ones too)."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:every account integrated", "1:some account not integrated", "2:usage error"})
final class BatchCommand implements Callable<Integer> {
    /** The status of an account that is integrated. */
    static final String INTEGRATED = "integrated";
    /** Not integrated for a definitive reason (rejected credentials, refused, TLS failed...): not retried. */
    static final String FAILED = "failed";
    /** Not integrated, but a candidate timed out, was busy or hit a network error: retried on the next run. */
    static final String TRANSIENT = "transient";
    /** Could not be tried (no password, an invalid value): retried on the next run. */
    static final String ERROR = "error";

    static final List<String> CSV_COLUMNS = List.of("email", "status", "protocol", "security", "host", "port",
            "elapsed_ms", "cause", "explanation", "outgoing_security", "outgoing_host", "outgoing_port");
    private static final Set<String> INPUT_COLUMNS = Set.of("email", "username", "host", "imap_host", "pop_host",
            "smtp_host", "password_env");
    private static final Set<Outcome> TRANSIENT_OUTCOMES = Set.of(Outcome.TIMED_OUT, Outcome.BUSY,
            Outcome.NETWORK_ERROR, Outcome.ABANDONED, Outcome.CANCELLED);

    @Spec
    CommandLine.Model.@Nullable CommandSpec spec;

    @ParentCommand
    @Nullable MailIntegratorCli parent;

    @Parameters(paramLabel = "ACCOUNTS.csv", description = "The accounts, with a header line.")
    Path input = Path.of("accounts.csv");

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where the rows go (appended).")
    Path output = Path.of("results.jsonl");

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "jsonl",
            description = "jsonl (default): one JSON object per line with the saved result; csv: the columns "
                    + "email,status,protocol,security,host,port,elapsed_ms,cause,explanation.")
    String format = "jsonl";

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "8",
            description = "Accounts integrated at a time, 1 to 256 (default: ${DEFAULT-VALUE}).")
    int concurrency = 8;

    @Option(names = "--retry-failed", description = "Also try again the accounts that failed for a definitive reason.")
    boolean retryFailed;

    @Option(names = "--outgoing", description = "Integrate each account's outgoing server (SMTP submission).")
    boolean outgoing;

    @Option(names = "--both", description = "Integrate each account's incoming and outgoing servers at once; the "
            + "row is integrated when both are.")
    boolean both;

    @Mixin
    IntegrationOptions options = new IntegrationOptions();

    /** A test's last word on the integrator (e.g. routing to fixtures); the command line's settings otherwise. */
    java.util.function.Consumer<Integrator.Builder> network = builder -> { };

    private final Object lock = new Object();

    @Override
    public Integer call() throws IOException, InterruptedException {
        CommandLine commandLine = spec().commandLine();
        PrintWriter err = commandLine.getErr();
        boolean csv = format.equals("csv");
        List<Map<String, String>> rows;
        Map<String, String> previous;
        Integrator integrator;
        Integrator sending = null;
        try {
            if (outgoing && both) {
                throw new IllegalArgumentException("give --outgoing or --both, not both");
            }
            if (!csv && !format.equals("jsonl")) {
                throw new IllegalArgumentException("--format must be jsonl or csv, not " + format);
            }
            if (concurrency < 1 || concurrency > 256) {
                throw new IllegalArgumentException("--concurrency must be from 1 to 256, not " + concurrency);
            }
            if (Files.exists(output) && Files.isSameFile(input, output)) {
                throw new IllegalArgumentException("--out must not be the input file");
            }
            rows = readInput();
            previous = readOutput(csv);
            Integrator.Builder builder = options.integrator(outgoing ? Policies.submission() : options.policy());
            network.accept(builder);
            integrator = builder.build();
            if (both) {
                Integrator.Builder outgoingBuilder = options.integrator(Policies.submission());
                network.accept(outgoingBuilder);
                sending = outgoingBuilder.build();
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(commandLine, "Error: " + e.getMessage());
        }
        Integrator sendingIntegrator = sending;
        Map<String, String> environment = parent == null ? System.getenv() : parent.environment();
        Map<String, String> statuses = new LinkedHashMap<>();
        List<Map<String, String>> todo = new ArrayList<>();
        for (Map<String, String> row : rows) {
            String email = row.getOrDefault("email", "");
            String before = previous.get(email);
            if (statuses.containsKey(email)) {
                err.println("Skipping a second row for " + email + " (line " + row.get("#line") + ")");
                continue;
            }
            statuses.put(email, before == null ? ERROR : before);
            if (before == null || before.equals(TRANSIENT) || before.equals(ERROR)
                    || before.equals(FAILED) && retryFailed) {
                todo.add(row);
            }
        }
        int skipped = rows.size() - todo.size();
        Progress progress = new Progress(err, todo.size(), System.console() != null);
        Map<String, Integer> causes = new TreeMap<>();
        try (BufferedWriter writer = Files.newBufferedWriter(output, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                CSVPrinter printer = csv ? new CSVPrinter(writer, CSVFormat.RFC4180) : null) {
            if (printer != null && Files.size(output) == 0) {
                printer.printRecord(CSV_COLUMNS);
                printer.flush();
            }
            ExecutorService pool = Executors.newFixedThreadPool(concurrency, runnable -> {
                Thread thread = new Thread(runnable, "mailintegrator-batch");
                thread.setDaemon(true);
                return thread;
            });
            for (Map<String, String> row : todo) {
                pool.execute(() -> {
                    Row done = integrate(row, integrator, sendingIntegrator, environment);
                    synchronized (lock) {
                        write(done, writer, printer);
                        statuses.put(done.email, done.status);
                        if (done.cause != null) {
                            causes.merge(done.cause, 1, Integer::sum);
                        }
                        progress.done(done.status);
                    }
                });
            }
            pool.shutdown();
            while (!pool.awaitTermination(1, TimeUnit.MINUTES)) {
                // a batch may take hours; the pool ends when its last account does
            }
        }
        progress.finish();
        long integrated = statuses.values().stream().filter(INTEGRATED::equals).count();
        err.println("Summary: " + statuses.size() + " accounts: " + integrated + " integrated, "
                + count(statuses, FAILED) + " failed, " + count(statuses, TRANSIENT) + " transient, "
                + count(statuses, ERROR) + " errors; " + skipped + " skipped as already done (this run: "
                + todo.size() + " tried).");
        if (!causes.isEmpty()) {
            err.println("Not integrated this run, by the first candidate's cause: " + causes);
        }
        err.flush();
        return integrated == statuses.size() ? MailIntegratorCli.INTEGRATED : MailIntegratorCli.NOT_INTEGRATED;
    }

    private static long count(Map<String, String> statuses, String status) {
        return statuses.values().stream().filter(status::equals).count();
    }

    /** One account's outcome, as written. */
    private record Row(String email, String status, @Nullable IntegrationResult result,
            @Nullable IntegrationResult sent, @Nullable String error, @Nullable String cause) {
    }

    private Row integrate(Map<String, String> row, Integrator integrator, @Nullable Integrator sending,
            Map<String, String> environment) {
        String email = row.getOrDefault("email", "");
        try {
            // the command line's hosts for every row, unless the row names its own
            MailAccount.Builder account = options.account(email);
            set(row, "username", account::username);
            set(row, "host", account::host);
            set(row, "imap_host", host -> account.host(MailProtocol.IMAP, host));
            set(row, "pop_host", host -> account.host(MailProtocol.POP3, host));
            set(row, "smtp_host", host -> account.host(MailProtocol.SMTP, host));
            String variable = row.getOrDefault("password_env", "");
            variable = variable.isEmpty() ? Credentials.PASSWORD_VARIABLE : variable;
            String password = environment.get(variable);
            if (password == null || password.isEmpty()) {
                return new Row(email, ERROR, null, null, "no password: the environment variable " + variable
                        + " is not set", null);
            }
            MailAccount ready = account.password(password).build();
            IntegrationResult result;
            IntegrationResult sent = null;
            if (sending != null) {
                IntegrationPair pair = IntegrationPair.integrate(integrator, sending, ready);
                result = pair.incoming();
                sent = pair.outgoing();
            } else {
                result = integrator.integrate(ready);
            }
            List<IntegrationResult> results = sent == null ? List.of(result) : List.of(result, sent);
            if (results.stream().allMatch(IntegrationResult::isIntegrated)) {
                return new Row(email, INTEGRATED, result, sent, null, null);
            }
            boolean transientFailure = results.stream().flatMap(each -> each.attempts().stream())
                    .map(Attempt::outcome).anyMatch(TRANSIENT_OUTCOMES::contains);
            IntegrationResult failed = results.stream().filter(each -> !each.isIntegrated()).findFirst()
                    .orElse(result);
            String cause = failed.attempts().isEmpty() ? null
                    : Explanation.Cause.of(failed.attempts().get(0)).name();
            return new Row(email, transientFailure ? TRANSIENT : FAILED, result, sent, null, cause);
        } catch (IllegalArgumentException e) {
            return new Row(email, ERROR, null, null, e.getMessage(), null);
        }
    }

    private static void set(Map<String, String> row, String column, java.util.function.Consumer<String> setter) {
        String value = row.get(column);
        if (value != null && !value.isEmpty()) {
            setter.accept(value);
        }
    }

    private static void write(Row row, BufferedWriter writer, @Nullable CSVPrinter printer) {
        try {
            if (printer != null) {
                IntegrationResult result = row.result;
                ProtocolCandidate selected = result == null ? null : result.selected().orElse(null);
                String explanation = row.error != null ? row.error
                        : result == null ? "" : result.explain().lines().findFirst().orElse("");
                ProtocolCandidate sentBy = row.sent == null ? null : row.sent.selected().orElse(null);
                printer.printRecord(row.email, row.status, selected == null ? "" : selected.protocol(),
                        selected == null ? "" : selected.security(), selected == null ? "" : selected.host(),
                        selected == null ? "" : selected.port(),
                        result == null ? "" : result.elapsed().toMillis(), row.cause == null ? "" : row.cause,
                        explanation, sentBy == null ? "" : sentBy.security(), sentBy == null ? "" : sentBy.host(),
                        sentBy == null ? "" : sentBy.port());
                printer.flush();
            } else {
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("email", row.email);
                line.put("status", row.status);
                if (row.cause != null) {
                    line.put("cause", row.cause);
                }
                if (row.error != null) {
                    line.put("error", row.error);
                }
                if (row.result != null) {
                    line.put("result", JSON.std.mapFrom(row.result.toJson()));
                }
                if (row.sent != null) {
                    line.put("outgoing", JSON.std.mapFrom(row.sent.toJson()));
                }
                writer.write(JSON.std.asString(line));
                writer.write('\n');
                writer.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the output", e);
        }
    }

    /** The input's rows, each with its line number under {@code #line}; checks the header and the addresses. */
    private List<Map<String, String>> readInput() {
        try (Reader reader = Files.newBufferedReader(input, StandardCharsets.UTF_8);
                CSVParser parser = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true)
                        .setIgnoreSurroundingSpaces(true).setIgnoreEmptyLines(true).get().parse(reader)) {
            List<String> header = parser.getHeaderNames().stream()
                    .map(name -> name.replace("\uFEFF", "").trim().toLowerCase(Locale.ROOT)).toList();
            for (String column : header) {
                if (!INPUT_COLUMNS.contains(column)) {
                    throw new IllegalArgumentException(input + ": unknown column \"" + column + "\" in the header; the"
                            + " columns are " + new java.util.TreeSet<>(INPUT_COLUMNS));
                }
            }
            if (!header.contains("email")) {
                throw new IllegalArgumentException(input + ": the header names no email column (the first line "
                        + "names the columns, e.g. email,password_env)");
            }
            List<Map<String, String>> rows = new ArrayList<>();
            for (CSVRecord record : parser) {
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 0; i < header.size() && i < record.size(); i++) {
                    row.put(header.get(i), record.get(i));
                }
                String line = Long.toString(parser.getCurrentLineNumber());
                String email = row.getOrDefault("email", "");
                if (email.isEmpty() || email.indexOf('@') <= 0) {
                    throw new IllegalArgumentException(input + " line " + line + ": \"" + email
                            + "\" is not an email address");
                }
                row.put("#line", line);
                rows.add(row);
            }
            return rows;
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalArgumentException("cannot read " + input + ": " + e.getMessage());
        }
    }

    /**
     * The latest status of each address in the output, after removing a last line cut short by an interruption;
     * an empty map when there is no output yet.
     */
    private Map<String, String> readOutput(boolean csv) {
        Map<String, String> statuses = new LinkedHashMap<>();
        if (!Files.exists(output)) {
            return statuses;
        }
        try {
            cutPartialLastLine();
            if (csv) {
                try (Reader reader = Files.newBufferedReader(output, StandardCharsets.UTF_8);
                        CSVParser parser = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                                .parse(reader)) {
                    if (Files.size(output) > 0 && !parser.getHeaderNames().equals(CSV_COLUMNS)) {
                        throw new IllegalArgumentException(output + " is not a CSV output of this command (its "
                                + "header is not " + String.join(",", CSV_COLUMNS) + ")");
                    }
                    for (CSVRecord record : parser) {
                        statuses.put(record.get("email"), record.get("status"));
                    }
                }
            } else {
                for (String line : Files.readAllLines(output, StandardCharsets.UTF_8)) {
                    if (line.isBlank()) {
                        continue;
                    }
                    Map<String, Object> row = JSON.std.mapFrom(line);
                    if (!(row.get("email") instanceof String email) || !(row.get("status") instanceof String status)) {
                        throw new IllegalArgumentException(output + " is not a JSON-lines output of this command");
                    }
                    statuses.put(email, status);
                }
            }
            return statuses;
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            throw new IllegalArgumentException(output + " cannot be read as an output of this command: "
                    + e.getMessage());
        }
    }

    private void cutPartialLastLine() throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(output.toFile(), "rw")) {
            long length = file.length();
            long end = length;
            while (end > 0) {
                file.seek(end - 1);
                if (file.read() == '\n') {
                    break;
                }
                end--;
            }
            if (end < length) {
                file.setLength(end);
            }
        }
    }

    private CommandLine.Model.CommandSpec spec() {
        if (spec == null) {
            throw new IllegalStateException("run through picocli's CommandLine");
        }
        return spec;
    }

    /** Progress on standard error: one updating line with an ETA on a terminal, a plain line now and then if not. */
    private static final class Progress {
        private final PrintWriter err;
        private final int total;
        private final boolean terminal;
        private final long started = System.nanoTime();
        private final Map<String, Integer> counts = new TreeMap<>();
        private int done;
        private long lastPlain;

        Progress(PrintWriter err, int total, boolean terminal) {
            this.err = err;
            this.total = total;
            this.terminal = terminal;
        }

        void done(String status) {
            done++;
            counts.merge(status, 1, Integer::sum);
            long now = System.nanoTime();
            if (terminal) {
                err.print("\r" + line(now) + "   ");
                err.flush();
            } else if (done == total || now - lastPlain >= TimeUnit.SECONDS.toNanos(5)) {
                lastPlain = now;
                err.println(line(now));
                err.flush();
            }
        }

        void finish() {
            if (terminal && done > 0) {
                err.println();
            }
        }

        private String line(long now) {
            double seconds = Math.max(1e-3, (now - started) / 1e9);
            double rate = done / seconds;
            long eta = rate > 0 ? Math.round((total - done) / rate) : 0;
            return String.format(Locale.ROOT, "[%d/%d] %s, %.1f accounts/s, ETA %s", done, total, counts, rate,
                    format(Duration.ofSeconds(eta)));
        }

        private static String format(Duration duration) {
            long seconds = duration.getSeconds();
            return seconds >= 3600 ? seconds / 3600 + "h" + seconds % 3600 / 60 + "m"
                    : seconds >= 60 ? seconds / 60 + "m" + seconds % 60 + "s" : seconds + "s";
        }
    }
}
