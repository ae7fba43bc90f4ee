package org.mailintegrator.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailintegrator.interop.DovecotServer.Listener.IMAPS;
import static org.mailintegrator.interop.DovecotServer.Listener.POP3S;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.PreferencePolicy;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;
import org.mailintegrator.interop.DovecotServer.Listener;
import org.mailintegrator.strategies.Policies;
import org.mailintegrator.testkit.TestCertificates;

/**
 * A saved result is a hint inside the current policy, against a real Dovecot with its stock settings: a result
 * saved under each shipped policy and reused under each other one selects what a fresh integration under the
 * current policy selects, and Dovecot's auth process hears the credentials only on a port and with a transport
 * that the current policy lists.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DovecotSavedResultInteropTest {
    private static final String HOST = "127.0.0.1";
    private static final String USER = "alice@example.test";
    private static final String PASSWORD = "alice-secret";
    private static final TestCertificates CERTS = TestCertificates.forHosts(HOST, "localhost");
    /** The auth process's record of a login request. */
    private static final Pattern AUTH_REQUEST = Pattern.compile("client in: AUTH\\t");
    private static final Pattern LOCAL_PORT = Pattern.compile("\\tlport=(\\d+)");

    private static final Map<String, PreferencePolicy> POLICIES = new LinkedHashMap<>();

    static {
        POLICIES.put("blackBerry", Policies.blackBerry());
        POLICIES.put("secure", Policies.secure());
        POLICIES.put("popOnly", Policies.popOnly());
    }

    /** What is up on the server. */
    enum Situation {
        ALL_UP, NO_TLS, IMAP_STOPPED;

        DovecotServer start() {
            DovecotServer.Builder builder = DovecotServer.builder().user(USER, PASSWORD);
            return switch (this) {
                case ALL_UP -> builder.tls(CERTS).start();
                case NO_TLS -> builder.stop(IMAPS, POP3S).start();
                case IMAP_STOPPED -> builder.tls(CERTS).stop(Listener.IMAP, IMAPS).start();
            };
        }
    }

    @ParameterizedTest
    @EnumSource(Situation.class)
    void aSavedResultNeverSendsACredentialTheCurrentPolicyWouldNot(Situation situation) {
        SoftAssertions softly = new SoftAssertions();
        try (DovecotServer dovecot = situation.start()) {
            for (Map.Entry<String, PreferencePolicy> savedUnder : POLICIES.entrySet()) {
                for (Map.Entry<String, PreferencePolicy> now : POLICIES.entrySet()) {
                    String pair = "saved under " + savedUnder.getKey() + ", reused under " + now.getKey();
                    IntegrationResult saved = integrator(dovecot, savedUnder.getValue()).integrate(alice());
                    Integrator current = integrator(dovecot, now.getValue());
                    List<ProtocolCandidate> chain = RoutedPolicy.to(dovecot, now.getValue()).candidates(alice());
                    dovecot.awaitQuietLog(Duration.ofMillis(300), Duration.ofSeconds(10));
                    int before = dovecot.logLines().size();

                    IntegrationResult reused = current.integrate(alice(), IntegrationResult.fromJson(saved.toJson()));
                    dovecot.awaitQuietLog(Duration.ofMillis(300), Duration.ofSeconds(10));
                    List<String> lines = dovecot.logLines();
                    Set<String> heard = credentialsHeard(dovecot, lines.subList(before, lines.size()));
                    IntegrationResult fresh = current.integrate(alice());

                    softly.assertThat(reused.selected()).as(pair + ": what a fresh integration selects")
                            .isEqualTo(fresh.selected());
                    softly.assertThat(heard).as(pair + ": where Dovecot heard the credentials")
                            .isSubsetOf(channels(dovecot, chain));
                }
            }
        }
        softly.assertAll();
    }

    /**
     * The listeners and transports on which Dovecot's auth process received a login request, e.g. {@code IMAP/clear}:
     * from its {@code client in: AUTH} debug lines, which carry the local port and {@code secured=tls} when TLS
     * protected the request (implicit TLS or after STARTTLS), a bare {@code secured} for a cleartext connection from
     * loopback.
     */
    private static Set<String> credentialsHeard(DovecotServer dovecot, List<String> lines) {
        List<String> heard = new ArrayList<>();
        for (String line : lines) {
            if (!AUTH_REQUEST.matcher(line).find()) {
                continue;
            }
            Matcher port = LOCAL_PORT.matcher(line);
            if (!port.find()) {
                throw new AssertionError("an auth request without lport: " + line);
            }
            Listener listener = listenerOn(dovecot, Integer.parseInt(port.group(1)));
            boolean tls = line.contains("\tsecured=tls");
            heard.add(listener + (tls ? "/tls" : "/clear"));
        }
        return heard.stream().collect(Collectors.toSet());
    }

    private static Listener listenerOn(DovecotServer dovecot, int port) {
        for (Listener listener : Listener.values()) {
            if (dovecot.isRunning(listener) && dovecot.port(listener) == port) {
                return listener;
            }
        }
        throw new AssertionError("no listener on port " + port);
    }

    /** The listener and transport a credential of each candidate travels on. */
    private static Set<String> channels(DovecotServer dovecot, List<ProtocolCandidate> chain) {
        return chain.stream().map(candidate -> {
            Listener listener = null;
            for (Listener each : Listener.values()) {
                if (dovecot.port(each) == candidate.port()) {
                    listener = each;
                }
            }
            return listener + (candidate.security() == Security.NONE ? "/clear" : "/tls");
        }).collect(Collectors.toSet());
    }

    private static MailAccount alice() {
        return MailAccount.builder(USER).password(PASSWORD).host(HOST).build();
    }

    private static Integrator integrator(DovecotServer dovecot, PreferencePolicy policy) {
        return Integrator.builder()
                .policy(RoutedPolicy.to(dovecot, policy))
                .sslContext(CERTS.clientSslContext())
                .connectTimeout(Duration.ofSeconds(1))
                .readTimeout(Duration.ofSeconds(2))
                .build();
    }
}
