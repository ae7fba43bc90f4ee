package org.mailintegrator.examples;

import java.io.Console;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.IntegrationListener;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.PreferencePolicy;
import org.mailintegrator.core.Phase;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.spi.HostDiscovery;
import org.mailintegrator.discovery.Discovery;
import org.mailintegrator.strategies.Policies;
import org.mailintegrator.testkit.MailServerFixture;
import org.mailintegrator.testkit.Service;

/**
 * Integrates one real mail account from the command line and explains every attempt, the way BlackBerry Internet
 * Service configured an account with the highest preference that authenticates.
 *
 * <pre>
 * IntegrateAccount alice@example.com [--host H] [--imap-host H] [--pop-host H] [--username U]
 *                  [--policy blackberry|secure|pop-only] [--connect-timeout 10s] [--read-timeout 10s] [--auth-timeout 30s]
 *                  [--token-env VAR] [--explain] [--json] [--progress]
 * IntegrateAccount --batch accounts.csv --out results.jsonl [--concurrency 8] [--format jsonl|csv]
 * IntegrateAccount [--demo] [--explain] [--json] [--progress]   (an embedded server with IMAP stopped; no network)
 * IntegrateAccount --help
 * </pre>
 *
 * <p>The password comes from the environment variable {@value #PASSWORD_VARIABLE}, else it is read from the
 * console without echo. It is never accepted as an argument: command lines are visible to other users and kept in
 * shell history. With {@code --token-env VAR} an OAuth2 access token is read from the environment variable
 * {@code VAR} instead, and no password is asked for.
 *
 * <p>Output: a table of the attempts and the verdict; {@code --explain} adds {@link IntegrationResult#explain()},
 * {@code --json} prints instead only {@link IntegrationResult#toJson()} on one line (nothing else on standard
 * output, so it can be piped), and {@code --progress} shows each attempt's start and end on standard error while
 * the integration runs.
 *
 * <p>{@code --batch} integrates the accounts of a CSV file, a few at a time, each with the password of the
 * environment variable its row names, and writes one row per account: see {@link BatchIntegration}.
 *
 * <p>Exit status: 0 when a candidate authenticated (in a batch: for every row), 1 when none did, 2 for a usage
 * error (nothing was sent over the network).
 */
public final class IntegrateAccount {
    /** The environment variable the password is read from. */
    public static final String PASSWORD_VARIABLE = "MAIL_INTEGRATOR_PASSWORD";

    static final int INTEGRATED = 0;
    static final int NOT_INTEGRATED = 1;
    static final int USAGE_ERROR = 2;

    static final String DEMO_ADDRESS = "alice@example.com";
    private static final String DEMO_PASSWORD = "demo-password";

    private static final String USAGE = String.join(System.lineSeparator(),
            "Usage: IntegrateAccount <email-address> [options]",
            "       IntegrateAccount --batch <file.csv> --out <results> [--concurrency 8] [--format jsonl|csv]",
            "       IntegrateAccount [--demo] [--explain] [--json] [--progress]",
            "       IntegrateAccount --help",
            "",
            "Finds how to read a mailbox: tries each candidate of the policy in order and selects the first",
            "that authenticates. With no arguments (or --demo) it runs against an embedded server instead.",
            "",
            "Options:",
            "  --host <host>              host for every protocol (default: the address's domain)",
            "  --imap-host <host>         host for IMAP only, e.g. imap.example.com",
            "  --pop-host <host>          host for POP3 only, e.g. pop.example.com",
            "  --username <name>          user name to log in with (default: the full address)",
            "  --policy <name>            blackberry (default): IMAP/TLS 993, POP3/TLS 995, IMAP 143, POP3 110",
            "                             secure: IMAP/TLS 993, POP3/TLS 995, IMAP 143 STARTTLS, POP3 110 STLS",
            "                             pop-only: POP3/TLS 995, POP3 110",
            "                             discovered: the servers as --discover found them (else secure)",
            "  --connect-timeout <time>   e.g. 10s (default), 500ms, 1m",
            "  --read-timeout <time>      e.g. 10s (default), 500ms, 1m",
            "  --auth-timeout <time>      how long the server may take to answer the login, 30s (default)",
            "  --discover                 find the servers from the address when no host is given: autoconfig,",
            "                             DNS SRV, Mozilla's ISPDB (bundled), MX, guesses; credentials go only",
            "                             to trusted hosts or hosts within the address's domain",
            "  --token-env <variable>     sign in with an OAuth2 access token read from this environment",
            "                             variable instead of a password",
            "  --explain                  after the table, explain the result: why each candidate ended as it",
            "                             did and what to do about it",
            "  --json                     print only the result as one line of JSON on standard output",
            "  --progress                 show each attempt's start and end on standard error as it happens",
            "",
            "Batch:",
            "  --batch <file.csv>         integrate every account of a CSV file with a header line; columns:",
            "                             email (required), username, host, imap_host, pop_host, password_env",
            "                             (the environment variable holding that account's password)",
            "  --out <file>               where the results go, one row per account, flushed as each ends and",
            "                             appended; accounts already in it are skipped, so an interrupted batch",
            "                             goes on where it stopped when run again",
            "  --concurrency <n>          accounts integrated at a time, 1 to 64, 8 (default)",
            "  --format <jsonl|csv>       jsonl (default): {\"email\":..., \"result\":...} or {\"email\":..., \"error\":...}",
            "                             csv: " + BatchIntegration.CSV_HEADER,
            "  --remember-unreachable <time>  remember for this long, across the batch's accounts, the endpoints",
            "                             whose connect was refused or timed out, and do not wait for them again",
            "                             (off by default: every account tries every candidate)",
            "",
            "The password is read from the environment variable " + PASSWORD_VARIABLE + ", else from the",
            "console without echo. It is never accepted on the command line.",
            "",
            "Exit status: 0 integrated, 1 not integrated, 2 usage error.");

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m)");

    private IntegrateAccount() {
    }

    /** Runs the program; see the class comment. Exits the JVM with a non-zero status on failure. */
    public static void main(String[] args) {
        int status = run(args, System.getenv(), IntegrateAccount::readFromConsole, System.out, System.err);
        if (status != INTEGRATED) {
            System.exit(status);
        }
    }

    /** Where the password comes from when the environment has none: the console, or a test's stand-in. */
    @FunctionalInterface
    interface PasswordPrompt {
        /** Reads a password after showing {@code prompt}; null when there is no console or input ended. */
        char @Nullable [] read(String prompt);
    }

    /**
     * Where the candidates go: the real network, or, in tests, an embedded server.
     *
     * @param routing applied to the chosen policy, e.g. {@code fixture::route}
     * @param sslContext the TLS context to trust servers with; null for the JDK's trust store
     * @param discovery what {@code --discover} uses
     */
    record Network(UnaryOperator<PreferencePolicy> routing, @Nullable SSLContext sslContext, HostDiscovery discovery) {
        static final Network INTERNET = new Network(UnaryOperator.identity(), null);

        Network {
            Objects.requireNonNull(routing, "routing");
            Objects.requireNonNull(discovery, "discovery");
        }

        /** A network whose {@code --discover} is {@link Discovery#standard()}. */
        Network(UnaryOperator<PreferencePolicy> routing, @Nullable SSLContext sslContext) {
            this(routing, sslContext, Discovery.standard());
        }
    }

    /** The program on the real network. */
    static int run(String[] args, Map<String, String> env, PasswordPrompt prompt, PrintStream out, PrintStream err) {
        return run(args, env, prompt, out, err, Network.INTERNET);
    }

    /** The program, with its candidates sent where {@code network} says. */
    static int run(String[] args, Map<String, String> env, PasswordPrompt prompt, PrintStream out, PrintStream err,
            Network network) {
        List<String> arguments = List.of(args);
        for (String argument : arguments) {
            if (argument.equals("--password") || argument.startsWith("--password=")) {
                err.println("Refusing --password: a password on the command line is visible to other users and kept"
                        + " in shell history.");
                err.println("Set " + PASSWORD_VARIABLE + " or type the password when asked.");
                return USAGE_ERROR;
            }
        }
        if (arguments.contains("--help") || arguments.contains("-h")) {
            out.println(USAGE);
            return 0;
        }
        if (arguments.isEmpty() || arguments.contains("--demo") && OUTPUT_FLAGS.containsAll(arguments)) {
            return demo(Output.of(arguments), out, err);
        }
        Options options;
        MailAccount account;
        Integrator integrator;
        try {
            // Every value is checked here, before the password is asked for and before any network I/O.
            if (arguments.contains("--demo")) {
                throw new IllegalArgumentException("--demo takes no other argument than --explain, --json and"
                        + " --progress");
            }
            options = Options.parse(arguments);
            if (options.batch != null) {
                // every argument and the input file are checked before the first connection
                BatchIntegration batch = BatchIntegration.prepare(options, env, err);
                return batch.run(options.integrator(network, options.output.listener(err)), out);
            }
            MailAccount.Builder builder = options.account();
            integrator = options.integrator(network, options.output.listener(err));
            if (options.tokenVariable != null) {
                String token = env.get(options.tokenVariable);
                if (token == null || token.isEmpty()) {
                    err.println("No access token: the environment variable " + options.tokenVariable
                            + " is not set or is empty.");
                    return USAGE_ERROR;
                }
                builder.accessToken(token);
            } else {
                String password = password(options.address(), env, prompt);
                if (password == null) {
                    err.println("No password: set " + PASSWORD_VARIABLE + ", or run from a terminal to be asked for"
                            + " it.");
                    return USAGE_ERROR;
                }
                builder.password(password);
            }
            account = builder.build();
        } catch (IllegalArgumentException e) {
            err.println("Error: " + e.getMessage());
            err.println();
            err.println(USAGE);
            return USAGE_ERROR;
        }
        if (!options.output.json) {
            out.println("Integrating " + options.address + " with the " + options.policyName + " policy (connect"
                    + " timeout " + format(options.connectTimeout) + ", read timeout " + format(options.readTimeout)
                    + ")");
        }
        return report(integrator.integrate(account), options.output, out);
    }

    /** The options that only change what is printed; the demo takes these and no other. */
    private static final Set<String> OUTPUT_FLAGS = Set.of("--demo", "--explain", "--json", "--progress");

    /** What to print: the table (always, unless JSON), the explanation, JSON only, progress on standard error. */
    record Output(boolean explain, boolean json, boolean progress) {
        static final Output TABLE = new Output(false, false, false);

        static Output of(List<String> arguments) {
            return new Output(arguments.contains("--explain"), arguments.contains("--json"),
                    arguments.contains("--progress"));
        }

        /** A {@link ProgressListener} on {@code err} when {@code --progress} was given, else none. */
        IntegrationListener listener(PrintStream err) {
            return progress ? new ProgressListener(err) : IntegrationListener.NONE;
        }
    }

    /**
     * The demo: an embedded server for {@value #DEMO_ADDRESS} with IMAP stopped, integrated with BlackBerry's
     * order, which falls through to POP over TLS.
     */
    private static int demo(Output output, PrintStream out, PrintStream err) {
        try (MailServerFixture server = MailServerFixture.builder()
                .user(DEMO_ADDRESS, DEMO_PASSWORD)
                .stopped(Service.IMAP, Service.IMAPS)
                .start()) {
            if (!output.json) {
                introduceDemo(server, out);
            }
            Integrator integrator = Integrator.builder()
                    .policy(server.route(Policies.blackBerry()))
                    .sslContext(server.clientSslContext())
                    .listener(output.listener(err))
                    .build();
            return report(integrator.integrate(server.account(DEMO_ADDRESS)), output, out);
        }
    }

    private static void introduceDemo(MailServerFixture server, PrintStream out) {
        out.println("Demo: an embedded mail server for " + DEMO_ADDRESS + " runs on " + server.host()
                + " with its IMAP service stopped, as an administrator who wants POP would do.");
        out.println("BlackBerry's order tries IMAP over TLS first; that connection is refused, so it falls"
                + " through to POP over TLS.");
        out.println("The standard ports are mapped to the server's free ports: 993 -> "
                + server.port(Service.IMAPS) + ", 995 -> " + server.port(Service.POP3S) + ", 143 -> "
                + server.port(Service.IMAP) + ", 110 -> " + server.port(Service.POP3) + ".");
    }

    private static int report(IntegrationResult result, Output output, PrintStream out) {
        int status = result.isIntegrated() ? INTEGRATED : NOT_INTEGRATED;
        if (output.json) {
            out.println(result.toJson());
            return status;
        }
        printTable(result, out);
        if (output.explain) {
            out.println();
            out.println(result.explain());
        }
        return status;
    }

    /** The attempts, what discovery said, and the verdict. */
    private static void printTable(IntegrationResult result, PrintStream out) {
        out.println();
        printAttempts(result.attempts(), out);
        out.println();
        result.discovered().ifPresent(found -> {
            found.notes().forEach(note -> out.println("Discovery: " + note));
            for (int i = 0; i < result.attempts().size(); i++) {
                int number = i + 1;
                result.attempts().get(i).provenance().ifPresent(from -> out.println("Host of #" + number
                        + " from " + from));
            }
            out.println();
        });
        if (result.selected().isPresent()) {
            out.println("Integrated with " + result.selected().get() + " in " + result.elapsed().toMillis() + " ms");
            for (Attempt busy : result.busyBeforeSelected()) {
                out.println("Note: " + busy.candidate() + " is preferred but was busy; run again later to move the "
                        + "account to it.");
            }
            return;
        }
        out.println("Not integrated: no candidate authenticated (" + result.elapsed().toMillis() + " ms).");
    }

    /**
     * A live progress display: one line on {@code err} as each attempt starts and ends, with the time since the
     * integration started, e.g. {@code [+120 ms] IMAP/IMPLICIT_TLS mail.example.com:993 ... REFUSED}.
     */
    static final class ProgressListener implements IntegrationListener {
        private final PrintStream err;
        private final long started = System.nanoTime();

        ProgressListener(PrintStream err) {
            this.err = Objects.requireNonNull(err, "err");
        }

        @Override
        public void attemptStart(Integration integration, ProtocolCandidate candidate) {
            print(candidate + " ...");
        }

        @Override
        public void attemptEnd(Integration integration, Attempt attempt) {
            print(attempt.candidate() + " ... " + attempt.outcome());
        }

        @Override
        public void integrationEnd(Integration integration, IntegrationResult result) {
            print(result.isIntegrated() ? "integrated with " + result.selected().get() : "not integrated");
        }

        private void print(String line) {
            long millis = (System.nanoTime() - started) / 1_000_000;
            synchronized (err) {
                err.println("[+" + millis + " ms] " + line);
                err.flush();
            }
        }
    }

    /** Prints one row per attempt, columns aligned; the detail sentence comes last, unpadded. */
    static void printAttempts(List<Attempt> attempts, PrintStream out) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"#", "protocol", "security", "host:port", "outcome", "phase", "ms", "detail"});
        for (int i = 0; i < attempts.size(); i++) {
            Attempt attempt = attempts.get(i);
            ProtocolCandidate candidate = attempt.candidate();
            rows.add(new String[] {
                    Integer.toString(i + 1),
                    candidate.protocol().toString(),
                    candidate.security().toString(),
                    hostAndPort(candidate),
                    attempt.outcome().toString(),
                    attempt.phase() == Phase.NOT_STARTED ? "-" : attempt.phase().toString(),
                    Long.toString(attempt.elapsed().toMillis()),
                    attempt.detail()});
        }
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int column = 0; column < row.length; column++) {
                widths[column] = Math.max(widths[column], row[column].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int column = 0; column < row.length; column++) {
                boolean number = column == 0 || column == 6;
                boolean last = column == row.length - 1;
                String padding = last ? "" : " ".repeat(widths[column] - row[column].length());
                line.append(number ? padding + row[column] : row[column] + padding);
                if (!last) {
                    line.append("  ");
                }
            }
            out.println(line);
        }
    }

    private static String hostAndPort(ProtocolCandidate candidate) {
        String host = candidate.host().indexOf(':') >= 0 ? "[" + candidate.host() + "]" : candidate.host();
        return host + ":" + candidate.port();
    }

    /** As the options are written: {@code 10s}, {@code 1500ms}. */
    private static String format(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }

    /** The password from the environment, else from the prompt; null when neither has one. */
    private static @Nullable String password(String address, Map<String, String> env, PasswordPrompt prompt) {
        String fromEnvironment = env.get(PASSWORD_VARIABLE);
        if (fromEnvironment != null && !fromEnvironment.isEmpty()) {
            return fromEnvironment;
        }
        char[] typed = prompt.read("Password for " + address + ": ");
        if (typed == null) {
            return null;
        }
        try {
            return new String(typed);
        } finally {
            Arrays.fill(typed, '\0');
        }
    }

    private static char @Nullable [] readFromConsole(String prompt) {
        Console console = System.console();
        return console == null ? null : console.readPassword("%s", prompt);
    }

    /** The parsed command line. Only syntax is checked here; the library validates the values. */
    static final class Options {
        @Nullable String address;
        @Nullable String host;
        @Nullable String imapHost;
        @Nullable String popHost;
        @Nullable String username;
        String policyName = "blackberry";
        PreferencePolicy policy = Policies.blackBerry();
        Duration connectTimeout = Integrator.DEFAULT_CONNECT_TIMEOUT;
        Duration readTimeout = Integrator.DEFAULT_READ_TIMEOUT;
        Duration authTimeout = Integrator.DEFAULT_AUTH_TIMEOUT;
        @Nullable Duration rememberUnreachable;
        boolean discover;
        @Nullable String tokenVariable;
        @Nullable String batch;
        @Nullable String batchOutput;
        @Nullable Integer concurrency;
        @Nullable String format;
        Output output = Output.TABLE;

        static Options parse(List<String> arguments) {
            Options options = new Options();
            int positional = 0;
            for (int i = 0; i < arguments.size(); i++) {
                String argument = arguments.get(i);
                if (!argument.startsWith("-")) {
                    positional++;
                    options.address = argument;
                    continue;
                }
                if (argument.equals("--discover")) {
                    options.discover = true;
                    continue;
                }
                if (argument.equals("--explain") || argument.equals("--json") || argument.equals("--progress")) {
                    options.output = new Output(options.output.explain || argument.equals("--explain"),
                            options.output.json || argument.equals("--json"),
                            options.output.progress || argument.equals("--progress"));
                    continue;
                }
                // --name value, or --name=value
                int equals = argument.indexOf('=');
                String name = equals < 0 ? argument : argument.substring(0, equals);
                String value;
                if (equals >= 0) {
                    value = argument.substring(equals + 1);
                } else if (i + 1 < arguments.size()) {
                    value = arguments.get(++i);
                } else {
                    throw new IllegalArgumentException(name + " needs a value");
                }
                switch (name) {
                    case "--host":
                        options.host = value;
                        break;
                    case "--imap-host":
                        options.imapHost = value;
                        break;
                    case "--pop-host":
                        options.popHost = value;
                        break;
                    case "--username":
                        options.username = value;
                        break;
                    case "--policy":
                        options.policy(value);
                        break;
                    case "--connect-timeout":
                        options.connectTimeout = duration(name, value);
                        break;
                    case "--read-timeout":
                        options.readTimeout = duration(name, value);
                        break;
                    case "--auth-timeout":
                        options.authTimeout = duration(name, value);
                        break;
                    case "--batch":
                        options.batch = value;
                        break;
                    case "--out":
                        options.batchOutput = value;
                        break;
                    case "--concurrency":
                        if (!value.matches("\\d{1,3}") || Integer.parseInt(value) < 1 || Integer.parseInt(value) > 64) {
                            throw new IllegalArgumentException("--concurrency must be a number from 1 to 64, was \""
                                    + value + "\"");
                        }
                        options.concurrency = Integer.parseInt(value);
                        break;
                    case "--format":
                        if (!value.equals("jsonl") && !value.equals("csv")) {
                            throw new IllegalArgumentException("--format must be jsonl or csv, was \"" + value + "\"");
                        }
                        options.format = value;
                        break;
                    case "--remember-unreachable":
                        options.rememberUnreachable = duration(name, value);
                        break;
                    case "--token-env":
                        if (!value.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                            throw new IllegalArgumentException("--token-env needs the name of an environment"
                                    + " variable (letters, digits, _)");
                        }
                        options.tokenVariable = value;
                        break;
                    default:
                        throw new IllegalArgumentException("unknown option " + name);
                }
            }
            if (options.batch != null) {
                options.checkBatch(positional);
                return options;
            }
            if (options.batchOutput != null || options.concurrency != null || options.format != null) {
                throw new IllegalArgumentException("--out, --concurrency and --format go with --batch");
            }
            // The arguments themselves are not echoed: a stray one may be a password.
            if (positional != 1) {
                throw new IllegalArgumentException("expected exactly one email address, got " + positional
                        + " arguments that are not options");
            }
            return options;
        }

        /** A batch reads the addresses, hosts and password variables from its file, not from the command line. */
        private void checkBatch(int positional) {
            if (positional != 0) {
                throw new IllegalArgumentException("--batch takes the addresses from its file, not from the command"
                        + " line (got " + positional + " arguments that are not options)");
            }
            if (batchOutput == null) {
                throw new IllegalArgumentException("--batch needs --out <file> for the results");
            }
            if (host != null || imapHost != null || popHost != null || username != null) {
                throw new IllegalArgumentException("--batch takes hosts and user names from the columns host,"
                        + " imap_host, pop_host and username of its file");
            }
            if (tokenVariable != null) {
                throw new IllegalArgumentException("--token-env does not go with --batch: each row names its"
                        + " password variable in the column password_env");
            }
            if (output.json || output.explain) {
                throw new IllegalArgumentException("--json and --explain do not go with --batch: use --format");
            }
        }

        private void policy(String name) {
            switch (name) {
                case "blackberry":
                    policy = Policies.blackBerry();
                    break;
                case "pop-only":
                    policy = Policies.popOnly();
                    break;
                case "secure":
                    policy = Policies.secure();
                    break;
                case "discovered":
                    policy = Policies.discovered();
                    break;
                default:
                    throw new IllegalArgumentException("unknown policy \"" + name
                            + "\": use blackberry, secure, pop-only or discovered");
            }
            policyName = name;
        }

        private static Duration duration(String name, String value) {
            Matcher matcher = DURATION.matcher(value);
            if (!matcher.matches()) {
                throw new IllegalArgumentException(name + " must be a number followed by ms, s or m (e.g. 10s),"
                        + " was \"" + value + "\"");
            }
            long amount = Long.parseLong(matcher.group(1));
            switch (matcher.group(2)) {
                case "ms":
                    return Duration.ofMillis(amount);
                case "s":
                    return Duration.ofSeconds(amount);
                default:
                    return Duration.ofMinutes(amount);
            }
        }

        /** The email address on the command line; parse() requires one unless there is a batch. */
        String address() {
            return Objects.requireNonNull(address, "address");
        }

        /** The account without its password; the library checks every value here. */
        MailAccount.Builder account() {
            MailAccount.Builder account = MailAccount.builder(address());
            if (username != null) {
                account.username(username);
            }
            if (host != null) {
                account.host(host);
            }
            if (imapHost != null) {
                account.host(MailProtocol.IMAP, imapHost);
            }
            if (popHost != null) {
                account.host(MailProtocol.POP3, popHost);
            }
            return account;
        }

        Integrator integrator(Network network, IntegrationListener listener) {
            Integrator.Builder integrator = Integrator.builder()
                    .policy(network.routing().apply(policy))
                    .listener(listener)
                    .connectTimeout(connectTimeout)
                    .readTimeout(readTimeout)
                    .authTimeout(authTimeout);
            if (discover) {
                integrator.discovery(network.discovery());
            }
            if (rememberUnreachable != null) {
                integrator.rememberUnreachable(rememberUnreachable);
            }
            if (network.sslContext() != null) {
                integrator.sslContext(network.sslContext());
            }
            return integrator.build();
        }
    }
}
