package org.mailintegrator.examples;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.internal.Json;

/**
 * {@code IntegrateAccount --batch accounts.csv --out results.jsonl [--concurrency 8] [--format jsonl|csv]}:
 * integrates every account of a CSV file, a fixed number at a time, and writes one row per account.
 *
 * <p>The input has a header line; its columns are {@code email} (required), and optionally {@code username},
 * {@code host}, {@code imap_host}, {@code pop_host} and {@code password_env}, the name of the environment variable
 * that holds that account's password. Passwords are never in the file nor on the command line; a row without a
 * password, or with an invalid value, is written as an error and the others go on.
 *
 * <p>Output, flushed row by row and appended: with {@code jsonl} one JSON object per line, {@code {"email": ...,
 * "result": <IntegrationResult.toJson()>}} or {@code {"email": ..., "error": "..."}}; with {@code csv} the columns
 * {@value #CSV_HEADER}. A run resumes: the addresses already in the output are skipped, so running the same command
 * again after an interruption integrates only the rest (a last line cut short is removed first).
 *
 * <p>Everything is checked before the first connection: the options, the input's header, the output's format.
 * Progress goes to standard error; the summary to standard output. Exit status: 0 when every row was integrated,
 * 1 when a row was not or had an error, 2 for a usage error.
 */
final class BatchIntegration {
    static final String CSV_HEADER = "email,integrated,protocol,security,host,port,elapsed_ms,explanation_first_line";
    static final int DEFAULT_CONCURRENCY = 8;

    private static final Set<String> COLUMNS = Set.of("email", "username", "host", "imap_host", "pop_host",
            "password_env");

    private final Path input;
    private final Path output;
    private final boolean csv;
    private final int concurrency;
    private final Map<String, String> env;
    private final PrintStream err;
    /** The rows still to integrate, in file order; each a map from column to value. */
    private final List<Map<String, String>> todo;
    private final int alreadyDone;
    private final boolean writeHeader;

    private BatchIntegration(IntegrateAccount.Options options, Map<String, String> env, PrintStream err,
            List<Map<String, String>> todo, int alreadyDone, boolean writeHeader) {
        this.input = Path.of(options.batch);
        this.output = Path.of(options.batchOutput);
        this.csv = "csv".equals(options.format);
        this.concurrency = options.concurrency == null ? DEFAULT_CONCURRENCY : options.concurrency;
        this.env = env;
        this.err = err;
        this.todo = todo;
        this.alreadyDone = alreadyDone;
        this.writeHeader = writeHeader;
    }

    /**
     * Reads the input and what the output already holds, with no network I/O.
     *
     * @throws IllegalArgumentException with a message for the user when a file cannot be used
     */
    static BatchIntegration prepare(IntegrateAccount.Options options, Map<String, String> env, PrintStream err) {
        Path input = Path.of(options.batch);
        Path output = Path.of(options.batchOutput);
        boolean csv = "csv".equals(options.format);
        if (!Files.isRegularFile(input) || !Files.isReadable(input)) {
            throw new IllegalArgumentException("cannot read the input file " + input);
        }
        Path parent = output.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new IllegalArgumentException("the directory of the output file " + output + " does not exist");
        }
        if (Files.isDirectory(output)) {
            throw new IllegalArgumentException("the output " + output + " is a directory");
        }
        try {
            if (Files.exists(output) && Files.isSameFile(input, output)) {
                throw new IllegalArgumentException("the output file must not be the input file");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the input file " + input + ": " + e.getMessage());
        }
        List<Map<String, String>> rows = readInput(input);
        Set<String> done = new HashSet<>();
        boolean writeHeader = readOutput(output, csv, done, err);
        List<Map<String, String>> todo = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int alreadyDone = 0;
        for (Map<String, String> row : rows) {
            String email = row.get("email");
            if (done.contains(email)) {
                alreadyDone++;
            } else if (!seen.add(email)) {
                err.println("Skipping a second row for " + email + " (line " + row.get("#line") + ")");
            } else {
                todo.add(row);
            }
        }
        return new BatchIntegration(options, env, err, todo, alreadyDone, writeHeader);
    }

    /** The rows of the input, each with its line number under {@code #line}. */
    private static List<Map<String, String>> readInput(Path input) {
        List<String> lines;
        try {
            lines = Files.readAllLines(input, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the input file " + input + ": " + e.getMessage());
        }
        if (lines.isEmpty() || lines.get(0).isBlank()) {
            throw new IllegalArgumentException(input + " has no header line; the first line names the columns,"
                    + " e.g. email,password_env");
        }
        String first = lines.get(0).startsWith("\uFEFF") ? lines.get(0).substring(1) : lines.get(0);
        List<String> header = new ArrayList<>();
        for (String column : Csv.parse(first, input, 1)) {
            String name = column.trim().toLowerCase(Locale.ROOT);
            if (!COLUMNS.contains(name)) {
                throw new IllegalArgumentException(input + ": unknown column \"" + column.trim() + "\"; the columns"
                        + " are email (required), username, host, imap_host, pop_host, password_env");
            }
            if (header.contains(name)) {
                throw new IllegalArgumentException(input + ": the column " + name + " appears twice");
            }
            header.add(name);
        }
        if (!header.contains("email")) {
            throw new IllegalArgumentException(input + " has no email column");
        }
        List<Map<String, String>> rows = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            List<String> values = Csv.parse(lines.get(i), input, i + 1);
            if (values.size() > header.size()) {
                throw new IllegalArgumentException(input + ", line " + (i + 1) + ": " + values.size()
                        + " values for " + header.size() + " columns");
            }
            Map<String, String> row = new LinkedHashMap<>();
            for (int column = 0; column < values.size(); column++) {
                String value = values.get(column).trim();
                if (!value.isEmpty()) {
                    row.put(header.get(column), value);
                }
            }
            if (!row.containsKey("email")) {
                throw new IllegalArgumentException(input + ", line " + (i + 1) + ": no email");
            }
            row.put("#line", Integer.toString(i + 1));
            rows.add(row);
        }
        return rows;
    }

    /**
     * Collects the addresses the output already holds and removes a last line cut short by an interruption.
     *
     * @return whether the CSV header still has to be written
     */
    private static boolean readOutput(Path output, boolean csv, Set<String> done, PrintStream err) {
        if (!Files.exists(output)) {
            return csv;
        }
        try {
            byte[] bytes = Files.readAllBytes(output);
            int complete = bytes.length;
            while (complete > 0 && bytes[complete - 1] != '\n') {
                complete--;
            }
            if (complete < bytes.length) {
                err.println("Removing the last line of " + output + ": it was cut short.");
                try (RandomAccessFile file = new RandomAccessFile(output.toFile(), "rw")) {
                    file.setLength(complete);
                }
            }
            List<String> lines = new String(bytes, 0, complete, StandardCharsets.UTF_8).lines()
                    .filter(line -> !line.isBlank()).toList();
            if (lines.isEmpty()) {
                return csv;
            }
            if (csv != lines.get(0).equals(CSV_HEADER)) {
                throw new IllegalArgumentException("the output file " + output + " is not "
                        + (csv ? "CSV written by --format csv" : "JSON lines written by --format jsonl")
                        + "; choose the format it was written with, or another file");
            }
            for (String line : csv ? lines.subList(1, lines.size()) : lines) {
                Optional<String> email = csv ? Optional.of(Csv.parse(line, output, 0).get(0)) : email(line);
                email.ifPresent(done::add);
            }
            return false;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the output file " + output + ": " + e.getMessage());
        }
    }

    /** Integrates the rows, {@code concurrency} at a time; returns the exit status. */
    int run(Integrator integrator, PrintStream out) {
        int total = todo.size();
        err.println("Batch: " + (total + alreadyDone) + " accounts in " + input + ", " + alreadyDone + " already in "
                + output + ", " + total + " to integrate, " + concurrency + " at a time");
        AtomicInteger finished = new AtomicInteger();
        AtomicInteger integrated = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        long started = System.nanoTime();
        AtomicReference<IOException> writeFailure = new AtomicReference<>();
        try (BufferedWriter writer = Files.newBufferedWriter(output, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            if (writeHeader) {
                writer.write(CSV_HEADER);
                writer.newLine();
                writer.flush();
            }
            ExecutorService pool = Executors.newFixedThreadPool(concurrency, runnable -> {
                Thread thread = new Thread(runnable, "batch-integration");
                thread.setDaemon(true);
                return thread;
            });
            try {
                for (Map<String, String> row : todo) {
                    pool.execute(() -> {
                        String email = Objects.requireNonNull(row.get("email"), "email");
                        String line;
                        String said;
                        boolean ok = false;
                        try {
                            IntegrationResult result = integrator.integrate(account(row));
                            ok = result.isIntegrated();
                            line = csv ? csvRow(email, result) : "{\"email\":" + Json.write(email) + ",\"result\":"
                                    + result.toJson() + "}";
                            said = ok ? "integrated with " + result.selected().get() : "not integrated";
                        } catch (RuntimeException e) {
                            // the row's own problem (no password, an invalid value); anything else is named by class
                            boolean expected = e instanceof RowError || e instanceof IllegalArgumentException
                                    || e instanceof IllegalStateException;
                            String message = "line " + row.get("#line") + ": "
                                    + (expected ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage());
                            line = csv ? Csv.row(email, "false", "", "", "", "", "", "error: " + message)
                                    : "{\"email\":" + Json.write(email) + ",\"error\":" + Json.write(message) + "}";
                            said = "error: " + message;
                        }
                        synchronized (writer) {
                            if (writeFailure.get() != null) {
                                return;
                            }
                            try {
                                writer.write(line);
                                writer.newLine();
                                writer.flush();
                            } catch (IOException e) {
                                writeFailure.set(e);
                                pool.shutdownNow();
                                return;
                            }
                            int done = finished.incrementAndGet();
                            int good = ok ? integrated.incrementAndGet() : integrated.get();
                            int bad = ok ? failed.get() : failed.incrementAndGet();
                            double seconds = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
                            err.printf(Locale.ROOT, "[%d/%d] %d integrated, %d failed, %.1f accounts/s  %s: %s%n",
                                    done, total, good, bad, done / seconds, email, said);
                        }
                    });
                }
            } finally {
                pool.shutdown();
            }
            while (!pool.awaitTermination(1, TimeUnit.SECONDS)) {
                // waits for the rows under way; each is written as soon as it ends
            }
            if (writeFailure.get() != null) {
                throw writeFailure.get();
            }
        } catch (IOException | UncheckedIOException e) {
            err.println("Cannot write " + output + ": " + e.getMessage());
            return IntegrateAccount.NOT_INTEGRATED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("Interrupted; run the same command again to go on.");
            return IntegrateAccount.NOT_INTEGRATED;
        }
        out.println("Wrote " + finished.get() + " rows to " + output + ": " + integrated.get() + " integrated, "
                + failed.get() + " not integrated or in error" + (alreadyDone > 0 ? "; " + alreadyDone
                        + " were already there" : ""));
        return failed.get() == 0 && finished.get() == total ? IntegrateAccount.INTEGRATED
                : IntegrateAccount.NOT_INTEGRATED;
    }

    /** The account of a row, its password from the environment variable the row names. */
    private MailAccount account(Map<String, String> row) {
        MailAccount.Builder account = MailAccount.builder(Objects.requireNonNull(row.get("email"), "email"));
        Optional.ofNullable(row.get("username")).ifPresent(account::username);
        Optional.ofNullable(row.get("host")).ifPresent(account::host);
        Optional.ofNullable(row.get("imap_host")).ifPresent(host -> account.host(MailProtocol.IMAP, host));
        Optional.ofNullable(row.get("pop_host")).ifPresent(host -> account.host(MailProtocol.POP3, host));
        String variable = row.get("password_env");
        if (variable == null) {
            throw new RowError("no password: the column password_env names no environment variable");
        }
        String password = env.get(variable);
        if (password == null || password.isEmpty()) {
            throw new RowError("no password: the environment variable " + variable + " is not set or is empty");
        }
        return account.password(password).build();
    }

    private static String csvRow(String email, IntegrationResult result) {
        Optional<ProtocolCandidate> selected = result.selected();
        String explanation = result.explain().lines().filter(line -> !line.isBlank()).findFirst().orElse("");
        return Csv.row(email, Boolean.toString(result.isIntegrated()),
                selected.map(candidate -> candidate.protocol().toString()).orElse(""),
                selected.map(candidate -> candidate.security().toString()).orElse(""),
                selected.map(ProtocolCandidate::host).orElse(""),
                selected.map(candidate -> Integer.toString(candidate.port())).orElse(""),
                Long.toString(result.elapsed().toMillis()), explanation);
    }

    /** A row that cannot be integrated, e.g. for want of a password; written as an error, the batch goes on. */
    private static final class RowError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RowError(String message) {
            super(message, null, false, false);
        }
    }

    /** The little CSV this needs: RFC 4180 fields on one line, quoted when they hold a comma or a quote. */
    static final class Csv {
        private Csv() {
        }

        static List<String> parse(String line, Path file, int number) {
            List<String> fields = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            boolean quoted = false;
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (quoted) {
                    if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else if (c == '"') {
                        quoted = false;
                    } else {
                        field.append(c);
                    }
                } else if (c == '"' && field.length() == 0) {
                    quoted = true;
                } else if (c == ',') {
                    fields.add(field.toString());
                    field.setLength(0);
                } else {
                    field.append(c);
                }
            }
            if (quoted) {
                throw new IllegalArgumentException(file + (number > 0 ? ", line " + number : "")
                        + ": a quoted value is not closed (values cannot span lines)");
            }
            fields.add(field.toString());
            return fields;
        }

        static String row(String... values) {
            StringBuilder row = new StringBuilder();
            for (String value : values) {
                if (row.length() > 0) {
                    row.append(',');
                }
                String flat = value.replace('\r', ' ').replace('\n', ' ');
                row.append(flat.contains(",") || flat.contains("\"") ? "\"" + flat.replace("\"", "\"\"") + "\""
                        : flat);
            }
            return row.toString();
        }
    }

    /** The address of a JSON line this class wrote ({@code {"email":"...", ...}}); empty for any other line. */
    static Optional<String> email(String line) {
        try {
            return Json.read(line) instanceof Map<?, ?> fields && fields.get("email") instanceof String email
                    ? Optional.of(email) : Optional.empty();
        } catch (IllegalArgumentException notJson) {
            return Optional.empty();
        }
    }
}
