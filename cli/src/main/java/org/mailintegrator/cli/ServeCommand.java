package org.mailintegrator.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.cli.serve.HelpDeskServer;

import org.mailintegrator.core.Integrator;
import org.mailintegrator.strategies.Policies;
import org.mailintegrator.testkit.Fault;
import org.mailintegrator.testkit.MailServerFixture;
import org.mailintegrator.testkit.Service;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mailintegrator serve}: serves the help-desk page on 127.0.0.1 until interrupted. With {@code --demo} the
 * page integrates against an embedded server whose IMAP over TLS is dropped by a "firewall", so POP over TLS wins
 * once IMAP has timed out. Not thread-safe: one instance per run.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serves the help-desk page at http://127.0.0.1:PORT/ until interrupted (Ctrl-C): a form, then "
                + "the negotiation drawn as it happens, the explanation, and the saved result.",
                "Hosts typed in the form must be in the address's domain or allowed with --allow-host/--allow-domain."})
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.@Nullable CommandSpec spec;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8025",
            description = "The port to listen on, on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0: any free port).")
    int port = 8025;

    @Option(names = "--allow-domain", paramLabel = "DOMAIN", description = "Hosts of this domain may be typed in "
            + "the form for any address. Repeatable.")
    List<String> allowDomains = new ArrayList<>();

    @Option(names = "--allow-host", paramLabel = "HOST", description = "This host may be typed in the form for any "
            + "address. Repeatable.")
    List<String> allowHosts = new ArrayList<>();

    @Option(names = "--demo", description = "Integrate against an embedded server (IMAP over TLS dropped, POP over "
            + "TLS up) for alice@example.com, whose password is the value of MAIL_INTEGRATOR_PASSWORD.")
    boolean demo;

    @Mixin
    IntegrationOptions options = new IntegrationOptions();

    private final CountDownLatch interrupted = new CountDownLatch(1);

    @Override
    public Integer call() throws IOException, InterruptedException {
        CommandLine commandLine = spec().commandLine();
        if (port < 0 || port > 65535) {
            throw new CommandLine.ParameterException(commandLine, "Error: --port must be from 0 to 65535");
        }
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        MailServerFixture fixture = null;
        try {
            Function<Boolean, Integrator.Builder> integrators;
            Set<String> hosts = new HashSet<>(allowHosts);
            String prefill = null;
            if (demo) {
                String password = System.getenv("MAIL_INTEGRATOR_PASSWORD");
                if (password == null || password.isEmpty()) {
                    throw new CommandLine.ParameterException(commandLine, "Error: --demo needs "
                            + "MAIL_INTEGRATOR_PASSWORD: the password the demo account should have");
                }
                fixture = MailServerFixture.builder().user("alice@example.com", password)
                        .fault(Service.IMAPS, Fault.DROP).start();
                MailServerFixture server = fixture;
                Duration connectTimeout = options.connectTimeout.equals(Integrator.DEFAULT_CONNECT_TIMEOUT)
                        ? Duration.ofSeconds(3) : options.connectTimeout;
                integrators = outgoing -> Integrator.builder()
                        .policy(server.route(outgoing ? Policies.submission() : Policies.blackBerry()))
                        .sslContext(server.clientSslContext()).connectTimeout(connectTimeout);
                hosts.add(server.host());
                prefill = "alice@example.com";
            } else {
                options.integrator();   // every option is checked before the server starts
                integrators = outgoing -> outgoing ? options.integrator(Policies.submission()) : options.integrator();
            }
            try (HelpDeskServer server = new HelpDeskServer(address, integrators, Set.copyOf(allowDomains),
                    Set.copyOf(hosts), prefill)) {
                commandLine.getOut().println("The help-desk page is at http://127.0.0.1:" + server.port() + "/ "
                        + (demo ? "(demo: alice@example.com, IMAP over TLS dropped) " : "") + "- Ctrl-C stops it.");
                commandLine.getOut().flush();
                Runtime.getRuntime().addShutdownHook(new Thread(interrupted::countDown, "serve-shutdown"));
                interrupted.await();
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(commandLine, "Error: " + e.getMessage());
        } finally {
            if (fixture != null) {
                fixture.close();
            }
        }
        return MailIntegratorCli.INTEGRATED;
    }

    private CommandLine.Model.CommandSpec spec() {
        if (spec == null) {
            throw new IllegalStateException("run through picocli's CommandLine");
        }
        return spec;
    }
}
