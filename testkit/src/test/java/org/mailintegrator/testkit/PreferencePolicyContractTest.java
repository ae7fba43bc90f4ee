package org.mailintegrator.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/**
 * Runs {@link PreferencePolicyContract} against the policies of {@link PolicyContractSubjects}: the correct one passes
 * every contract test, and each broken one fails the test for the rule it breaks, and only that.
 */
class PreferencePolicyContractTest {
    private static final long CONTRACT_TESTS = Arrays.stream(PreferencePolicyContract.class.getDeclaredMethods())
            .filter(method -> method.isAnnotationPresent(Test.class))
            .count();

    @Test
    void aCorrectLambdaPolicyPassesEveryContractTest() {
        Events tests = run(PolicyContractSubjects.CorrectLambda.class);

        assertThat(CONTRACT_TESTS).isEqualTo(8);
        tests.assertStatistics(stats -> stats.started(CONTRACT_TESTS).succeeded(CONTRACT_TESTS).failed(0).aborted(0));
    }

    @Test
    void anEmptyListFailsTheNonEmptyTest() {
        assertFailsOnly(PolicyContractSubjects.EmptyList.class, "returnsANonEmptyList");
    }

    @Test
    void aNullElementFailsTheNullTest() {
        assertFailsOnly(PolicyContractSubjects.NullElement.class, "returnsNoNullCandidateAndOnlyValidPorts");
    }

    @Test
    void aFreshMutableListFailsTheUnmodifiableTest() {
        Events tests = assertFailsOnly(PolicyContractSubjects.MutableList.class, "returnsAListThatCannotBeModified");

        assertThat(failure(tests, "returnsAListThatCannotBeModified"))
                .hasMessageContaining("add on the candidates for MailAccount{emailAddress=alice@example.test");
    }

    @Test
    void aSharedMutableListAlsoFailsTheLaterCallTest() {
        assertFailsOnly(PolicyContractSubjects.SharedMutableList.class,
                "returnsAListThatCannotBeModified", "isNotAffectedByAnAttemptToModifyAnEarlierList");
    }

    @Test
    void aDuplicateFailsTheDuplicateTestNamingTheCandidate() {
        Events tests = assertFailsOnly(PolicyContractSubjects.Duplicate.class, "listsNoCandidateTwice");

        assertThat(failure(tests, "listsNoCandidateTwice"))
                .hasMessageContaining("Found duplicate(s)")
                .hasMessageContaining("IMAP/IMPLICIT_TLS example.test:993");
    }

    @Test
    void aForeignHostFailsTheHostTest() {
        Events tests = assertFailsOnly(PolicyContractSubjects.ForeignHost.class,
                "putsEachCandidateOnTheAccountsHostForItsProtocol");

        assertThat(failure(tests, "putsEachCandidateOnTheAccountsHostForItsProtocol"))
                .hasMessageContaining("imap.provider.test").hasMessageContaining("example.test");
    }

    @Test
    void aForeignHostDeclaredThroughTheHookSkipsOnlyTheHostTest() {
        Events tests = run(PolicyContractSubjects.DeclaredForeignHost.class);

        tests.assertStatistics(stats -> stats.succeeded(CONTRACT_TESTS - 1).failed(0).aborted(1));
        assertThat(methodNames(tests.aborted())).containsExactly("putsEachCandidateOnTheAccountsHostForItsProtocol");
    }

    @Test
    void ignoringAPerProtocolHostFailsTheHostTest() {
        Events tests = assertFailsOnly(PolicyContractSubjects.IgnoresProtocolHosts.class,
                "putsEachCandidateOnTheAccountsHostForItsProtocol");

        assertThat(failure(tests, "putsEachCandidateOnTheAccountsHostForItsProtocol"))
                .hasMessageContaining("pop.example.test")
                .hasMessageContaining("overriding candidatesUseTheAccountsHosts() to return false");
    }

    /** The later-call test compares with an earlier call, so a policy that changes its mind fails it too. */
    @Test
    void anAlternatingOrderFailsTheDeterminismTests() {
        assertFailsOnly(PolicyContractSubjects.Alternating.class,
                "returnsEqualListsOnRepeatedCalls", "returnsEqualListsFromSeveralThreadsAtOnce",
                "isNotAffectedByAnAttemptToModifyAnEarlierList");
    }

    private static Events assertFailsOnly(Class<? extends PreferencePolicyContract> subject, String... failing) {
        Events tests = run(subject);

        assertThat(methodNames(tests.failed())).as("failed contract tests").containsExactlyInAnyOrder(failing);
        tests.assertStatistics(stats -> stats.started(CONTRACT_TESTS).failed(failing.length)
                .succeeded(CONTRACT_TESTS - failing.length).aborted(0));
        return tests;
    }

    private static Events run(Class<? extends PreferencePolicyContract> subject) {
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(subject))
                .execute();
        results.containerEvents().assertStatistics(stats -> stats.failed(0));
        return results.testEvents();
    }

    private static List<String> methodNames(Events events) {
        return events.stream().map(PreferencePolicyContractTest::methodName).toList();
    }

    private static String methodName(Event event) {
        return event.getTestDescriptor().getSource()
                .map(source -> ((MethodSource) source).getMethodName())
                .orElseThrow();
    }

    private static Throwable failure(Events tests, String methodName) {
        return tests.failed().stream()
                .filter(event -> methodName(event).equals(methodName))
                .map(event -> event.getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow())
                .findFirst()
                .orElseThrow();
    }
}
