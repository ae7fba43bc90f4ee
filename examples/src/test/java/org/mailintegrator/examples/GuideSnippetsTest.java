package org.mailintegrator.examples;

// snippet:readme-use-it
import jakarta.mail.Store;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.jakarta.JakartaMail;
import org.mailintegrator.strategies.Policies;
// end-snippet
// snippet:discovery-integrate
import org.mailintegrator.discovery.Discovery;
// end-snippet
// snippet:readme-both-directions
import jakarta.mail.Message;
import jakarta.mail.Transport;
import org.mailintegrator.core.IntegrationPair;
// end-snippet

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.mail.MessagingException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.mailintegrator.core.AccessTokenSource;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.PreferencePolicy;
import org.mailintegrator.core.Provenance;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;

/**
 * The snippets of {@code README.md} and {@code docs/}, each between {@code // snippet:name} and
 * {@code // end-snippet}, shown verbatim there ({@link DocumentationTest} checks it). Those that need a real
 * account or provider are compiled only; the others run here. The testkit's snippets are in
 * {@link TestkitReadmeTest}.
 */
class GuideSnippetsTest {
    /** The application's own token store, as the OAuth2 snippet assumes one. */
    interface TokenStore {
        String current(String emailAddress) throws IOException;

        String refresh(String emailAddress) throws IOException;
    }

    /** Compiled, not run: it needs a real account. */
    static void useIt(String password) throws MessagingException {
        // snippet:readme-use-it
        Integrator integrator = Integrator.builder().policy(Policies.blackBerry()).build();
        MailAccount account = MailAccount.builder("alice@example.com").password(password).build();
        IntegrationResult result = integrator.integrate(account);
        System.out.println(result.explain());            // what was selected, why not the others, what to do
        if (result.isIntegrated()) {
            try (Store store = JakartaMail.openStore(integrator, account, result)) {
                // read mail with Jakarta Mail
            }
        }
        // end-snippet
    }

    /** Compiled, not run: it needs a real account. */
    static void bothDirections(String password, Message message) throws MessagingException {
        // snippet:readme-both-directions
        Integrator reading = Integrator.builder().policy(Policies.secure()).build();
        Integrator sending = Integrator.builder().policy(Policies.submission()).build();   // 465, then 587
        MailAccount account = MailAccount.builder("alice@example.com").password(password).build();
        IntegrationPair both = IntegrationPair.integrate(reading, sending, account);   // both at once
        System.out.println(both.explain());
        if (both.isIntegrated()) {
            try (Transport transport = JakartaMail.openTransport(sending, account, both.outgoing())) {
                transport.sendMessage(message, message.getAllRecipients());   // already signed in
            }
        }
        // end-snippet
    }

    /** Compiled, not run: it asks real DNS and autoconfig servers. */
    static IntegrationResult discover(String pw) {
        // snippet:discovery-integrate
        Integrator integrator = Integrator.builder()
                .policy(Policies.blackBerry())             // BlackBerry's order over what was found
                .discovery(Discovery.standard())
                .approveHosts((account, host, provenance) -> askTheUser(host, provenance))   // optional
                .build();
        IntegrationResult result = integrator.integrate(MailAccount.builder("bob@company.com").password(pw).build());
        result.discovered();                                // every server found, with where it came from
        // end-snippet
        return result;
    }

    /**
     * Compiled, not run: it asks real DNS and autoconfig servers. {@code SubmissionDiscoveryTest} (discovery module)
     * runs the same policy and discovery against servers on loopback.
     */
    static IntegrationResult discoverOutgoing(String pw) {
        // snippet:discovery-outgoing
        Integrator sending = Integrator.builder()
                .policy(Policies.submission())             // the caller's SMTP host, what was found, then 465/587
                .discovery(Discovery.standard())
                .build();
        IntegrationResult result = sending.integrate(MailAccount.builder("bob@company.com").password(pw).build());
        result.selected();                                  // e.g. SMTP/IMPLICIT_TLS smtp.company.com:465
        result.attempts().get(0).provenance();              // e.g. SRV _submissions._tcp.company.com
        // end-snippet
        return result;
    }

    private static boolean askTheUser(String host, Provenance provenance) {
        return false;
    }

    /** Compiled, not run here: {@code RememberTest} runs the same call against a real server. */
    static IntegrationResult remember(Integrator integrator, MailAccount account, String saved) {
        // snippet:remember-saved-result
        IntegrationResult result = integrator.integrate(account, IntegrationResult.fromJson(saved));
        // end-snippet
        return result;
    }

    @Test
    void popOnItsOwnHost() {
        String password = "secret";
        // snippet:usage-pop-host
        MailAccount account = MailAccount.builder("alice@example.com").password(password)
                .host(MailProtocol.POP3, "pop.example.com")
                .build();
        // end-snippet

        assertThat(account.host(MailProtocol.POP3)).isEqualTo("pop.example.com");
        assertThat(account.host(MailProtocol.IMAP)).isEqualTo("example.com");
    }

    @Test
    void accessTokens() throws IOException {
        String accessToken = "ya29.first";
        Map<String, String> store = new ConcurrentHashMap<>(Map.of("alice@example.com", "ya29.first"));
        TokenStore tokens = new TokenStore() {
            @Override
            public String current(String emailAddress) {
                return store.get(emailAddress);
            }

            @Override
            public String refresh(String emailAddress) {
                return store.merge(emailAddress, ".refreshed", String::concat);
            }
        };
        // snippet:oauth2-account
        MailAccount account = MailAccount.builder("alice@example.com").accessToken(accessToken).build();

        MailAccount refreshing = MailAccount.builder("alice@example.com")
                .accessTokenSource(new AccessTokenSource() {
                    public String accessToken() throws IOException {
                        return tokens.current("alice@example.com");      // asked once per integration
                    }
                    public String refreshedAccessToken() throws IOException {
                        return tokens.refresh("alice@example.com");      // asked at most once more, after a rejection
                    }
                })
                .build();
        // end-snippet

        assertThat(account.toString()).doesNotContain(accessToken);
        assertThat(refreshing.toString()).doesNotContain(accessToken);
    }

    /** Compiled, not run here: {@code MicrometerListenerTest} runs the listener against a real server. */
    static Integrator withMetrics(MeterRegistry meterRegistry) {
        // snippet:usage-listener
        Integrator integrator = Integrator.builder().policy(Policies.blackBerry())
                .listener(new MicrometerListener(meterRegistry))
                .build();
        // end-snippet
        return integrator;
    }

    @Test
    void aLambdaAndTheOrderedBuilderGiveTheSameChain() {
        // snippet:policies-own
        PreferencePolicy imapOnly = account -> List.of(
                ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS, account.host(MailProtocol.IMAP), 993),
                ProtocolCandidate.of(MailProtocol.IMAP, Security.STARTTLS, account.host(MailProtocol.IMAP), 143));

        PreferencePolicy same = Policies.ordered()
                .then(MailProtocol.IMAP, Security.IMPLICIT_TLS, 993)
                .then(MailProtocol.IMAP, Security.STARTTLS, 143)
                .build();
        // end-snippet

        MailAccount account = MailAccount.builder("alice@example.com").password("pw").host("mail.example.com").build();
        assertThat(same.candidates(account)).isEqualTo(imapOnly.candidates(account));
    }
}
