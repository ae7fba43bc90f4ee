package org.mailintegrator.strategies;

import org.mailintegrator.core.PreferencePolicy;
import org.mailintegrator.testkit.PreferencePolicyContract;

class PopOnlyPolicyContractTest extends PreferencePolicyContract {
    @Override
    protected PreferencePolicy policy() {
        return Policies.popOnly();
    }
}
