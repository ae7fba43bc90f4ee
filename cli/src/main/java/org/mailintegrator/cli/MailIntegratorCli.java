package org.mailintegrator.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code mailintegrator} command line: {@code mailintegrator ADDRESS [options]} integrates one account;
 * subcommands {@code batch} and {@code serve} integrate a file of accounts and serve the help-desk page.
 *
 * <p>Exit status: {@value #INTEGRATED} integrated, {@value #NOT_INTEGRATED} not integrated,
 * {@value #USAGE_ERROR} usage error (found before any network I/O). Not thread-safe: one instance per run.
 */
@Command(name = "mailintegrator", mixinStandardHelpOptions = true, versionProvider = MailIntegratorCli.Version.class,
        subcommands = {CommandLine.HelpCommand.class},
        description = "Finds how to read (and send) mail for an address: tries each candidate of the policy in "
                + "order and selects the first that authenticates.")
public final class MailIntegratorCli implements Callable<Integer> {
    /** Exit status when a candidate authenticated. */
    public static final int INTEGRATED = 0;
    /** Exit status when none did. */
    public static final int NOT_INTEGRATED = 1;
    /** Exit status for a usage error, found before any network I/O. */
    public static final int USAGE_ERROR = 2;

    @Override
    public Integer call() {
        return USAGE_ERROR;
    }

    /**
     * Runs the command line and exits with its status.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs the command line without exiting.
     *
     * @param args the arguments
     * @return the exit status
     */
    public static int run(String... args) {
        return new CommandLine(new MailIntegratorCli()).execute(args);
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
