package org.mailintegrator.core.internal.attempt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The credential gate checks every line, however the writes cut them, and nothing credential-bearing leaves first. */
class GatedOutputStreamTest {
    private final ByteArrayOutputStream wire = new ByteArrayOutputStream();
    private final List<String> events = new ArrayList<>();
    private final GatedOutputStream gated = new GatedOutputStream(wire, new GatedOutputStream.Gate() {
        @Override
        public boolean carriesCredentials(String head) {
            return head.matches("\\S+ LOGIN [\\s\\S]*");
        }

        @Override
        public void beforeCredentials() {
            events.add("turn after " + sent().length() + " bytes");
        }
    });

    @Test
    void aLoginOnTheSecondLineOfOneWriteWaitsForTheTurn() throws IOException {
        write("A1 CAPABILITY\r\nA2 LOGIN alice secret\r\n");

        assertThat(events).containsExactly("turn after 15 bytes");
        assertThat(sent()).isEqualTo("A1 CAPABILITY\r\nA2 LOGIN alice secret\r\n");
    }

    @Test
    void aLoginWrittenInPiecesWaitsForTheTurnBeforeAnyOfItLeaves() throws IOException {
        write("A1 NOOP\r\nA2 LO");
        write("GIN alice");
        assertThat(sent()).as("the login's first bytes are held").isEqualTo("A1 NOOP\r\n");
        write(" secret\r\n");

        assertThat(events).containsExactly("turn after 9 bytes");
        assertThat(sent()).isEqualTo("A1 NOOP\r\nA2 LOGIN alice secret\r\n");
    }

    @Test
    void aLineStartingInTheMiddleOfAWriteIsChecked() throws IOException {
        write("A1 NO");
        write("OP\r\nA2 LOGIN alice secret\r\n");

        assertThat(events).containsExactly("turn after 9 bytes");
    }

    @Test
    void aLongLineWithoutCredentialsIsNotGated() throws IOException {
        String longLine = "A1 ID (\"name\" \"" + "x".repeat(200) + "\")\r\n";
        write(longLine);
        write("A2 NOOP\r\n");

        assertThat(events).isEmpty();
        assertThat(sent()).isEqualTo(longLine + "A2 NOOP\r\n");
    }

    @Test
    void aLineForcedOutByFlushBeforeItCanBeToldWaitsForTheTurn() throws IOException {
        write("A1 LOG");
        gated.flush();

        assertThat(events).containsExactly("turn after 0 bytes");
        assertThat(sent()).isEqualTo("A1 LOG");
    }

    private void write(String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        gated.write(bytes, 0, bytes.length);
    }

    private String sent() {
        return wire.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void anSmtpAuthWaitsForTheTurnWithTheSmtpDriversRule() throws IOException {
        List<String> smtpEvents = new ArrayList<>();
        ByteArrayOutputStream smtpWire = new ByteArrayOutputStream();
        GatedOutputStream smtp = new GatedOutputStream(smtpWire, new GatedOutputStream.Gate() {
            @Override
            public boolean carriesCredentials(String head) {
                return org.mailintegrator.core.internal.protocol.smtp.SmtpDriver.INSTANCE.carriesCredentials(head);
            }

            @Override
            public void beforeCredentials() {
                smtpEvents.add("turn after " + smtpWire.size() + " bytes");
            }
        });

        smtp.write("EHLO [127.0.0.1]\r\nAUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n".getBytes(StandardCharsets.US_ASCII));
        smtp.flush();

        assertThat(smtpEvents).containsExactly("turn after 18 bytes");
    }
}
