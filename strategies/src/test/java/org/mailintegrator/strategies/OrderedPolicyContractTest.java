package org.mailintegrator.strategies;

import static org.mailintegrator.core.MailProtocol.IMAP;
import static org.mailintegrator.core.MailProtocol.POP3;
import static org.mailintegrator.core.Security.IMPLICIT_TLS;
import static org.mailintegrator.core.Security.STARTTLS;

import org.mailintegrator.core.PreferencePolicy;
import org.mailintegrator.testkit.PreferencePolicyContract;

/** An ordered policy of one's own, with STARTTLS steps and a non-standard port, keeps the contract too. */
class OrderedPolicyContractTest extends PreferencePolicyContract {
    @Override
    protected PreferencePolicy policy() {
        return Policies.ordered()
                .then(IMAP, IMPLICIT_TLS, 993)
                .then(IMAP, STARTTLS, 143)
                .then(POP3, STARTTLS, 110)
                .then(POP3, IMPLICIT_TLS, 1995)
                .build();
    }
}
