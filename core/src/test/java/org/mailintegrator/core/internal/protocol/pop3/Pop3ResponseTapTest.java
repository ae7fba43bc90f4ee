package org.mailintegrator.core.internal.protocol.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mailintegrator.core.internal.protocol.ProtocolDriver;

/** The tap passes every byte through and hears the status lines and each complete CAPA answer. */
class Pop3ResponseTapTest {
    private final List<List<String>> capabilities = new ArrayList<>();
    private final List<String> statuses = new ArrayList<>();
    private final ProtocolDriver.Listener listener = new ProtocolDriver.Listener() {
        @Override
        public void capabilities(List<String> lines) {
            capabilities.add(lines);
        }

        @Override
        public void status(String line) {
            statuses.add(line);
        }
    };

    @Test
    void aCyrusSessionIsHeardLineByLineAndPassedThroughUnchanged() throws IOException {
        String server = "+OK mail.example.com Cyrus POP3 v3.6.1 server ready <1@mail.example.com>\r\n"
                + "+OK List of capabilities follows\r\nSTLS\r\nEXPIRE NEVER\r\nLOGIN-DELAY 60\r\nTOP\r\nUIDL\r\n"
                + "PIPELINING\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\nIMPLEMENTATION Cyrus POP3 3.6.1\r\n.\r\n"
                + "-ERR [AUTH] USER command only available under a layer\r\n";
        InputStream tap = new Pop3ResponseTap(new ByteArrayInputStream(server.getBytes(StandardCharsets.US_ASCII)),
                listener);

        byte[] read = readInPieces(tap);

        assertThat(new String(read, StandardCharsets.US_ASCII)).isEqualTo(server);
        assertThat(capabilities).containsExactly(List.of("STLS", "EXPIRE NEVER", "LOGIN-DELAY 60", "TOP", "UIDL",
                "PIPELINING", "RESP-CODES", "AUTH-RESP-CODE", "IMPLEMENTATION Cyrus POP3 3.6.1"));
        assertThat(statuses).containsExactly(
                "+OK mail.example.com Cyrus POP3 v3.6.1 server ready <1@mail.example.com>",
                "+OK List of capabilities follows", "-ERR [AUTH] USER command only available under a layer");
    }

    @Test
    void aCapaRefusedOrCutShortIsNoCapabilityList() throws IOException {
        String server = "+OK ready\r\n-ERR unknown command\r\n+OK\r\nUSER\r\n" + "X".repeat(300) + "\r\n.\r\n";

        readInPieces(new Pop3ResponseTap(new ByteArrayInputStream(server.getBytes(StandardCharsets.US_ASCII)),
                listener));

        assertThat(capabilities).as("an overlong line ends the list unheard").isEmpty();
        assertThat(statuses).containsExactly("+OK ready", "-ERR unknown command", "+OK");
    }

    /** Reads a byte, then pieces of 7 bytes, as a buffered reader might. */
    private static byte[] readInPieces(InputStream in) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int first = in.read();
        if (first >= 0) {
            out.write(first);
        }
        byte[] piece = new byte[7];
        int n;
        while ((n = in.read(piece, 0, piece.length)) >= 0) {
            out.write(piece, 0, n);
        }
        return out.toByteArray();
    }
}
