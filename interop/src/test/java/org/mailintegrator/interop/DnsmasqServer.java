package org.mailintegrator.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.mailintegrator.core.spi.HostResolver;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A private dnsmasq instance for interop tests: a child process ({@code dnsmasq --no-daemon}) answering on
 * 127.0.0.1 at a free port (UDP and TCP) from the records given on its command line ({@code --srv-host},
 * {@code --mx-host}, {@code --host-record}) and nothing else: no {@code resolv.conf}, no hosts file, no
 * configuration file, no upstream server. The domains given with {@link Builder#domain(String)} are answered
 * locally ({@code --local}), so a name there without records is NXDOMAIN. The system-wide dnsmasq service is
 * neither used nor touched.
 *
 * <pre>{@code
 * try (DnsmasqServer dns = DnsmasqServer.builder()
 *         .domain("example.test")
 *         .srv("_imaps._tcp.example.test", "imap.example.test", 993, 0, 10)
 *         .mx("example.test", "mx.example.test", 10)
 *         .start()) {
 *     InetSocketAddress server = dns.address();
 * }
 * }</pre>
 *
 * <p>{@link Builder#start()} returns once dnsmasq has answered a query. dnsmasq runs as root and drops to its own
 * user, as the interop suite runs. Instances are thread-safe; {@link #close()} stops the process and deletes its
 * directory.
 */
public final class DnsmasqServer extends ServerProcess {
    /** The dnsmasq binary: {@code /usr/sbin/dnsmasq} as Debian installs it, else {@code dnsmasq} on the PATH. */
    public static final String DNSMASQ = Files.isExecutable(Path.of("/usr/sbin/dnsmasq")) ? "/usr/sbin/dnsmasq"
            : "dnsmasq";

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration PROBE_TIMEOUT = Duration.ofMillis(250);
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);

    private final Path log;
    private final int port;

    private DnsmasqServer(Path directory, Path log, Process process, int port) {
        super("dnsmasq", directory, process, SHUTDOWN_TIMEOUT);
        this.log = log;
        this.port = port;
    }

    /** Starts describing a server with no records. */
    public static Builder builder() {
        return new Builder();
    }

    /** Where to send queries: 127.0.0.1 and the server's port. */
    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    /**
     * A {@link HostResolver} that asks this dnsmasq for the A records of a name (one query over UDP, answered within
     * {@code timeout}), so that the integrator connects where dnsmasq's {@code --host-record}s say. A name without
     * A records, an NXDOMAIN, or no answer in time is an {@link UnknownHostException}.
     */
    public HostResolver hostResolver(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        return host -> {
            Message response;
            try {
                SimpleResolver resolver = new SimpleResolver(address());
                resolver.setTimeout(timeout);
                response = resolver.send(Message.newQuery(Record.newRecord(Name.fromString(host, Name.root), Type.A,
                        DClass.IN)));
            } catch (IOException e) {
                UnknownHostException unknown = new UnknownHostException(host + ": no answer from dnsmasq ("
                        + e.getMessage() + ")");
                unknown.initCause(e);
                throw unknown;
            }
            if (response.getRcode() != Rcode.NOERROR) {
                throw new UnknownHostException(host + ": " + Rcode.string(response.getRcode()) + " from dnsmasq");
            }
            List<InetAddress> addresses = new ArrayList<>();
            for (Record record : response.getSection(Section.ANSWER)) {
                if (record instanceof ARecord a) {
                    addresses.add(InetAddress.getByAddress(host, a.getAddress().getAddress()));
                }
            }
            if (addresses.isEmpty()) {
                throw new UnknownHostException(host + ": no A record at dnsmasq");
            }
            return List.copyOf(addresses);
        };
    }

    /** What dnsmasq printed so far (its log, with every query it answered). */
    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + log, e);
        }
    }

    @Override
    public String toString() {
        return "DnsmasqServer{pid=" + process().pid() + ", port=" + port + ", dir=" + directory() + "}";
    }

    /**
     * Sends one query and waits for any answer (NXDOMAIN and REFUSED included): whether dnsmasq answers yet.
     */
    private boolean answers() {
        SimpleResolver probe = new SimpleResolver(address());
        probe.setTimeout(PROBE_TIMEOUT);
        try {
            probe.send(Message.newQuery(Record.newRecord(Name.fromConstantString("probe.invalid."), Type.A,
                    DClass.IN)));
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    /** Describes a {@link DnsmasqServer}. Not thread-safe. */
    public static final class Builder {
        private final List<String> options = new ArrayList<>();

        private Builder() {
        }

        /** Answers {@code domain} and the names under it locally: names without records are NXDOMAIN. */
        public Builder domain(String domain) {
            options.add("--local=/" + checked(domain) + "/");
            return this;
        }

        /**
         * An SRV record ({@code --srv-host}); note that dnsmasq takes port, priority, weight in that order, unlike
         * zone files.
         */
        public Builder srv(String name, String target, int port, int priority, int weight) {
            options.add("--srv-host=" + checked(name) + "," + checked(target) + "," + port + "," + priority + ","
                    + weight);
            return this;
        }

        /**
         * An SRV record without a target: dnsmasq answers it with the target {@code .}, port 0 (RFC 2782's "the
         * service is decidedly not available at this domain").
         */
        public Builder srvNotOffered(String name) {
            options.add("--srv-host=" + checked(name));
            return this;
        }

        /** An MX record ({@code --mx-host}). */
        public Builder mx(String name, String host, int preference) {
            options.add("--mx-host=" + checked(name) + "," + checked(host) + "," + preference);
            return this;
        }

        /** A and/or AAAA records ({@code --host-record}) for {@code name}: IPv4 and IPv6 literals. */
        public Builder host(String name, String... addresses) {
            StringBuilder option = new StringBuilder("--host-record=").append(checked(name));
            for (String address : addresses) {
                option.append(',').append(checked(address));
            }
            options.add(option.toString());
            return this;
        }

        /**
         * Starts dnsmasq and waits (bounded) until it answers a query.
         *
         * @throws IllegalStateException if it exits or does not answer within 10 s; the message holds its output
         */
        public DnsmasqServer start() {
            try {
                Path directory = Files.createTempDirectory("dnsmasq-");
                Path log = directory.resolve("dnsmasq.log");
                int port = freePort();
                List<String> command = new ArrayList<>(List.of(DNSMASQ, "--no-daemon", "--no-resolv",
                        "--no-hosts", "--port=" + port, "--listen-address=127.0.0.1", "--bind-interfaces",
                        "--conf-file=/dev/null", "--pid-file", "--log-queries", "--log-facility=-"));
                command.addAll(options);
                Process process = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(log.toFile()).start();
                DnsmasqServer server = new DnsmasqServer(directory, log, process, port);
                long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
                // each probe waits for an answer at most PROBE_TIMEOUT: a bounded wait, not a sleep
                while (!server.answers()) {
                    if (!process.isAlive() || System.nanoTime() - deadline > 0) {
                        String output = server.log();
                        server.close();
                        throw new IllegalStateException("dnsmasq " + (process.isAlive() ? "did not answer within "
                                + STARTUP_TIMEOUT.toSeconds() + " s" : "exited with " + process.exitValue())
                                + "; command: " + String.join(" ", command) + "\n" + output);
                    }
                }
                return server;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + DNSMASQ, e);
            }
        }

        /** A port free for both UDP and TCP on 127.0.0.1 (dnsmasq binds both). */
        private static int freePort() throws IOException {
            InetAddress loopback = InetAddress.getLoopbackAddress();
            for (int tries = 0; tries < 20; tries++) {
                try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, 0))) {
                    int port = udp.getLocalPort();
                    try (ServerSocket tcp = new ServerSocket()) {
                        tcp.bind(new InetSocketAddress(loopback, port));
                        return port;
                    } catch (IOException taken) {
                        // try another
                    }
                }
            }
            throw new IOException("no port free for both UDP and TCP on " + loopback);
        }

        private static String checked(String value) {
            Objects.requireNonNull(value, "value");
            if (value.isEmpty() || !value.matches("[A-Za-z0-9._:-]+")) {
                throw new IllegalArgumentException("not a name or address dnsmasq takes here: \"" + value + "\"");
            }
            return value;
        }
    }
}
