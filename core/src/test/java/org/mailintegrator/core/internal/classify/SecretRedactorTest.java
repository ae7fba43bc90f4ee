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
    void leavesOtherTextAlone() {
        assertThat(redactor.redact("LOGIN failed for alice")).isEqualTo("LOGIN failed for alice");
        assertThat(redactor.redact(null)).isNull();
    }
}
