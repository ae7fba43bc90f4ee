package org.mailintegrator.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.DiscoveredHosts;
import org.mailintegrator.core.Endpoint;
import org.mailintegrator.core.Explanation;
import org.mailintegrator.core.IntegrationListener;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.PreferencePolicy;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Provenance;
import org.mailintegrator.core.Security;
import org.mailintegrator.core.UpgradeCheck;
import org.mailintegrator.core.spi.HostResolver;

/**
 * One call runs a use case end to end: which candidates each entry point races, in which order, how often the
 * token source is asked, and what the listener hears. The seam is the resolver: it records each host looked up, in
 * order, and knows none of them, so every attempt ends {@link Outcome#UNKNOWN_HOST} without a socket.
 */
class IntegrationCallTest {
    private static final ProtocolCandidate A = candidate("a.example", Security.IMPLICIT_TLS);
    private static final ProtocolCandidate B = candidate("b.example", Security.IMPLICIT_TLS);
    private static final ProtocolCandidate C = candidate("c.example", Security.NONE);
    private static final PreferencePolicy CHAIN = account -> List.of(A, B, C);

    private final MailAccount account = MailAccount.builder("dave@example.com").password("pw").build();
    private final List<String> lookedUp = Collections.synchronizedList(new ArrayList<>());
    private final HostResolver resolver = host -> {
        lookedUp.add(host);
        throw new UnknownHostException(host);
    };
    private final List<String> heard = Collections.synchronizedList(new ArrayList<>());
    private final IntegrationListener listener = new IntegrationListener() {
        @Override
        public void discoveryEnd(Integration integration, DiscoveredHosts discovered) {
            heard.add("discoveryEnd " + discovered.endpoints().stream().map(Endpoint::candidate).toList());
        }

        @Override
        public void integrationStart(Integration integration, List<ProtocolCandidate> candidates) {
            heard.add("integrationStart " + candidates);
        }

        @Override
        public void attemptEnd(Integration integration, Attempt attempt) {
            heard.add("attemptEnd " + attempt.candidate().host() + " " + attempt.outcome());
        }

        @Override
        public void integrationEnd(Integration integration, IntegrationResult result) {
            heard.add("integrationEnd " + result.attempts().size());
        }
    };
    private final AtomicInteger tokensAsked = new AtomicInteger();

    @Test
    void executeRacesThePolicysWholeChainInPreferenceOrder() {
        IntegrationResult result = call(CHAIN, account).execute();

        assertThat(lookedUp).containsExactly("a.example", "b.example", "c.example");
        assertThat(result.attempts()).extracting(Attempt::outcome).containsOnly(Outcome.UNKNOWN_HOST);
        assertThat(heard).startsWith("integrationStart " + List.of(A, B, C)).endsWith("integrationEnd 3");
    }

    @Test
    void thePolicySeesWhatDiscoveryFoundAndTheResultRecordsIt() {
        Provenance srv = Provenance.of(Provenance.Kind.SRV, "_imaps._tcp.example.com", true);
        DiscoveredHosts found = DiscoveredHosts.builder("example.com").add(Endpoint.of(B, srv)).build();
        PreferencePolicy fromDiscovery = new PreferencePolicy() {
            @Override
            public List<ProtocolCandidate> candidates(MailAccount account) {
                return List.of(A); // without discovery: what tells the integrator that IMAP is needed
            }

            @Override
            public List<ProtocolCandidate> candidates(MailAccount account, DiscoveredHosts discovered) {
                return discovered.endpoints().stream().map(Endpoint::candidate).toList();
            }
        };

        IntegrationResult result = new IntegrationCall(engine(fromDiscovery, settings -> settings
                .discovery((a, context) -> found)), account).execute();

        assertThat(heard).startsWith("discoveryEnd " + List.of(B), "integrationStart " + List.of(B));
        assertThat(result.discovered()).contains(found);
        assertThat(result.attempts().get(0).provenance()).contains(srv);
    }

    @Test
    void aRememberedCandidateIsTriedAloneFirstAndTheWholeChainWhenItNoLongerWorks() {
        MailAccount withSource = tokenSourceAccount("token");

        IntegrationResult result = call(CHAIN, withSource).reuse(selected(withSource, B, A, B, C));

        assertThat(lookedUp).containsExactly("b.example", "a.example", "b.example", "c.example");
        assertThat(heard).filteredOn(event -> event.startsWith("integrationStart"))
                .containsExactly("integrationStart " + List.of(B), "integrationStart " + List.of(A, B, C));
        assertThat(tokensAsked).as("the token is asked for once per call").hasValue(1);
        assertThat(result.attempts()).hasSize(3);
    }

    @Test
    void aRememberedCandidateIsNotTriedAloneUnderAnotherChainOrBelowTheMinimumSecurity() {
        call(CHAIN, account).reuse(selected(account, B, B, A, C));
        assertThat(lookedUp).as("another chain").containsExactly("a.example", "b.example", "c.example");

        lookedUp.clear();
        IntegrationResult result = new IntegrationCall(engine(CHAIN, settings -> settings
                .minimumSecurity(Security.STARTTLS)), account).reuse(selected(account, C, A, B, C));

        assertThat(lookedUp).as("below the minimum").containsExactly("a.example", "b.example");
        assertThat(result.attempts()).extracting(Attempt::outcome)
                .containsExactly(Outcome.UNKNOWN_HOST, Outcome.UNKNOWN_HOST, Outcome.SKIPPED);
    }

    @Test
    void anUpgradeCheckTriesOnlyWhatIsMorePreferredThanTheRememberedCandidate() {
        MailAccount withSource = tokenSourceAccount("token");

        UpgradeCheck check = call(CHAIN, withSource).checkUpgrade(selected(withSource, C, A, B, C));
        assertThat(lookedUp).containsExactly("a.example", "b.example");
        assertThat(check.tried().attempts()).extracting(Attempt::candidate).containsExactly(A, B);
        assertThat(check.isUpgrade()).isFalse();

        lookedUp.clear();
        call(account -> List.of(A, B), withSource).checkUpgrade(selected(withSource, C, A, B, C));
        assertThat(lookedUp).as("no longer listed: every other candidate").containsExactly("a.example", "b.example");

        lookedUp.clear();
        heard.clear();
        tokensAsked.set(0);
        UpgradeCheck best = call(CHAIN, withSource).checkUpgrade(selected(withSource, A, A, B, C));
        assertThat(best.tried().attempts()).isEmpty();
        assertThat(lookedUp).isEmpty();
        assertThat(heard).as("nothing to try: no integration").isEmpty();
        assertThat(tokensAsked).as("nothing to try: no token").hasValue(0);
    }

    @Test
    void withoutATokenTheRaceSkipsEveryCandidateOfTheChainAndSaysWhy() {
        MailAccount withoutToken = tokenSourceAccount(null);

        IntegrationResult result = call(CHAIN, withoutToken).execute();
        assertThat(result.attempts()).extracting(Attempt::outcome).containsOnly(Outcome.SKIPPED);
        assertThat(result.attempts()).allSatisfy(attempt -> assertThat(attempt.explainedAs())
                .contains(Explanation.Cause.NO_ACCESS_TOKEN));
        assertThat(heard).containsExactly("integrationStart " + List.of(A, B, C), "attemptEnd a.example SKIPPED",
                "attemptEnd b.example SKIPPED", "attemptEnd c.example SKIPPED", "integrationEnd 3");

        heard.clear();
        call(CHAIN, withoutToken).reuse(selected(withoutToken, B, A, B, C));
        assertThat(heard).as("a reuse without a token is one integration, not two")
                .filteredOn(event -> event.startsWith("integrationStart")).hasSize(1);

        UpgradeCheck check = call(CHAIN, withoutToken).checkUpgrade(selected(withoutToken, C, A, B, C));
        assertThat(check.tried().attempts()).extracting(Attempt::candidate).containsExactly(A, B, C);
        assertThat(lookedUp).isEmpty();
        assertThat(tokensAsked).hasValue(3);
    }

    @Test
    void thePolicysAnswerIsCheckedBeforeTheTokenSourceIsAskedOrAnythingIsHeard() throws InterruptedException {
        MailAccount withSource = tokenSourceAccount("token");
        PreferencePolicy twice = account -> List.of(A, A);

        assertThatThrownBy(() -> call(twice, withSource).execute()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("twice");
        CompletableFuture<IntegrationResult> async = call(twice, withSource).enqueue();
        assertThatThrownBy(async::get).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IllegalArgumentException.class);
        CompletableFuture<IntegrationResult> fast = call(twice, account).enqueue();
        assertThatThrownBy(fast::get).as("no discovery, no token source: checked on the caller's thread")
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IllegalArgumentException.class);

        assertThat(tokensAsked).hasValue(0);
        assertThat(heard).isEmpty();
        assertThat(lookedUp).isEmpty();
    }

    @Test
    void enqueueCompletesTheFutureWithTheResultOfTheSameRace() {
        IntegrationResult result = call(CHAIN, tokenSourceAccount("token")).enqueue().join();

        assertThat(lookedUp).containsExactly("a.example", "b.example", "c.example");
        assertThat(result.attempts()).extracting(Attempt::outcome).containsOnly(Outcome.UNKNOWN_HOST);
        assertThat(heard).endsWith("integrationEnd 3");
    }

    @Test
    void discoveryLooksForTheProtocolsThePolicyListsWhoseHostTheCallerDidNotGive() {
        ProtocolCandidate smtp = ProtocolCandidate.of(MailProtocol.SMTP, Security.IMPLICIT_TLS, "smtp.example.com",
                465);
        PreferencePolicy submission = account -> List.of(ProtocolCandidate.of(MailProtocol.SMTP,
                Security.IMPLICIT_TLS, account.host(MailProtocol.SMTP), 465));
        List<Set<MailProtocol>> asked = Collections.synchronizedList(new ArrayList<>());
        UnaryOperator<IntegratorSettings.Builder> discovery = settings -> settings.discovery((a, context) -> {
            asked.add(context.protocols());
            return DiscoveredHosts.builder("example.com").add(Endpoint.of(smtp,
                    Provenance.of(Provenance.Kind.SRV, "_submissions._tcp.example.com", false))).build();
        });
        MailAccount incomingHostsOnly = MailAccount.builder("dave@example.com").password("pw")
                .host(MailProtocol.IMAP, "imap.example.com").host(MailProtocol.POP3, "pop.example.com").build();
        MailAccount smtpHostGiven = MailAccount.builder("dave@example.com").password("pw")
                .host(MailProtocol.SMTP, "mail.example.com").build();

        IntegrationResult found = new IntegrationCall(engine(submission, discovery), incomingHostsOnly).execute();
        IntegrationResult given = new IntegrationCall(engine(submission, discovery), smtpHostGiven).execute();
        IntegrationResult incoming = new IntegrationCall(engine(CHAIN, discovery), incomingHostsOnly).execute();

        assertThat(asked).as("only the submission integration without an SMTP host discovers")
                .containsExactly(Set.of(MailProtocol.SMTP));
        assertThat(found.attempts().get(0).candidate()).isEqualTo(smtp);
        assertThat(given.discovered()).isEmpty();
        assertThat(given.attempts().get(0).candidate().host()).isEqualTo("mail.example.com");
        assertThat(incoming.discovered()).isEmpty();
    }

    private IntegrationCall call(PreferencePolicy policy, MailAccount account) {
        return new IntegrationCall(engine(policy, settings -> settings), account);
    }

    private Engine engine(PreferencePolicy policy, UnaryOperator<IntegratorSettings.Builder> more) {
        return new Engine(more.apply(new IntegratorSettings.Builder().policy(policy).resolver(resolver)
                .listener(listener).stagger(Duration.ofSeconds(30))).build());
    }

    private MailAccount tokenSourceAccount(@Nullable String token) {
        return MailAccount.builder("dave@example.com").accessTokenSource(() -> {
            tokensAsked.incrementAndGet();
            return token;
        }).build();
    }

    /** A saved result that selected {@code selected} under {@code chain}; the candidates before it failed. */
    private static IntegrationResult selected(MailAccount account, ProtocolCandidate selected,
            ProtocolCandidate... chain) {
        List<Attempt> attempts = new ArrayList<>();
        boolean after = false;
        for (ProtocolCandidate candidate : chain) {
            Outcome outcome = candidate.equals(selected) ? Outcome.AUTHENTICATED
                    : after ? Outcome.NOT_TRIED : Outcome.AUTH_FAILED;
            after |= candidate.equals(selected);
            attempts.add(Attempt.of(candidate, outcome, Duration.ZERO, "as saved"));
        }
        return IntegrationResult.of(account.emailAddress(), attempts, Duration.ofSeconds(1));
    }

    private static ProtocolCandidate candidate(String host, Security security) {
        return ProtocolCandidate.of(MailProtocol.IMAP, security, host, security == Security.NONE ? 143 : 993);
    }
}
