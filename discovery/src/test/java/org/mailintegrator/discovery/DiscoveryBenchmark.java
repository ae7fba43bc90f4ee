package org.mailintegrator.discovery;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.PreferencePolicy;
import org.mailintegrator.core.spi.HostResolver;
import org.mailintegrator.strategies.Policies;
import org.mailintegrator.testkit.AutoconfigServer;
import org.mailintegrator.testkit.MailServerFixture;
import org.mailintegrator.testkit.TestCertificates;
import org.mailintegrator.testkit.TestDnsServer;

/**
 * Time to a selected candidate from an address alone, per situation, against the same integration with the host
 * given; and the DNS queries and HTTP requests each made. Real servers on loopback: GreenMail for the mailboxes, a
 * DNS server (SRV, MX), an HTTPS server (autoconfig); the bundled ISPDB.
 *
 * <pre>
 * mvn -B -q -pl discovery -am test-compile
 * mvn -B -q -pl discovery exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=org.mailintegrator.discovery.DiscoveryBenchmark -Dexec.args=15
 * </pre>
 */
public final class DiscoveryBenchmark {
    static final String PASSWORD = "benchmark password";

    /** One situation's figures. */
    record Row(String situation, boolean integrated, long medianMillis, long maxMillis, double dnsQueries,
            double httpRequests, String decidedBy) {
    }

    private DiscoveryBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 9;
        List<Row> rows = run(reps, System.out);
        System.out.println();
        System.out.printf("%-34s %-10s %10s %8s %8s %8s  %s%n", "situation", "integrated", "median ms", "max ms",
                "DNS", "HTTP", "decided by");
        for (Row row : rows) {
            System.out.printf("%-34s %-10s %10d %8d %8.1f %8.1f  %s%n", row.situation(), row.integrated(),
                    row.medianMillis(), row.maxMillis(), row.dnsQueries(), row.httpRequests(), row.decidedBy());
        }
    }

    /** Runs every situation {@code reps} times after one warm-up; the figures are per integration. */
    static List<Row> run(int reps, PrintStream log) throws Exception {
        TestCertificates certificates = TestCertificates.forHosts("127.0.0.1");
        try (MailServerFixture mail = MailServerFixture.builder().certificates(certificates)
                    .user("alice@example.test", PASSWORD).user("alice@gmail.com", PASSWORD)
                    .user("alice@srv.test", PASSWORD).user("alice@auto.test", PASSWORD)
                    .user("bob@company.test", PASSWORD).user("alice@guess.test", PASSWORD).start();
                TestDnsServer dns = TestDnsServer.start();
                AutoconfigServer web = AutoconfigServer.start(certificates)) {
            dns.srv("_imaps._tcp.srv.test", 0, 0, 993, "imap.srv.test")
                    .mx("company.test", 10, "mx1.hosted.test");
            // every other domain: counted, and answered 404 as a domain without autoconfig
            web.provider("auto.test", ClientConfigTest.document(
                    ClientConfigTest.server("imap", "imap.auto.test", "993", "SSL")));
            web.provider("hosted.test", ClientConfigTest.document(
                    ClientConfigTest.server("imap", "imap.hosted.test", "993", "SSL")));
            DnsClient dnsClient = DnsClient.using(List.of(dns.address()));
            AutoconfigSource autoconfig = new AutoconfigSource(web::locations);
            IspdbSource ispdb = new IspdbSource();
            Discovery discovery = new Discovery(List.of(autoconfig, new SrvSource(dnsClient), ispdb,
                    new MxSource(new MxLookup(dnsClient), List.of(ispdb, autoconfig)), new GuessSource()),
                    Duration.ofSeconds(5), Duration.ofSeconds(4));
            PreferencePolicy routed = mail.route(Policies.blackBerry());
            HostResolver resolver = host -> {
                if (host.endsWith("guess.test") && !host.equals("imap.guess.test")) {
                    throw new UnknownHostException(host);
                }
                return List.of(InetAddress.getLoopbackAddress());
            };
            Integrator withDiscovery = Integrator.builder().policy(routed).discovery(discovery).resolver(resolver)
                    .approveHosts((account, host, provenance) -> true).sslContext(certificates.clientSslContext())
                    .build();
            Integrator hostsGiven = Integrator.builder().policy(routed).resolver(resolver)
                    .sslContext(certificates.clientSslContext()).build();

            List<Row> rows = new ArrayList<>();
            rows.add(measure("host given (no discovery)", hostsGiven,
                    account("alice@example.test").toBuilder().host("imap.example.test").build(), reps, dns, web, log));
            rows.add(measure("bundled ISPDB (gmail.com)", withDiscovery, account("alice@gmail.com"), reps, dns, web, log));
            rows.add(measure("SRV only (srv.test)", withDiscovery, account("alice@srv.test"), reps, dns, web, log));
            rows.add(measure("autoconfig only (auto.test)", withDiscovery, account("alice@auto.test"), reps, dns, web,
                    log));
            rows.add(measure("MX, then autoconfig (company.test)", withDiscovery, account("bob@company.test"), reps,
                    dns, web, log));
            rows.add(measure("guess (guess.test)", withDiscovery, account("alice@guess.test"), reps, dns, web, log));
            return rows;
        }
    }

    private static Row measure(String situation, Integrator integrator, MailAccount account, int reps,
            TestDnsServer dns, AutoconfigServer web, PrintStream log) {
        integrator.integrate(account);   // warm-up: class loading, the ISPDB snapshot, TLS sessions
        List<Long> millis = new ArrayList<>();
        int dnsBefore = dns.queries();
        int httpBefore = web.requests().size();
        IntegrationResult last = null;
        boolean integrated = true;
        for (int i = 0; i < reps; i++) {
            long start = System.nanoTime();
            last = integrator.integrate(account);
            millis.add(Duration.ofNanos(System.nanoTime() - start).toMillis());
            integrated &= last.isIntegrated();
        }
        Collections.sort(millis);
        String decidedBy = last.discovered().flatMap(found -> found.notes().stream()
                .filter(note -> note.contains(" decided")).findFirst()).orElse("-");
        log.println(situation + ": " + last);
        return new Row(situation, integrated, millis.get(millis.size() / 2), millis.get(millis.size() - 1),
                (dns.queries() - dnsBefore) / (double) reps, (web.requests().size() - httpBefore) / (double) reps,
                decidedBy.replaceAll(", after .*", ""));
    }

    private static MailAccount account(String address) {
        return MailAccount.builder(address).password(PASSWORD).build();
    }

}
