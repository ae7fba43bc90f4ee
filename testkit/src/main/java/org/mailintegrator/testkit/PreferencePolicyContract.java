package org.mailintegrator.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.PreferencePolicy;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;

/**
 * The rules every {@link PreferencePolicy} must keep, as a JUnit 5 test class to extend. Give it your policy and
 * it checks, for each of {@link #accounts()}, that the policy:
 * <ol>
 *   <li>returns a list that is not null and not empty;</li>
 *   <li>holds no null element, and only ports from 1 to 65535;</li>
 *   <li>gives equal lists on repeated calls, and from several threads at once;</li>
 *   <li>lists no candidate twice;</li>
 *   <li>puts each candidate on the account's host for its protocol, {@code account.host(candidate.protocol())},
 *       also when the account names its own host per protocol (the "advanced integration");</li>
 *   <li>returns a list that cannot be modified, and that an attempt to modify does not affect a later call.</li>
 * </ol>
 *
 * <pre>{@code
 * class MyPolicyTest extends PreferencePolicyContract {
 *     @Override
 *     protected PreferencePolicy policy() {
 *         return new MyPolicy();
 *     }
 * }
 * }</pre>
 *
 * <p>A lambda policy is tested the same way ({@code return account -> List.of(...);}). Override {@link #accounts()}
 * when your policy expects particular accounts, and {@link #candidatesUseTheAccountsHosts()} when it legitimately
 * chooses hosts of its own. Add your own tests to the subclass as usual; the contract's tests are package-private,
 * so a subclass elsewhere cannot silence one by overriding it.
 *
 * <p>Like any JUnit test class, not thread-safe: an instance serves one test. The concurrency test calls the policy
 * from threads of its own, started together and joined before it judges.
 */
public abstract class PreferencePolicyContract {
    private static final int THREADS = 4;
    private static final int CALLS_PER_THREAD = 25;
    private static final ProtocolCandidate EXTRA =
            ProtocolCandidate.of(MailProtocol.IMAP, Security.NONE, "extra.contract.test", 143);

    /** The policy under test. Called once per test. */
    protected abstract PreferencePolicy policy();

    /**
     * The accounts to ask the policy about. By default: a plain account, one with a POP3 host of its own (the
     * "advanced integration"), and one with its own user name and account host. The host rule is also checked on
     * a copy of each account with a distinct host per protocol, whatever this returns.
     */
    protected List<MailAccount> accounts() {
        return List.of(
                MailAccount.builder("alice@example.test").password("contract-password").build(),
                MailAccount.builder("bob@example.test").password("contract-password")
                        .host(MailProtocol.POP3, "pop.example.test").build(),
                MailAccount.builder("carol@example.test").password("contract-password")
                        .username("carol").host("mail.example.net").build());
    }

    /**
     * Whether every candidate is on {@code account.host(candidate.protocol())}; {@code true} by default. Return
     * {@code false} from a policy that legitimately picks other hosts (say, from a provider directory): the host
     * test is then skipped, as an aborted test.
     */
    protected boolean candidatesUseTheAccountsHosts() {
        return true;
    }

    @Test
    void returnsANonEmptyList() {
        PreferencePolicy policy = policyUnderTest();
        for (MailAccount account : accounts()) {
            assertThat(policy.candidates(account)).as("candidates for %s", account).isNotNull().isNotEmpty();
        }
    }

    @Test
    void returnsNoNullCandidateAndOnlyValidPorts() {
        PreferencePolicy policy = policyUnderTest();
        for (MailAccount account : accounts()) {
            List<ProtocolCandidate> candidates = policy.candidates(account);
            assertThat(candidates).as("candidates for %s", account).doesNotContainNull();
            assertThat(candidates).as("candidates for %s with a port outside 1..65535", account)
                    .filteredOn(candidate -> candidate.port() < 1 || candidate.port() > 65_535)
                    .isEmpty();
        }
    }

    @Test
    void returnsEqualListsOnRepeatedCalls() {
        PreferencePolicy policy = policyUnderTest();
        for (MailAccount account : accounts()) {
            List<ProtocolCandidate> first = policy.candidates(account);
            for (int call = 2; call <= 3; call++) {
                assertThat(policy.candidates(account)).as("call %d for %s", call, account).isEqualTo(first);
            }
        }
    }

    @Test
    void returnsEqualListsFromSeveralThreadsAtOnce() throws Exception {
        PreferencePolicy policy = policyUnderTest();
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        try {
            for (MailAccount account : accounts()) {
                List<ProtocolCandidate> expected = policy.candidates(account);
                CountDownLatch allStarted = new CountDownLatch(THREADS);
                List<CompletableFuture<List<List<ProtocolCandidate>>>> calls = new ArrayList<>();
                for (int i = 0; i < THREADS; i++) {
                    calls.add(CompletableFuture.supplyAsync(() -> callTogether(policy, account, allStarted), threads));
                }
                List<List<ProtocolCandidate>> results = new ArrayList<>();
                for (CompletableFuture<List<List<ProtocolCandidate>>> call : calls) {
                    results.addAll(call.get(30, TimeUnit.SECONDS));
                }
                List<List<ProtocolCandidate>> unlike = results.stream()
                        .filter(candidates -> !Objects.equals(candidates, expected))
                        .distinct()
                        .toList();
                assertThat(unlike).as("lists unlike %s among %d concurrent calls for %s", expected, results.size(),
                        account).isEmpty();
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void listsNoCandidateTwice() {
        PreferencePolicy policy = policyUnderTest();
        for (MailAccount account : accounts()) {
            assertThat(policy.candidates(account)).as("candidates for %s", account).doesNotHaveDuplicates();
        }
    }

    @Test
    void putsEachCandidateOnTheAccountsHostForItsProtocol() {
        Assumptions.assumeTrue(candidatesUseTheAccountsHosts(),
                "the policy declares that it chooses hosts of its own");
        PreferencePolicy policy = policyUnderTest();
        List<MailAccount> accounts = accounts();
        List<MailAccount> asked = new ArrayList<>(accounts);
        accounts.forEach(account -> asked.add(withOwnHostPerProtocol(account)));
        for (MailAccount account : asked) {
            List<String> misplaced = new ArrayList<>();
            for (ProtocolCandidate candidate : policy.candidates(account)) {
                if (candidate != null && !candidate.host().equals(account.host(candidate.protocol()))) {
                    misplaced.add(candidate + " (expected host " + account.host(candidate.protocol()) + ")");
                }
            }
            assertThat(misplaced).as("candidates for %s off account.host(protocol); a policy that chooses hosts of "
                    + "its own (a provider's server names) says so by overriding candidatesUseTheAccountsHosts() to "
                    + "return false", account).isEmpty();
        }
    }

    @Test
    void returnsAListThatCannotBeModified() {
        PreferencePolicy policy = policyUnderTest();
        for (MailAccount account : accounts()) {
            List<ProtocolCandidate> candidates = policy.candidates(account);
            assertRefused("add", account, () -> candidates.add(EXTRA));
            assertRefused("remove", account, () -> candidates.remove(0));
            assertRefused("set", account, () -> candidates.set(0, EXTRA));
            assertRefused("clear", account, candidates::clear);
        }
    }

    @Test
    void isNotAffectedByAnAttemptToModifyAnEarlierList() {
        PreferencePolicy policy = policyUnderTest();
        for (MailAccount account : accounts()) {
            List<ProtocolCandidate> earlier = policy.candidates(account);
            List<ProtocolCandidate> before = new ArrayList<>(earlier);
            tryTo(() -> earlier.add(EXTRA));
            tryTo(() -> earlier.set(0, EXTRA));
            tryTo(() -> earlier.remove(0));
            tryTo(earlier::clear);

            assertThat(policy.candidates(account)).as("candidates for %s after modifying an earlier list", account)
                    .isEqualTo(before);
        }
    }

    private PreferencePolicy policyUnderTest() {
        return Objects.requireNonNull(policy(), "policy() returned null");
    }

    private static MailAccount withOwnHostPerProtocol(MailAccount account) {
        MailAccount.Builder builder = account.toBuilder();
        for (MailProtocol protocol : MailProtocol.values()) {
            builder.host(protocol, protocol.name().toLowerCase(Locale.ROOT) + ".own-host.test");
        }
        return builder.build();
    }

    private static List<List<ProtocolCandidate>> callTogether(
            PreferencePolicy policy, MailAccount account, CountDownLatch allStarted) {
        allStarted.countDown();
        try {
            if (!allStarted.await(30, TimeUnit.SECONDS)) {
                fail("the other threads did not start");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the other threads", e);
        }
        List<List<ProtocolCandidate>> results = new ArrayList<>();
        for (int i = 0; i < CALLS_PER_THREAD; i++) {
            results.add(policy.candidates(account));
        }
        return results;
    }

    private static void assertRefused(String modification, MailAccount account, ThrowingCallable call) {
        assertThatExceptionOfType(UnsupportedOperationException.class)
                .as("%s on the candidates for %s", modification, account)
                .isThrownBy(call);
    }

    /** Runs a modification, ignoring the refusal or failure this test does not judge. */
    private static void tryTo(Runnable modification) {
        try {
            modification.run();
        } catch (RuntimeException ignored) {
            // returnsAListThatCannotBeModified judges the refusal; this test judges the effect
        }
    }
}
