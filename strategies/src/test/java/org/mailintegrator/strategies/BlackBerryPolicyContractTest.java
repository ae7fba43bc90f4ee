package org.mailintegrator.strategies;

import org.mailintegrator.core.PreferencePolicy;
import org.mailintegrator.testkit.PreferencePolicyContract;

class BlackBerryPolicyContractTest extends PreferencePolicyContract {
    @Override
    protected PreferencePolicy policy() {
        return Policies.blackBerry();
    }
}
