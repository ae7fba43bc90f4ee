package org.mailintegrator.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.IntegrationListener;
import org.mailintegrator.core.IntegrationPair;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.strategies.Policies;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The {@code mailintegrator} command line: {@code mailintegrator ADDRESS [options]} integrates one account (its
 * incoming server, its outgoing server, or both); subcommands integrate a file of accounts and serve the
 * help-desk page.
 *
 * <p>Exit status: {@value #INTEGRATED} integrated, {@value #NOT_INTEGRATED} not integrated,
 * {@value #USAGE_ERROR} usage error (found before any network I/O). Not thread-safe: one instance per run.
 */
@Command(name = "mailintegrator", mixinStandardHelpOptions = true, versionProvider = MailIntegratorCli.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        subcommands = {CommandLine.HelpCommand.class, AutoComplete.GenerateCompletion.class, FixtureCommand.class,
                BatchCommand.class, ServeCommand.class},
        description = {"Finds how to read (and send) mail for an address: tries each candidate of the policy in order "
                + "and selects the first that authenticates. Nothing is ever sent: the outgoing server is verified "
                + "by signing in.", "",
                "The password comes from the environment variable " + Credentials.PASSWORD_VARIABLE
                        + ", --password-file, or the console; never from an argument."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:integrated", "1:not integrated", "2:usage error (before any network I/O)"})
public final class MailIntegratorCli implements Callable<Integer> {
    /** Exit status when a candidate authenticated. */
    public static final int INTEGRATED = 0;
    /** Exit status when none did. */
    public static final int NOT_INTEGRATED = 1;
    /** Exit status for a usage error, found before any network I/O. */
    public static final int USAGE_ERROR = 2;

    @Spec
    CommandLine.Model.@Nullable CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "ADDRESS", description = "The email address to integrate.")
    @Nullable String address;

    @ArgGroup(exclusive = true)
    @Nullable Direction direction;

    /** Which way the mail goes: incoming (the default), outgoing, or both. */
    static final class Direction {
        @Option(names = "--outgoing", description = "Find the server that sends the account's mail (SMTP "
                + "submission: 465, then 587) instead of the incoming one.")
        boolean outgoing;

        @Option(names = "--both", description = "Find the incoming and the outgoing server, at the same time.")
        boolean both;
    }

    @Mixin
    IntegrationOptions options = new IntegrationOptions();

    @Mixin
    Credentials credentials = new Credentials();

    @Option(names = "--explain", description = "After the table, say why each candidate ended as it did and what "
            + "to do.")
    boolean explain;

    @Option(names = "--json", description = "Print only the saved result (one JSON document) on standard output.")
    boolean json;

    @Option(names = "--progress", description = "Show each attempt as it starts and ends, on standard error.")
    boolean progress;

    @Option(names = "--demo", description = "Integrate a demo account on an embedded server whose IMAP service is "
            + "stopped (no network).")
    boolean demo;

    private final Map<String, String> environment;

    /** The command for this process's environment. */
    public MailIntegratorCli() {
        this(System.getenv());
    }

    MailIntegratorCli(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /** The environment the secrets are read from. */
    Map<String, String> environment() {
        return environment;
    }

    @Override
    public Integer call() {
        CommandLine commandLine = spec().commandLine();
        PrintWriter out = commandLine.getOut();
        PrintWriter err = commandLine.getErr();
        Report report = new Report(out, explain, json);
        IntegrationListener listener = progress ? new ProgressListener(err) : IntegrationListener.NONE;
        if (demo) {
            if (address != null || direction != null) {
                throw usage("--demo integrates its own account: give no address, --outgoing or --both with it");
            }
            return Demo.run(report, listener);
        }
        if (address == null) {
            throw usage("give the email address to integrate (or --demo)");
        }
        MailAccount account;
        Integrator incoming;
        Integrator outgoing;
        try {
            // every value is checked here, before the password is asked for and before any network I/O
            incoming = options.integrator().listener(listener).build();
            outgoing = options.integrator(Policies.submission()).listener(listener).build();
            MailAccount.Builder builder = options.account(address);
            credentials.addTo(builder, address, environment);
            account = builder.build();
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        if (direction != null && direction.both) {
            return report.print(IntegrationPair.integrate(incoming, outgoing, account));
        }
        Integrator integrator = direction != null && direction.outgoing ? outgoing : incoming;
        IntegrationResult result = integrator.integrate(account);
        return report.print(result);
    }

    private CommandLine.Model.CommandSpec spec() {
        if (spec == null) {
            throw new IllegalStateException("run through picocli's CommandLine");
        }
        return spec;
    }

    private CommandLine.ParameterException usage(@Nullable String message) {
        return new CommandLine.ParameterException(spec().commandLine(), "Error: " + message);
    }

    /**
     * Runs the command line and exits with its status, as soon as the work has ended.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        // the library's INFO summary would repeat the table; warnings and errors still reach standard error
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        System.exit(run(args));
    }

    /**
     * Runs the command line without exiting.
     *
     * @param args the arguments
     * @return the exit status
     */
    public static int run(String... args) {
        return commandLine(new MailIntegratorCli()).execute(args);
    }

    /** The command line for {@code command}, with this tool's exit codes and error handling. */
    static CommandLine commandLine(MailIntegratorCli command) {
        CommandLine commandLine = new CommandLine(command);
        commandLine.setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException ? USAGE_ERROR
                : NOT_INTEGRATED);
        commandLine.setParameterExceptionHandler(MailIntegratorCli::usageError);
        commandLine.setExecutionExceptionHandler((e, line, parsed) -> {
            // an unexpected failure: its message, no stack trace (which could hold a value from the command line)
            line.getErr().println("Error: " + e);
            return NOT_INTEGRATED;
        });
        return commandLine;
    }

    /**
     * Prints a usage error without repeating what could not be read: a stray argument may be a password typed
     * where it does not belong.
     */
    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine line = e.getCommandLine();
        PrintWriter err = line.getErr();
        if (e instanceof CommandLine.UnmatchedArgumentException) {
            err.println("Error: unknown option or extra argument (not repeated here, in case it is a password). "
                    + "Passwords come from " + Credentials.PASSWORD_VARIABLE + ", --password-file or the console.");
        } else {
            err.println(e.getMessage());
        }
        line.usage(err);
        return USAGE_ERROR;
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = MailIntegratorCli.class.getPackage().getImplementationVersion();
            return new String[] {"mailintegrator " + (version == null ? "(development build)" : version)};
        }
    }
}
