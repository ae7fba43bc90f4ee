package org.mailintegrator.examples;

import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.PreferencePolicy;
import org.mailintegrator.core.Security;
import org.mailintegrator.strategies.Policies;
import org.mailintegrator.testkit.PreferencePolicyContract;

/**
 * The snippet "A contract for your own policy" of {@code testkit/README.md} (between the snippet markers). A top-level class, not
 * a {@code @Nested} one in {@link TestkitReadmeTest}: Surefire counts the tests of a class that has nested classes
 * under the nested class and reports none for the class itself.
 */
// snippet:testkit-policy-contract
class MyPolicyTest extends PreferencePolicyContract {
    @Override
    protected PreferencePolicy policy() {
        return Policies.ordered()
                .then(MailProtocol.IMAP, Security.IMPLICIT_TLS, 993)
                .then(MailProtocol.IMAP, Security.STARTTLS, 143)
                .build();
    }
}
// end-snippet
