package org.mailintegrator.core.internal.classify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SecretRedactorTest {
    private final SecretRedactor redactor = new SecretRedactor("alice", "hunter2!");

    @Test
    void masksThePasswordAndItsSaslForms() {
        String plain = Base64.getEncoder().encodeToString("\0alice\0hunter2!".getBytes(StandardCharsets.UTF_8));
        String login = Base64.getEncoder().encodeToString("hunter2!".getBytes(StandardCharsets.UTF_8));

        String echoed = redactor.redact("-ERR you said PASS hunter2! and AUTH PLAIN " + plain + " and " + login);

        assertThat(echoed).doesNotContain("hunter2!", plain, login).contains("PASS ****", "AUTH PLAIN ****");
    }

    @Test
    void masksAnAccessTokenAndItsXoauth2InitialResponse() {
        SecretRedactor tokens = new SecretRedactor("alice@example.com", "ya29.token-Q7");
        String xoauth2 = Base64.getEncoder().encodeToString("user=alice@example.com\1auth=Bearer ya29.token-Q7\1\1"
                .getBytes(StandardCharsets.UTF_8));
        String bare = Base64.getEncoder().encodeToString("ya29.token-Q7".getBytes(StandardCharsets.UTF_8));

        String echoed = tokens.redact("A1 NO you sent AUTHENTICATE XOAUTH2 " + xoauth2 + " (" + bare
                + ") for Bearer ya29.token-Q7");

        assertThat(echoed).doesNotContain("ya29.token-Q7", xoauth2, bare)
                .isEqualTo("A1 NO you sent AUTHENTICATE XOAUTH2 **** (****) for Bearer ****");
    }

    /** OAUTHBEARER puts the server's name before the token: whatever precedes it, its base64 form is masked. */
    @Test
    void masksATokenInsideAnyBase64Message() {
        String token = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.payload-Zx";
        SecretRedactor tokens = new SecretRedactor("alice@example.com", java.util.List.of("old-token-1", token));
        for (String prefix : new String[] {"n,a=alice@example.com,\1host=imap.example.com\1port=993\1auth=Bearer ",
            "x", "xy", "xyz"}) {
            String encoded = Base64.getEncoder().encodeToString((prefix + token + "\1\1")
                    .getBytes(StandardCharsets.UTF_8));

            String echoed = tokens.redact("-ERR you sent " + encoded);

            assertThat(echoed).as(prefix).contains("****").doesNotContain(encoded);
            // at most the few characters that mix the token's first and last bytes with its neighbours remain
            assertThat(echoed.length()).isLessThan(("-ERR you sent ").length() + 4 + 8 + 4 + prefix.length() * 2);
        }
    }

    @Test
    void leavesOtherTextAlone() {
        assertThat(redactor.redact("LOGIN failed for alice")).isEqualTo("LOGIN failed for alice");
    }
}
