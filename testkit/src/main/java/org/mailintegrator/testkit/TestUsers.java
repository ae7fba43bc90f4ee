package org.mailintegrator.testkit;

import java.util.Map;
import org.mailintegrator.core.MailAccount;

/** The accounts of a test server's users ({@link MailServerFixture}, {@link HostileMailServer}). Stateless. */
final class TestUsers {
    private TestUsers() {
    }

    /**
     * An account for {@code emailAddress} with its password in {@code users} and {@code host}.
     *
     * @throws IllegalArgumentException if {@code users} has no such user; the message names {@code server}
     */
    static MailAccount account(Map<String, String> users, String emailAddress, String host, String server) {
        String password = users.get(emailAddress);
        if (password == null) {
            throw new IllegalArgumentException("no user " + emailAddress + " on this " + server + "; users: "
                    + users.keySet());
        }
        return MailAccount.builder(emailAddress).password(password).host(host).build();
    }
}
