package org.mailintegrator.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;
import org.mailintegrator.core.spi.HostResolver;
import org.mailintegrator.testkit.MailServerFixture;
import org.mailintegrator.testkit.Service;
import org.mailintegrator.testkit.TestCertificates;

/**
 * Measures what a host's addresses and its resolver cost, side by side in one process on loopback:
 *
 * <ol>
 *   <li>the winner alone: a host with one address, IMAP over TLS (the floor);</li>
 *   <li>a dead first address that refuses, then the live one;</li>
 *   <li>a dead first address that drops packets (a full accept queue), then the live one: target at most the
 *       address stagger (250 ms) plus the winner alone, plus 10 %;</li>
 *   <li>a resolver that never answers (a DNS query to a UDP socket that stays silent): target at most the connect
 *       timeout plus 10 %, for a whole chain of four candidates on that host.</li>
 * </ol>
 *
 * <pre>{@code
 * mvn -B -q install -DskipTests
 * mvn -B -q -pl benchmarks exec:java -Dexec.mainClass=org.mailintegrator.benchmarks.AddressBenchmark -Dexec.args="15"
 * }</pre>
 */
public final class AddressBenchmark {
    private static final String HOST = "mail.bench.test";
    private static final String ADDRESS = "bench@bench.test";
    private static final String PASSWORD = "bench-password";
    /** The connect timeout of every variant: far above what any row should take. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    static final Duration SILENT_CONNECT_TIMEOUT = Duration.ofSeconds(1);
    static final Duration ADDRESS_STAGGER = Duration.ofMillis(250);

    private AddressBenchmark() {
    }

    /** {@code [repetitions]}, default 15. */
    public static void main(String[] args) throws Exception {
        run(args.length > 0 ? Integer.parseInt(args[0]) : 15, System.out);
    }

    /** One measured row: medians in milliseconds and whether its target was met. */
    static final class Row {
        final String name;
        final double medianMillis;
        final String target;
        final boolean met;

        Row(String name, double medianMillis, String target, boolean met) {
            this.name = name;
            this.medianMillis = medianMillis;
            this.target = target;
            this.met = met;
        }
    }

    static List<Row> run(int repetitions, PrintStream out) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (MailServerFixture fixture = MailServerFixture.builder().certificates(TestCertificates.forHosts(HOST))
                .user(ADDRESS, PASSWORD).start();
                AutoCloseable dropping = dropper("127.0.0.9", fixture.port(Service.IMAPS));
                DatagramSocket silentDns = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            ProtocolCandidate imaps = ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS, HOST,
                    fixture.port(Service.IMAPS));
            MailAccount account = MailAccount.builder(ADDRESS).password(PASSWORD).host(HOST).build();
            Integrator alone = integrator(fixture, List.of(imaps), host -> addresses("127.0.0.1"), CONNECT_TIMEOUT);
            Integrator refusedFirst = integrator(fixture, List.of(imaps), host -> addresses("127.0.0.10", "127.0.0.1"),
                    CONNECT_TIMEOUT);
            Integrator droppedFirst = integrator(fixture, List.of(imaps), host -> addresses("127.0.0.9", "127.0.0.1"),
                    CONNECT_TIMEOUT);
            List<ProtocolCandidate> chain = new ArrayList<>();
            for (Service service : List.of(Service.IMAPS, Service.POP3S, Service.IMAP, Service.POP3)) {
                chain.add(ProtocolCandidate.of(service.protocol(),
                        service == Service.IMAPS || service == Service.POP3S ? Security.IMPLICIT_TLS : Security.NONE,
                        HOST, fixture.port(service)));
            }
            Integrator silent = integrator(fixture, chain, host -> askSilently(silentDns, host), SILENT_CONNECT_TIMEOUT);

            for (int i = 0; i < 3; i++) {
                expect(alone.integrate(account), Outcome.AUTHENTICATED);
            }
            List<Long> aloneTimes = new ArrayList<>();
            List<Long> refusedTimes = new ArrayList<>();
            List<Long> droppedTimes = new ArrayList<>();
            List<Long> silentTimes = new ArrayList<>();
            for (int i = 0; i < repetitions; i++) {
                aloneTimes.add(time(alone, account, Outcome.AUTHENTICATED));
                refusedTimes.add(time(refusedFirst, account, Outcome.AUTHENTICATED));
                droppedTimes.add(time(droppedFirst, account, Outcome.AUTHENTICATED));
                if (i < Math.min(repetitions, 5)) {
                    silentTimes.add(time(silent, account, Outcome.TIMED_OUT));
                }
            }
            double floor = median(aloneTimes);
            double droppedTarget = (ADDRESS_STAGGER.toMillis() + floor) * 1.1;
            double silentTarget = SILENT_CONNECT_TIMEOUT.toMillis() * 1.1;
            rows.add(new Row("winner alone (one address)", floor, "-", true));
            rows.add(new Row("first address refuses", median(refusedTimes), "-", true));
            rows.add(new Row("first address drops", median(droppedTimes),
                    String.format("<= %.0f ms (stagger + alone + 10 %%)", droppedTarget),
                    median(droppedTimes) <= droppedTarget));
            rows.add(new Row("resolver never answers (4 candidates, T = " + SILENT_CONNECT_TIMEOUT.toMillis()
                    + " ms)", median(silentTimes), String.format("<= %.0f ms (T + 10 %%)", silentTarget),
                    median(silentTimes) <= silentTarget));
        }
        out.printf("| scenario (%d repetitions; silent resolver %d) | median ms | target | met |%n", repetitions,
                Math.min(repetitions, 5));
        out.println("|---|---:|---|---|");
        for (Row row : rows) {
            out.printf("| %s | %.0f | %s | %s |%n", row.name, row.medianMillis, row.target, row.met ? "yes" : "NO");
        }
        return rows;
    }

    private static long time(Integrator integrator, MailAccount account, Outcome expected) {
        long start = System.nanoTime();
        IntegrationResult result = integrator.integrate(account);
        long elapsed = System.nanoTime() - start;
        expect(result, expected);
        return elapsed;
    }

    private static void expect(IntegrationResult result, Outcome expected) {
        if (result.attempts().get(0).outcome() != expected) {
            throw new IllegalStateException("expected " + expected + ", got:\n" + result);
        }
    }

    private static Integrator integrator(MailServerFixture fixture, List<ProtocolCandidate> chain,
            HostResolver resolver, Duration connectTimeout) {
        return Integrator.builder().policy(account -> chain).resolver(resolver)
                .addressStagger(ADDRESS_STAGGER).sslContext(fixture.clientSslContext())
                .connectTimeout(connectTimeout).readTimeout(CONNECT_TIMEOUT).build();
    }

    private static double median(List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        int n = sorted.size();
        double middle = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
        return middle / 1_000_000.0;
    }

    private static List<InetAddress> addresses(String... literals) throws UnknownHostException {
        List<InetAddress> addresses = new ArrayList<>();
        for (String literal : literals) {
            addresses.add(InetAddress.getByName(literal));
        }
        return addresses;
    }

    /** Sends a query to a server that never answers and waits for the answer (until the JVM exits). */
    private static List<InetAddress> askSilently(DatagramSocket dns, String host) throws UnknownHostException {
        try (DatagramSocket client = new DatagramSocket()) {
            byte[] query = ("query " + host).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            client.send(new DatagramPacket(query, query.length, dns.getLocalSocketAddress()));
            client.setSoTimeout(30_000);
            client.receive(new DatagramPacket(new byte[512], 512));
            throw new UnknownHostException(host + ": unexpected answer");
        } catch (IOException e) {
            throw new UnknownHostException(host + ": " + e.getMessage());
        }
    }

    /** A listener whose accept queue is full: new connections to it time out, as behind a DROP firewall. */
    private static AutoCloseable dropper(String address, int port) throws IOException {
        ServerSocket listener = new ServerSocket();
        listener.bind(new InetSocketAddress(address, port), 1);
        List<Socket> fillers = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            Socket filler = new Socket();
            fillers.add(filler);
            try {
                filler.connect(listener.getLocalSocketAddress(), 200);
            } catch (SocketTimeoutException full) {
                return () -> {
                    for (Socket socket : fillers) {
                        socket.close();
                    }
                    listener.close();
                };
            }
        }
        throw new IOException("the accept queue of " + address + ":" + port + " never filled");
    }
}
