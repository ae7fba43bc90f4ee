package org.mailintegrator.testkit;

import static org.mailintegrator.core.MailProtocol.IMAP;
import static org.mailintegrator.core.MailProtocol.POP3;
import static org.mailintegrator.core.Security.IMPLICIT_TLS;
import static org.mailintegrator.core.Security.NONE;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.PreferencePolicy;
import org.mailintegrator.core.ProtocolCandidate;

/**
 * Policies, correct and broken, run through {@link PreferencePolicyContract} by {@link PreferencePolicyContractTest}
 * with the JUnit Platform test kit. Surefire does not run these classes itself: this class's name does not match its
 * includes, and nested classes are among its default excludes.
 */
final class PolicyContractSubjects {
    /** IMAP over TLS, then POP over TLS, each on the account's host for its protocol. */
    static final PreferencePolicy CORRECT = account -> List.of(
            ProtocolCandidate.of(IMAP, IMPLICIT_TLS, account.host(IMAP), 993),
            ProtocolCandidate.of(POP3, IMPLICIT_TLS, account.host(POP3), 995));

    private PolicyContractSubjects() {
    }

    static final class CorrectLambda extends PreferencePolicyContract {
        @Override
        protected PreferencePolicy policy() {
            return CORRECT;
        }
    }

    static final class EmptyList extends PreferencePolicyContract {
        @Override
        protected PreferencePolicy policy() {
            return account -> List.of();
        }
    }

    static final class NullElement extends PreferencePolicyContract {
        @Override
        protected PreferencePolicy policy() {
            return account -> Collections.unmodifiableList(Arrays.asList(CORRECT.candidates(account).get(0), null));
        }
    }

    /** A fresh {@link ArrayList} per call: modifiable, though no later call sees a change. */
    static final class MutableList extends PreferencePolicyContract {
        @Override
        protected PreferencePolicy policy() {
            return account -> new ArrayList<>(CORRECT.candidates(account));
        }
    }

    /** Hands out the same modifiable list for an account every time, so a caller's change reaches later calls. */
    static final class SharedMutableList extends PreferencePolicyContract {
        private final Map<MailAccount, List<ProtocolCandidate>> lists = new ConcurrentHashMap<>();

        @Override
        protected PreferencePolicy policy() {
            return account -> lists.computeIfAbsent(account, key -> new ArrayList<>(CORRECT.candidates(key)));
        }
    }

    static final class Duplicate extends PreferencePolicyContract {
        @Override
        protected PreferencePolicy policy() {
            return account -> {
                ProtocolCandidate imaps = ProtocolCandidate.of(IMAP, IMPLICIT_TLS, account.host(IMAP), 993);
                return List.of(imaps, ProtocolCandidate.of(IMAP, NONE, account.host(IMAP), 143), imaps);
            };
        }
    }

    /** Always a provider's host, whatever the account says. */
    static final class ForeignHost extends PreferencePolicyContract {
        static final PreferencePolicy PROVIDER =
                account -> List.of(ProtocolCandidate.of(IMAP, IMPLICIT_TLS, "imap.provider.test", 993));

        @Override
        protected PreferencePolicy policy() {
            return PROVIDER;
        }
    }

    /** The same provider policy, whose author declares that it picks hosts of its own. */
    static final class DeclaredForeignHost extends PreferencePolicyContract {
        @Override
        protected PreferencePolicy policy() {
            return ForeignHost.PROVIDER;
        }

        @Override
        protected boolean candidatesUseTheAccountsHosts() {
            return false;
        }
    }

    /** Uses the account host for every protocol, missing a per-protocol host. */
    static final class IgnoresProtocolHosts extends PreferencePolicyContract {
        @Override
        protected PreferencePolicy policy() {
            return account -> List.of(
                    ProtocolCandidate.of(IMAP, IMPLICIT_TLS, account.host(), 993),
                    ProtocolCandidate.of(POP3, IMPLICIT_TLS, account.host(), 995));
        }
    }

    /** Swaps its two candidates on every call. */
    static final class Alternating extends PreferencePolicyContract {
        @Override
        protected PreferencePolicy policy() {
            AtomicInteger calls = new AtomicInteger();
            return account -> {
                List<ProtocolCandidate> candidates = new ArrayList<>(CORRECT.candidates(account));
                if (calls.getAndIncrement() % 2 == 1) {
                    Collections.reverse(candidates);
                }
                return List.copyOf(candidates);
            };
        }
    }
}
