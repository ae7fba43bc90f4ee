package org.mailintegrator.core.internal.attempt;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The application-level output of an attempt: before the first credential-bearing command leaves, asks the
 * {@link AttemptTransport} for the candidate's turn. Commands are recognised at line starts, by the
 * protocol's {@link org.mailintegrator.core.internal.protocol.ProtocolDriver}.
 */
final class GatedOutputStream extends FilterOutputStream {
    private final AttemptTransport transport;
    private boolean atLineStart = true;
    private boolean passed;

    GatedOutputStream(OutputStream out, AttemptTransport transport) {
        super(out);
        this.transport = transport;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (!passed && atLineStart && length > 0 && carriesCredentials(bytes, offset, length)) {
            transport.beforeCredentials();
            passed = true;
        }
        if (length > 0) {
            atLineStart = bytes[offset + length - 1] == '\n';
        }
        out.write(bytes, offset, length);
    }

    private boolean carriesCredentials(byte[] bytes, int offset, int length) {
        String head = new String(bytes, offset, Math.min(length, 48), StandardCharsets.ISO_8859_1)
                .toUpperCase(Locale.ROOT);
        return transport.driver().carriesCredentials(head);
    }
}
