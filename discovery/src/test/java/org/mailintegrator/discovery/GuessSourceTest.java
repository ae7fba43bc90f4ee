package org.mailintegrator.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailintegrator.core.MailProtocol.IMAP;
import static org.mailintegrator.core.MailProtocol.POP3;
import static org.mailintegrator.core.MailProtocol.SMTP;
import static org.mailintegrator.core.Security.IMPLICIT_TLS;
import static org.mailintegrator.core.Security.STARTTLS;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailintegrator.core.Endpoint;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Provenance;
import org.mailintegrator.core.spi.HostResolver;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GuessSourceTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final GuessSource source = new GuessSource();

    @Test
    void proposesTheNamesThatResolveImapFirst() throws Exception {
        HostResolver resolver = names("imap.example.test", "pop3.example.test", "example.test");

        Findings findings = source.find(Queries.of("example.test", resolver, TIMEOUT));

        assertThat(findings.endpoints()).extracting(Endpoint::candidate).containsExactly(
                ProtocolCandidate.of(IMAP, IMPLICIT_TLS, "imap.example.test", 993),
                ProtocolCandidate.of(IMAP, STARTTLS, "imap.example.test", 143),
                ProtocolCandidate.of(IMAP, IMPLICIT_TLS, "example.test", 993),
                ProtocolCandidate.of(IMAP, STARTTLS, "example.test", 143),
                ProtocolCandidate.of(POP3, IMPLICIT_TLS, "pop3.example.test", 995),
                ProtocolCandidate.of(POP3, STARTTLS, "pop3.example.test", 110),
                ProtocolCandidate.of(POP3, IMPLICIT_TLS, "example.test", 995),
                ProtocolCandidate.of(POP3, STARTTLS, "example.test", 110));
        assertThat(findings.endpoints().get(0).provenance())
                .isEqualTo(Provenance.of(Provenance.Kind.GUESS, "guess imap.example.test", false));
        assertThat(findings.endpoints()).allSatisfy(endpoint ->
                assertThat(endpoint.provenance().isTrusted()).isFalse());
        assertThat(findings.notes()).contains("guess pop.example.test: does not resolve",
                "guess imap.example.test: resolves");
    }

    @Test
    void smtpIsGuessedOnSmtpMailAndTheBareDomainWith465Then587() throws Exception {
        HostResolver resolver = names("smtp.example.test", "mail.example.test", "example.test", "imap.example.test");

        Findings findings = source.find(Queries.of("example.test", resolver, TIMEOUT, Set.of(SMTP)));

        assertThat(findings.endpoints()).extracting(Endpoint::candidate).containsExactly(
                ProtocolCandidate.of(SMTP, IMPLICIT_TLS, "smtp.example.test", 465),
                ProtocolCandidate.of(SMTP, STARTTLS, "smtp.example.test", 587),
                ProtocolCandidate.of(SMTP, IMPLICIT_TLS, "mail.example.test", 465),
                ProtocolCandidate.of(SMTP, STARTTLS, "mail.example.test", 587),
                ProtocolCandidate.of(SMTP, IMPLICIT_TLS, "example.test", 465),
                ProtocolCandidate.of(SMTP, STARTTLS, "example.test", 587));
        assertThat(findings.endpoints()).allSatisfy(endpoint ->
                assertThat(endpoint.provenance().isTrusted()).isFalse());
        assertThat(findings.notes()).as("only the SMTP names are looked up").containsExactly(
                "guess smtp.example.test: resolves", "guess mail.example.test: resolves",
                "guess example.test: resolves");
    }

    @Test
    void mailProposesBothProtocols() throws Exception {
        Findings findings = source.find(Queries.of("example.test", names("mail.example.test"), TIMEOUT));

        assertThat(findings.endpoints()).extracting(Endpoint::candidate).containsExactly(
                ProtocolCandidate.of(IMAP, IMPLICIT_TLS, "mail.example.test", 993),
                ProtocolCandidate.of(IMAP, STARTTLS, "mail.example.test", 143),
                ProtocolCandidate.of(POP3, IMPLICIT_TLS, "mail.example.test", 995),
                ProtocolCandidate.of(POP3, STARTTLS, "mail.example.test", 110));
    }

    @Test
    void nothingResolvesNothingProposed() throws Exception {
        Findings findings = source.find(Queries.of("example.test", names(), TIMEOUT));

        assertThat(findings.decides()).isFalse();
        assertThat(findings.notes()).hasSize(5);
    }

    @Test
    void aResolverThatHangsIsBoundedByTheTimeout() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        HostResolver hanging = host -> {
            if (host.startsWith("imap.")) {
                return List.of(InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1}));
            }
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new UnknownHostException(host);
        };
        Duration timeout = Duration.ofMillis(500);
        try {
            long start = System.nanoTime();
            Findings findings = source.find(Queries.of("example.test", hanging, timeout));
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

            assertThat(elapsed).isLessThan(timeout.plusMillis(500));
            assertThat(findings.endpoints()).extracting(Endpoint::candidate).containsExactly(
                    ProtocolCandidate.of(IMAP, IMPLICIT_TLS, "imap.example.test", 993),
                    ProtocolCandidate.of(IMAP, STARTTLS, "imap.example.test", 143));
            assertThat(findings.notes()).contains("guess pop.example.test: not resolved within 500 ms");
        } finally {
            release.countDown();
        }
    }

    /** A resolver that knows exactly {@code known} (at 127.0.0.1). */
    private static HostResolver names(String... known) {
        Set<String> names = Set.of(known);
        return host -> {
            if (!names.contains(host)) {
                throw new UnknownHostException(host);
            }
            return List.of(InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1}));
        };
    }
}
