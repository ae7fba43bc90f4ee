package org.mailintegrator.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailintegrator.core.MailProtocol.IMAP;
import static org.mailintegrator.core.Security.IMPLICIT_TLS;
import static org.mailintegrator.core.Security.NONE;
import static org.mailintegrator.interop.DovecotServer.Listener.IMAPS;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.HostApproval;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.PreferencePolicy;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Provenance;
import org.mailintegrator.interop.DnsmasqServer;
import org.mailintegrator.interop.DovecotServer;
import org.mailintegrator.strategies.Policies;
import org.mailintegrator.testkit.AutoconfigServer;
import org.mailintegrator.testkit.TestCertificates;

/**
 * {@code alice@<domain>} integrates with no host given: {@link Discovery} finds the server, against a real DNS
 * server (a private dnsmasq: SRV, MX and A records), a real web server for autoconfig (HTTPS with a test
 * certificate, and plain HTTP), the bundled ISPDB, and a real Dovecot holding the mailboxes. The discovery is wired
 * as {@code Discovery.builder().allowPlainHttp().dnsServers(dnsmasq)} wires it, with the autoconfig URLs moved to
 * the loopback web servers (the path keeps the host the standard URL names: {@code /autoconfig.<d>/mail/...}).
 *
 * <p>Every mail host name resolves through dnsmasq to a loopback address of the test's own, where Dovecot listens
 * on the standard ports (993, 995, 143, 110) that the ISPDB, SRV records, autoconfig documents and guesses name, so
 * {@link Policies#discovered()} is used as it is, and each candidate's provenance is that of the endpoint a source
 * named. In the discovery package (split across modules on the class path) to reach its package-private sources.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DiscoveryInteropTest {
    private static final String PASSWORD = "alice-discovered-secret";
    private static final String LOOPBACK = "127.0.0.1";
    /** Where Dovecot listens, on the standard ports that discovery names, so the policy is used unchanged. */
    private static final String MAIL_ADDRESS = "127.0.0.93";
    private static final String ISPDB_DOMAIN = "gmail.com";
    private static final String SRV_DOMAIN = "srv.test";
    private static final String AUTOCONFIG_DOMAIN = "webconfig.test";
    private static final String CUSTOM_DOMAIN = "company.test";
    private static final String GUESS_DOMAIN = "guess.test";
    private static final String HOSTILE_DOMAIN = "hostile.test";
    private static final String ATTACKER_HOST = "mail.attacker.test";
    private static final Duration DNS_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration LOG_WAIT = Duration.ofSeconds(10);

    /** One CA; the server certificate names every host the integrator connects to, and the web server. */
    private static final TestCertificates CERTS = TestCertificates.forHosts("imap.gmail.com", "pop.gmail.com",
            "imap." + SRV_DOMAIN, "imap." + AUTOCONFIG_DOMAIN, "imap." + GUESS_DOMAIN, LOOPBACK, "localhost");

    private static DovecotServer dovecot;
    private static DnsmasqServer dnsmasq;
    private static AutoconfigServer https;
    private static AutoconfigServer http;
    private static Discovery discovery;

    /** Stands for the attacker's mail server: counts every connection and byte it gets. */
    private static ServerSocket attacker;
    private static Thread attackerThread;
    private static final AtomicInteger attackerConnections = new AtomicInteger();
    private static final AtomicInteger attackerBytes = new AtomicInteger();
    private static final Semaphore attackerAccepted = new Semaphore(0);

    @BeforeAll
    static void start() throws IOException {
        DovecotServer.Builder mailboxes = DovecotServer.builder().tls(CERTS).listenAddress(MAIL_ADDRESS)
                .standardPorts();
        for (String domain : List.of(ISPDB_DOMAIN, SRV_DOMAIN, AUTOCONFIG_DOMAIN, CUSTOM_DOMAIN, GUESS_DOMAIN,
                HOSTILE_DOMAIN)) {
            mailboxes.user("alice@" + domain, PASSWORD);
        }
        dovecot = mailboxes.start();
        startAttacker();

        DnsmasqServer.Builder dns = DnsmasqServer.builder();
        for (String domain : List.of(ISPDB_DOMAIN, SRV_DOMAIN, AUTOCONFIG_DOMAIN, CUSTOM_DOMAIN, GUESS_DOMAIN,
                HOSTILE_DOMAIN, "attacker.test")) {
            dns.domain(domain); // answered here only: a name without records is NXDOMAIN, nothing goes upstream
        }
        dnsmasq = dns
                // (a) the ISPDB names imap.gmail.com and pop.gmail.com
                .host("imap.gmail.com", MAIL_ADDRESS)
                .host("pop.gmail.com", MAIL_ADDRESS)
                // (b) SRV records only, with Dovecot's real port
                .srv("_imaps._tcp." + SRV_DOMAIN, "imap." + SRV_DOMAIN, dovecot.port(IMAPS), 0, 0)
                .host("imap." + SRV_DOMAIN, MAIL_ADDRESS)
                // (c) the host the autoconfig document names
                .host("imap." + AUTOCONFIG_DOMAIN, MAIL_ADDRESS)
                // (d) a custom domain hosted by Google: the ISPDB lists google.com under Gmail
                .mx(CUSTOM_DOMAIN, "aspmx.l.google.com", 10)
                // (e) only imap.<domain> resolves
                .host("imap." + GUESS_DOMAIN, MAIL_ADDRESS)
                // (f) resolves, so that only the integrator's own rule keeps it from connecting
                .host(ATTACKER_HOST, LOOPBACK)
                .start();

        https = AutoconfigServer.start(CERTS).document(
                "/autoconfig." + AUTOCONFIG_DOMAIN + "/mail/config-v1.1.xml", AutoconfigServer.clientConfig(
                        AUTOCONFIG_DOMAIN, ProtocolCandidate.of(IMAP, IMPLICIT_TLS, "imap." + AUTOCONFIG_DOMAIN,
                                dovecot.port(IMAPS))));
        http = AutoconfigServer.startPlainHttp().document(
                "/autoconfig." + HOSTILE_DOMAIN + "/mail/config-v1.1.xml", AutoconfigServer.clientConfig(
                        HOSTILE_DOMAIN, ProtocolCandidate.of(IMAP, NONE, ATTACKER_HOST, attacker.getLocalPort())));

        DnsClient dnsClient = DnsClient.using(List.of(dnsmasq.address()));
        Source autoconfig = new AutoconfigSource(DiscoveryInteropTest::loopbackLocations);
        Source ispdb = new IspdbSource();
        discovery = new Discovery(List.of(autoconfig, new SrvSource(dnsClient), ispdb,
                new MxSource(new MxLookup(dnsClient), List.of(ispdb, autoconfig)), new GuessSource()),
                Duration.ofMillis(Discovery.DEFAULT_DEADLINE_MILLIS),
                Duration.ofMillis(Discovery.DEFAULT_SOURCE_TIMEOUT_MILLIS));
        // the same sources in the same order as the public builder puts them
        assertThat(discovery.sources()).extracting(Source::name).containsExactlyElementsOf(
                Discovery.builder().allowPlainHttp().dnsServers(List.of(dnsmasq.address())).build().sources()
                        .stream().map(Source::name).toList());
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable resource : new AutoCloseable[] {https, http, dnsmasq, dovecot, attacker}) {
            if (resource != null) {
                resource.close();
            }
        }
        if (attackerThread != null) {
            attackerThread.join(5_000);
        }
    }

    @Test
    void aDomainInTheBundledIspdbIntegrates() {
        IntegrationResult result = integrator(routed(), HostApproval.NONE).integrate(alice(ISPDB_DOMAIN));

        Attempt selected = assertIntegrated(result, "imap.gmail.com", dovecot.port(IMAPS), Provenance.Kind.ISPDB);
        assertThat(selected.provenance().orElseThrow().isTrusted()).isTrue();
        assertThat(result.toString()).contains("ISPDB decided");
        assertLoggedIn(ISPDB_DOMAIN, 1);
    }

    @Test
    void aDomainWithOnlySrvRecordsIntegrates() {
        IntegrationResult result = integrator(Policies.discovered(), HostApproval.NONE).integrate(alice(SRV_DOMAIN));

        Attempt selected = assertIntegrated(result, "imap." + SRV_DOMAIN, dovecot.port(IMAPS), Provenance.Kind.SRV);
        // dnsmasq does not validate: not trusted, but within the address's domain, so the credentials may go
        assertThat(selected.provenance().orElseThrow())
                .isEqualTo(Provenance.of(Provenance.Kind.SRV, "_imaps._tcp." + SRV_DOMAIN, false));
        assertThat(result.toString()).contains("srv decided");
        assertLoggedIn(SRV_DOMAIN, 1);
    }

    @Test
    void aDomainWithOnlyAnAutoconfigDocumentOverHttpsIntegrates() {
        IntegrationResult result = integrator(Policies.discovered(), HostApproval.NONE)
                .integrate(alice(AUTOCONFIG_DOMAIN));

        Attempt selected = assertIntegrated(result, "imap." + AUTOCONFIG_DOMAIN, dovecot.port(IMAPS),
                Provenance.Kind.AUTOCONFIG);
        assertThat(selected.provenance().orElseThrow()).isEqualTo(Provenance.of(Provenance.Kind.AUTOCONFIG,
                https.uri("/autoconfig." + AUTOCONFIG_DOMAIN + "/mail/config-v1.1.xml").toString(), true));
        assertLoggedIn(AUTOCONFIG_DOMAIN, 1);
    }

    @Test
    void aCustomDomainHostedByAProviderIsFoundByMxAndUsedOnlyOnceApproved() {
        MailAccount alice = alice(CUSTOM_DOMAIN);

        IntegrationResult refused = integrator(routed(), HostApproval.NONE).integrate(alice);

        assertThat(refused.isIntegrated()).as(refused.toString()).isFalse();
        Attempt skipped = refused.attempts().get(0);
        assertThat(skipped.outcome()).as(refused.toString()).isEqualTo(Outcome.SKIPPED);
        assertThat(skipped.candidate().host()).isEqualTo("imap.gmail.com");
        assertThat(skipped.provenance()).hasValueSatisfying(provenance -> {
            assertThat(provenance.kind()).isEqualTo(Provenance.Kind.MX);
            assertThat(provenance.isTrusted()).isFalse();
        });
        assertThat(skipped.detail()).contains("imap.gmail.com was proposed by MX").contains("no connection");
        assertThat(refused.attempts()).extracting(Attempt::outcome).containsOnly(Outcome.SKIPPED);

        HostApproval gmail = (account, host, provenance) -> account.domain().equals(CUSTOM_DOMAIN)
                && host.equals("imap.gmail.com") && provenance.kind() == Provenance.Kind.MX;
        IntegrationResult approved = integrator(routed(), gmail).integrate(alice);

        Attempt selected = assertIntegrated(approved, "imap.gmail.com", dovecot.port(IMAPS), Provenance.Kind.MX);
        assertThat(selected.provenance().orElseThrow().origin())
                .startsWith(CUSTOM_DOMAIN + " MX aspmx.l.google.com, then ISPDB ISPDB snapshot of ");
        // one login only: the refused integration never reached Dovecot
        assertLoggedIn(CUSTOM_DOMAIN, 1);
    }

    @Test
    void aDomainFoundByGuessingIntegrates() {
        IntegrationResult result = integrator(routed(), HostApproval.NONE).integrate(alice(GUESS_DOMAIN));

        Attempt selected = assertIntegrated(result, "imap." + GUESS_DOMAIN, dovecot.port(IMAPS),
                Provenance.Kind.GUESS);
        assertThat(selected.provenance().orElseThrow())
                .isEqualTo(Provenance.of(Provenance.Kind.GUESS, "guess imap." + GUESS_DOMAIN, false));
        assertThat(result.toString()).contains("guess decided");
        assertLoggedIn(GUESS_DOMAIN, 1);
    }

    @Test
    void aHostilePlainHttpAutoconfigGetsNoConnectionAndNoByte() throws IOException, InterruptedException {
        int documentRequests = http.requests().size();

        IntegrationResult result = integrator(Policies.discovered(), HostApproval.NONE)
                .integrate(alice(HOSTILE_DOMAIN));

        assertThat(result.isIntegrated()).as(result.toString()).isFalse();
        assertThat(http.requests()).as("the hostile document was fetched").hasSizeGreaterThan(documentRequests);
        Attempt attempt = result.attempts().get(0);
        assertThat(attempt.outcome()).as(result.toString()).isEqualTo(Outcome.SKIPPED);
        assertThat(attempt.candidate().host()).isEqualTo(ATTACKER_HOST);
        assertThat(attempt.candidate().port()).isEqualTo(attacker.getLocalPort());
        assertThat(attempt.provenance()).hasValueSatisfying(provenance -> {
            assertThat(provenance.kind()).isEqualTo(Provenance.Kind.AUTOCONFIG);
            assertThat(provenance.origin()).startsWith("http://");
            assertThat(provenance.isTrusted()).isFalse();
        });
        assertThat(result.attempts()).extracting(Attempt::outcome).containsOnly(Outcome.SKIPPED);
        assertThat(attackerConnections).as("connections at the attacker's listener").hasValue(0);
        assertThat(attackerBytes).as("bytes at the attacker's listener").hasValue(0);

        // the listener does count: a connection of our own is seen
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress(dnsmasq.hostResolver(DNS_TIMEOUT).resolve(ATTACKER_HOST).get(0),
                    attacker.getLocalPort()), 2_000);
            assertThat(attackerAccepted.tryAcquire(5, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(attackerConnections).hasValue(1);
        assertThat(attackerBytes).hasValue(0);
    }

    /** The selected attempt, once it is checked: integrated on IMAP over TLS at {@code host}, from {@code kind}. */
    private static Attempt assertIntegrated(IntegrationResult result, String host, int port, Provenance.Kind kind) {
        assertThat(result.isIntegrated()).as(result.toString()).isTrue();
        ProtocolCandidate selected = result.selected().orElseThrow();
        assertThat(selected).as(result.toString()).isEqualTo(ProtocolCandidate.of(IMAP, IMPLICIT_TLS, host, port));
        Attempt attempt = result.attempt(selected).orElseThrow();
        assertThat(attempt.outcome()).isEqualTo(Outcome.AUTHENTICATED);
        assertThat(attempt.provenance()).as(result.toString())
                .hasValueSatisfying(provenance -> assertThat(provenance.kind()).isEqualTo(kind));
        return attempt;
    }

    /** Dovecot logged exactly {@code count} IMAPS logins of alice at {@code domain}. */
    private static void assertLoggedIn(String domain, int count) {
        String user = "alice@" + domain;
        List<String> logins = dovecot.awaitLogLines(user + "'s IMAPS login",
                line -> line.contains("imap-login: Info: Login: user=<" + user + ">")
                        && line.contains("lport=" + dovecot.port(IMAPS) + ","), count, LOG_WAIT);
        assertThat(logins).hasSize(count);
    }

    private static Integrator integrator(PreferencePolicy policy, HostApproval approval) {
        return Integrator.builder()
                .policy(policy)
                .discovery(discovery)
                .approveHosts(approval)
                .resolver(dnsmasq.hostResolver(DNS_TIMEOUT))
                .sslContext(CERTS.clientSslContext())
                .connectTimeout(Duration.ofSeconds(3))
                .readTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** {@link Policies#discovered()}, unchanged: Dovecot listens on the standard ports that discovery names. */
    private static PreferencePolicy routed() {
        return Policies.discovered();
    }

    private static MailAccount alice(String domain) {
        return MailAccount.builder("alice@" + domain).password(PASSWORD).build();
    }

    /**
     * The standard autoconfig URLs of {@code domain} (HTTPS, then plain HTTP), each moved to the loopback web
     * server of its scheme, its host kept as the first path segment.
     */
    private static List<URI> loopbackLocations(String domain) {
        return AutoconfigSource.standardLocations(domain, true).stream()
                .map(uri -> ("https".equals(uri.getScheme()) ? https : http).uri("/" + uri.getHost() + uri.getPath()))
                .toList();
    }

    private static void startAttacker() throws IOException {
        attacker = new ServerSocket(0, 50, InetAddress.getByName(LOOPBACK));
        attackerThread = new Thread(() -> {
            while (!attacker.isClosed()) {
                try (Socket socket = attacker.accept(); InputStream in = socket.getInputStream()) {
                    attackerConnections.incrementAndGet();
                    attackerAccepted.release();
                    socket.setSoTimeout(2_000);
                    while (in.read() >= 0) {
                        attackerBytes.incrementAndGet();
                    }
                } catch (IOException closedOrQuiet) {
                    if (attacker.isClosed()) {
                        return;
                    }
                }
            }
        }, "attacker-listener");
        attackerThread.setDaemon(true);
        attackerThread.start();
    }
}
