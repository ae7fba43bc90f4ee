package org.mailintegrator.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.testkit.Fault;
import org.mailintegrator.testkit.MailServerFixture;
import org.mailintegrator.testkit.Service;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mailintegrator fixture}: starts a testkit mail server on loopback (IMAP, IMAPS, POP3, POP3S, SMTP, SMTPS on free ports,
 * with a certificate of its own CA) and prints the command that integrates its account, so the tool can be tried
 * against a server whose services can be stopped or dropped, without writing code. Runs until interrupted.
 * Not thread-safe: one instance per run.
 */
@Command(name = "fixture", mixinStandardHelpOptions = true,
        description = {"Starts a test mail server on 127.0.0.1 for one account and prints the command that "
                + "integrates it; runs until interrupted (Ctrl-C).",
                "The account's password is the value of " + Credentials.PASSWORD_VARIABLE + "."})
final class FixtureCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.@Nullable CommandSpec spec;

    @Option(names = "--user", paramLabel = "ADDRESS", defaultValue = "alice@example.test",
            description = "The account's address (default: ${DEFAULT-VALUE}).")
    String user = "alice@example.test";

    @Option(names = "--ca-file", paramLabel = "FILE", required = true,
            description = "Where to write the server's CA certificate (PEM), for the integrating command's --ca-file.")
    Path caFile = Path.of("ca.pem");

    @Option(names = "--stop", paramLabel = "SERVICE", split = ",",
            description = "Services that are stopped (connections refused): imap, imaps, pop3, pop3s, smtp, smtps.")
    List<String> stopped = new ArrayList<>();

    @Option(names = "--drop", paramLabel = "SERVICE", split = ",",
            description = "Services whose connections go unanswered, as behind a firewall that drops them.")
    List<String> dropped = new ArrayList<>();

    private final CountDownLatch interrupted = new CountDownLatch(1);

    @Override
    public Integer call() throws IOException, InterruptedException {
        CommandLine commandLine = spec().commandLine();
        String password = System.getenv(Credentials.PASSWORD_VARIABLE);
        if (password == null || password.isEmpty()) {
            throw new CommandLine.ParameterException(commandLine, "Error: set " + Credentials.PASSWORD_VARIABLE
                    + " to the password the test account should have");
        }
        MailServerFixture.Builder builder = MailServerFixture.builder().user(user, password);
        builder.stopped(services(stopped, commandLine).toArray(Service[]::new));
        for (Service service : services(dropped, commandLine)) {
            builder.fault(service, Fault.DROP);
        }
        try (MailServerFixture server = builder.start()) {
            Files.writeString(caFile, server.certificates().caCertificatePem());
            PrintWriter out = commandLine.getOut();
            out.println("A test mail server for " + user + " runs on " + server.host() + " (IMAPS "
                    + server.port(Service.IMAPS) + ", POP3S " + server.port(Service.POP3S) + ", IMAP "
                    + server.port(Service.IMAP) + ", POP3 " + server.port(Service.POP3) + ", SMTPS "
                    + server.port(Service.SMTPS) + ", SMTP " + server.port(Service.SMTP) + "); its CA is in " + caFile
                    + ". Integrate it from another terminal (add --both for outgoing mail too), with the same "
                    + Credentials.PASSWORD_VARIABLE + ":");
            out.println("mailintegrator " + user + " --host " + server.host() + " --ca-file " + caFile
                    + " --mail-port imaps=" + server.port(Service.IMAPS) + " --mail-port pop3s=" + server.port(Service.POP3S)
                    + " --mail-port imap=" + server.port(Service.IMAP) + " --mail-port pop3=" + server.port(Service.POP3)
                    + " --mail-port submissions=" + server.port(Service.SMTPS) + " --mail-port submission="
                    + server.port(Service.SMTP));
            out.flush();
            Runtime.getRuntime().addShutdownHook(new Thread(interrupted::countDown, "fixture-shutdown"));
            interrupted.await();
        }
        return MailIntegratorCli.INTEGRATED;
    }

    private static List<Service> services(List<String> names, CommandLine commandLine) {
        List<Service> services = new ArrayList<>();
        for (String name : names) {
            try {
                services.add(Service.valueOf(name.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(commandLine, "Error: " + name
                        + " is not a service: use imap, imaps, pop3, pop3s, smtp or smtps");
            }
        }
        return services;
    }

    private CommandLine.Model.CommandSpec spec() {
        if (spec == null) {
            throw new IllegalStateException("run through picocli's CommandLine");
        }
        return spec;
    }
}
