package org.mailintegrator.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.PreferencePolicy;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;
import org.mailintegrator.strategies.Policies;
import org.mailintegrator.testkit.MailServerFixture;
import org.mailintegrator.testkit.ReceivedCommand;
import org.mailintegrator.testkit.Service;
import org.mailintegrator.testkit.StartTls;

/**
 * A saved result is a hint inside the current policy, never a way around it: every shipped policy's result, saved
 * and reused under every shipped policy, in every situation of KB14351, selects what a fresh integration under the
 * current policy selects, and sends credentials only through candidates the current policy lists.
 */
@Timeout(value = 60, threadMode = ThreadMode.SEPARATE_THREAD)
class SavedResultPolicyTest {
    private static final String ADDRESS = "alice@example.com";
    private static final String PASSWORD = "s3cret-Matrix";

    private static final Map<String, PreferencePolicy> POLICIES = Map.of(
            "blackBerry", Policies.blackBerry(),
            "secure", Policies.secure(),
            "popOnly", Policies.popOnly(),
            "discovered", Policies.discovered());

    /** What is up on the server, as an administrator leaves it. */
    enum Situation {
        ALL_UP,
        /** No TLS anywhere: 993 and 995 stopped, 143 and 110 without STARTTLS. */
        NO_TLS,
        /** IMAP stopped: only POP answers. */
        IMAP_STOPPED;

        MailServerFixture start() {
            MailServerFixture.Builder builder = MailServerFixture.builder().user(ADDRESS, PASSWORD);
            return switch (this) {
                case ALL_UP -> builder.start();
                case NO_TLS -> builder.stopped(Service.IMAPS, Service.POP3S).startTls(StartTls.NOT_OFFERED).start();
                case IMAP_STOPPED -> builder.stopped(Service.IMAPS, Service.IMAP).start();
            };
        }
    }

    static Stream<Arguments> matrix() {
        List<Arguments> cases = new ArrayList<>();
        for (String saved : POLICIES.keySet().stream().sorted().toList()) {
            for (String now : POLICIES.keySet().stream().sorted().toList()) {
                for (Situation situation : Situation.values()) {
                    cases.add(Arguments.of(saved, now, situation));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "saved under {0}, reused under {1}, {2}")
    @MethodSource("matrix")
    void aSavedResultNeverSendsACredentialTheCurrentPolicyWouldNot(String savedUnder, String now,
            Situation situation) {
        try (MailServerFixture server = situation.start()) {
            MailAccount account = server.account(ADDRESS);
            IntegrationResult saved = integrator(server, POLICIES.get(savedUnder)).integrate(account);
            Integrator current = integrator(server, POLICIES.get(now));
            List<ProtocolCandidate> chain = server.route(POLICIES.get(now)).candidates(account);

            int before = server.received().size();
            IntegrationResult reused = current.integrate(account, IntegrationResult.fromJson(saved.toJson()));
            List<ReceivedCommand> sent = server.received().subList(before, server.received().size());
            IntegrationResult fresh = current.integrate(account);

            assertThat(reused.selected()).as("what a fresh integration under %s selects", now)
                    .isEqualTo(fresh.selected());
            assertThat(credentialChannels(sent)).as("where credentials went")
                    .isSubsetOf(channels(chain));
            if (chain.stream().noneMatch(candidate -> candidate.security() == Security.NONE)) {
                assertThat(sent).as("nothing in cleartext under %s", now)
                        .noneMatch(command -> isCredential(command) && !command.overTls());
            }
        }
    }

    /** The first finding: BlackBerry's cleartext IMAP, saved, then reused under secure(). */
    @Test
    void aCleartextSelectionIsNotReusedUnderASecurePolicy() {
        try (MailServerFixture server = Situation.NO_TLS.start()) {
            MailAccount account = server.account(ADDRESS);
            IntegrationResult saved = integrator(server, Policies.blackBerry()).integrate(account);
            assertThat(saved.selected()).map(ProtocolCandidate::security).contains(Security.NONE);
            int cleartextBefore = countCleartext(server);

            IntegrationResult reused = integrator(server, Policies.secure())
                    .integrate(account, IntegrationResult.fromJson(saved.toJson()));

            assertThat(reused.isIntegrated()).isFalse();
            assertThat(countCleartext(server)).as("no credential in cleartext under secure()")
                    .isEqualTo(cleartextBefore);
        }
    }

    /** A POP-only result under BlackBerry's order: IMAP over TLS, which is up, is tried and wins. */
    @Test
    void aResultSavedUnderAnotherChainIsNotReused() {
        try (MailServerFixture server = Situation.ALL_UP.start()) {
            MailAccount account = server.account(ADDRESS);
            IntegrationResult popOnly = integrator(server, Policies.popOnly()).integrate(account);
            assertThat(popOnly.selected()).map(ProtocolCandidate::protocol).contains(MailProtocol.POP3);

            IntegrationResult now = integrator(server, Policies.blackBerry()).integrate(account, popOnly);

            assertThat(now.selected()).map(ProtocolCandidate::protocol).contains(MailProtocol.IMAP);
            assertThat(now.chain()).hasSize(4);
        }
    }

    /** A remembered IMAP over TLS is not used by an integrator whose policy lists POP only. */
    @Test
    void aCandidateTheCurrentPolicyDoesNotListIsNeverContacted() {
        try (MailServerFixture server = Situation.ALL_UP.start()) {
            MailAccount account = server.account(ADDRESS);
            IntegrationResult imaps = integrator(server, Policies.blackBerry()).integrate(account);
            int imapsBefore = server.received(Service.IMAPS).size();

            IntegrationResult now = integrator(server, Policies.popOnly()).integrate(account, imaps);

            assertThat(now.selected()).map(ProtocolCandidate::protocol).contains(MailProtocol.POP3);
            assertThat(server.received(Service.IMAPS)).hasSize(imapsBefore);
        }
    }

    /** Under the same chain, the remembered candidate alone is tried: one login, and the result can be reused again. */
    @Test
    void underTheSameChainTheRememberedCandidateIsTriedAlone() {
        try (MailServerFixture server = Situation.IMAP_STOPPED.start()) {
            MailAccount account = server.account(ADDRESS);
            Integrator integrator = integrator(server, Policies.blackBerry());
            IntegrationResult first = integrator.integrate(account);
            int before = server.received().size();

            IntegrationResult again = integrator.integrate(account, IntegrationResult.fromJson(first.toJson()));
            IntegrationResult third = integrator.integrate(account, IntegrationResult.fromJson(again.toJson()));

            assertThat(again.attempts()).hasSize(1);
            assertThat(again.chain()).isEqualTo(first.chain());
            assertThat(third.attempts()).hasSize(1);
            assertThat(third.selected()).isEqualTo(first.selected());
            assertThat(credentialChannels(server.received().subList(before, server.received().size())))
                    .containsOnly(Service.POP3S + "/tls");
        }
    }

    private static Integrator integrator(MailServerFixture server, PreferencePolicy policy) {
        return Integrator.builder().policy(server.route(policy)).sslContext(server.clientSslContext())
                .connectTimeout(Duration.ofSeconds(2)).readTimeout(Duration.ofSeconds(2))
                .build();
    }

    private static int countCleartext(MailServerFixture server) {
        return (int) server.received().stream().filter(c -> isCredential(c) && !c.overTls()).count();
    }

    private static boolean isCredential(ReceivedCommand command) {
        return command.line().toUpperCase(Locale.ROOT).matches("(\\S+ LOGIN|PASS|\\S+ AUTHENTICATE|AUTH) .*");
    }

    private static Set<String> credentialChannels(List<ReceivedCommand> commands) {
        return commands.stream().filter(SavedResultPolicyTest::isCredential)
                .map(command -> command.service() + (command.overTls() ? "/tls" : "/clear"))
                .collect(Collectors.toSet());
    }

    /** The (service, TLS or not) a credential of each candidate travels on. */
    private static Set<String> channels(List<ProtocolCandidate> chain) {
        return chain.stream().map(candidate -> {
            boolean imap = candidate.protocol() == MailProtocol.IMAP;
            return switch (candidate.security()) {
                case IMPLICIT_TLS -> (imap ? Service.IMAPS : Service.POP3S) + "/tls";
                case STARTTLS -> (imap ? Service.IMAP : Service.POP3) + "/tls";
                case NONE -> (imap ? Service.IMAP : Service.POP3) + "/clear";
            };
        }).collect(Collectors.toSet());
    }
}
