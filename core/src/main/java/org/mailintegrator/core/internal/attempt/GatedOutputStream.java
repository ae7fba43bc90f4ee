package org.mailintegrator.core.internal.attempt;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The application-level output of an attempt: before the first credential-bearing command leaves, asks for the
 * candidate's turn. Every line is checked, wherever it starts (a write may hold several lines, or a line arrive in
 * pieces): the first bytes of a line are held back until they say what the command is (a line end, or
 * {@value #HEAD} bytes), then checked by the protocol's
 * {@link org.mailintegrator.core.internal.protocol.ProtocolDriver} and sent. A line that a {@link #flush()} forces
 * out before it can be told is treated as carrying credentials: the gate errs on the side of waiting. Not
 * thread-safe, like the stream it wraps.
 */
final class GatedOutputStream extends FilterOutputStream {
    /** How many bytes of a line are enough to tell a credential-bearing command. */
    static final int HEAD = 48;

    /** What the stream asks: whether a line's head carries credentials, and for the turn before they leave. */
    interface Gate {
        boolean carriesCredentials(String head);

        void beforeCredentials() throws IOException;
    }

    private final Gate gate;
    private final byte[] head = new byte[HEAD];
    private int held;
    private boolean lineChecked;
    private boolean passed;

    GatedOutputStream(OutputStream out, AttemptTransport transport) {
        this(out, new Gate() {
            @Override
            public boolean carriesCredentials(String head) {
                return transport.driver().carriesCredentials(head);
            }

            @Override
            public void beforeCredentials() throws IOException {
                transport.beforeCredentials();
            }
        });
    }

    GatedOutputStream(OutputStream out, Gate gate) {
        super(out);
        this.gate = gate;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        int next = offset;
        int end = offset + length;
        while (next < end) {
            if (passed) {
                out.write(bytes, next, end - next);
                return;
            }
            if (lineChecked) {
                int stop = next;
                while (stop < end && bytes[stop++] != '\n') {
                    // the rest of a line already checked goes out as it is
                }
                out.write(bytes, next, stop - next);
                lineChecked = bytes[stop - 1] != '\n';
                next = stop;
                continue;
            }
            boolean lineEnded = false;
            while (next < end && held < HEAD && !lineEnded) {
                head[held] = bytes[next++];
                lineEnded = head[held++] == '\n';
            }
            if (lineEnded || held == HEAD) {
                release(gate.carriesCredentials(headText()), !lineEnded);
            }
        }
    }

    /** A line still being told is sent as if it carried credentials, after the turn; then the stream is flushed. */
    @Override
    public void flush() throws IOException {
        if (held > 0 && !passed) {
            release(true, true);
        }
        out.flush();
    }

    /** Sends the held head of a line, after the turn if it carries credentials. */
    private void release(boolean credentials, boolean lineGoesOn) throws IOException {
        if (credentials) {
            gate.beforeCredentials();
            passed = true;
        }
        out.write(head, 0, held);
        held = 0;
        lineChecked = lineGoesOn;
    }

    private String headText() {
        return new String(head, 0, held, StandardCharsets.ISO_8859_1).toUpperCase(Locale.ROOT);
    }
}
