package org.mailintegrator.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailintegrator.testkit.MailIntegratorAssertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.ProtocolCandidate;

/**
 * With Jakarta Mail's protocol tracing switched on by the application (java.util.logging at FINEST), the
 * password or access token still never appears, neither as is nor in its base64 SASL forms.
 */
class ProtocolTraceSecretsTest {
    private static final String ADDRESS = "grace@example.test";
    private static final String PASSWORD = "Trace-Me-If-You-Can-42";

    @RegisterExtension
    static final MailServerExtension server =
            MailServerExtension.with(MailServerFixture.builder().user(ADDRESS, PASSWORD));

    private final List<String> trace = new ArrayList<>();
    private final List<Logger> tracing = new ArrayList<>();
    private final List<Level> previous = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public synchronized void publish(LogRecord record) {
            trace.add(record.getLoggerName() + ": " + new java.util.logging.SimpleFormatter().formatMessage(record));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void traceEverything() {
        capture.setLevel(Level.ALL);
        for (String name : List.of("org.eclipse.angus.mail", "jakarta.mail")) {
            Logger logger = Logger.getLogger(name);
            tracing.add(logger);
            previous.add(logger.getLevel());
            logger.setLevel(Level.ALL);
            logger.addHandler(capture);
        }
    }

    @AfterEach
    void restore() {
        for (int i = 0; i < tracing.size(); i++) {
            tracing.get(i).removeHandler(capture);
            tracing.get(i).setLevel(previous.get(i));
        }
    }

    @Test
    void traceShowsTheProtocolButNeverThePassword() {
        String all = traceOf(server.get().account(ADDRESS));
        assertThat(all).as("the trace is on").contains("CAPABILITY").contains("CAPA");
        Base64.Encoder base64 = Base64.getEncoder();
        assertThat(all).doesNotContain(PASSWORD)
                .doesNotContain(base64.encodeToString(PASSWORD.getBytes(StandardCharsets.UTF_8)))
                .doesNotContain(base64.encodeToString(("\0" + ADDRESS + "\0" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
    }

    /** GreenMail takes the bearer token of XOAUTH2 as the user's password, so the password serves as a token. */
    @Test
    void traceNeverShowsTheAccessToken() {
        String token = PASSWORD;
        String all = traceOf(MailAccount.builder(ADDRESS).accessToken(token).host(server.get().host()).build());
        assertThat(all).as("the trace is on").contains("CAPABILITY").contains("CAPA");
        Base64.Encoder base64 = Base64.getEncoder();
        assertThat(all).doesNotContain(token)
                .doesNotContain(base64.encodeToString(token.getBytes(StandardCharsets.UTF_8)))
                .doesNotContain(base64.encodeToString(("user=" + ADDRESS + "\1auth=Bearer " + token + "\1\1")
                        .getBytes(StandardCharsets.UTF_8)));
    }

    private String traceOf(MailAccount integrated) {
        for (Service service : Service.values()) {
            ProtocolCandidate candidate = ProtocolCandidate.of(service.protocol(), service.security(),
                    server.get().host(), server.get().port(service));
            IntegrationResult result = Integrator.builder().policy(account -> List.of(candidate))
                    .sslContext(server.get().clientSslContext()).build()
                    .integrate(integrated);
            assertThat(result).isIntegrated();
        }
        synchronized (capture) {
            return String.join("\n", trace);
        }
    }
}
