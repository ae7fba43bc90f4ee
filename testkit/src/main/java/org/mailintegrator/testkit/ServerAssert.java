package org.mailintegrator.testkit;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.assertj.core.api.AbstractAssert;
import org.mailintegrator.core.MailProtocol;

/**
 * AssertJ assertions on what a test server received from its clients: a {@link MailServerFixture} or a
 * {@link HostileMailServer}. Made for the promises a client of the library checks on the server's side: no message
 * was ever submitted (an SMTP {@code MAIL}, {@code RCPT}, {@code DATA} or {@code BDAT}), no secret crossed in
 * cleartext.
 *
 * <pre>{@code
 * assertThat(server).submittedNoMessage().neverReceivedInCleartext(password);
 * }</pre>
 *
 * <p>Failure messages name the offending commands with their arguments cut off, so that a credential the server
 * received is not printed. Obtained from {@link MailIntegratorAssertions#assertThat(MailServerFixture)} or
 * {@link MailIntegratorAssertions#assertThat(HostileMailServer)}. Like every AssertJ assert, not thread-safe.
 */
public final class ServerAssert extends AbstractAssert<ServerAssert, List<ReceivedCommand>> {
    private static final Set<String> SUBMISSION = Set.of("MAIL", "RCPT", "DATA", "BDAT");

    private final String name;

    ServerAssert(List<ReceivedCommand> received, String name) {
        super(List.copyOf(received), ServerAssert.class);
        this.name = name;
    }

    /**
     * Checks that no SMTP command that submits a message ({@code MAIL}, {@code RCPT}, {@code DATA},
     * {@code BDAT}) reached the server.
     */
    public ServerAssert submittedNoMessage() {
        List<String> submitted = actual.stream()
                .filter(command -> command.service().protocol() == MailProtocol.SMTP)
                .map(command -> verb(command.line()))
                .filter(SUBMISSION::contains)
                .toList();
        if (!submitted.isEmpty()) {
            failWithMessage("Expecting %s to have received no message, but it received %s", name, submitted);
        }
        return this;
    }

    /** Checks that {@code secret} never arrived outside TLS, as is or inside a base64 token (SASL PLAIN, LOGIN). */
    public ServerAssert neverReceivedInCleartext(String secret) {
        Objects.requireNonNull(secret, "secret");
        List<String> leaks = actual.stream()
                .filter(command -> !command.overTls() && Secrets.contains(command.line(), secret))
                .map(command -> command.service().name() + " " + verb(command.line()))
                .collect(Collectors.toList());
        if (!leaks.isEmpty()) {
            failWithMessage("Expecting %s never to have received the secret in cleartext, but it came in %s", name,
                    leaks);
        }
        return this;
    }

    /** The line's first word, upper case (an SMTP or POP3 command; an IMAP tag): never an argument. */
    private static String verb(String line) {
        String[] words = line.trim().split(" +", 3);
        return words[0].toUpperCase(Locale.ROOT);
    }
}
