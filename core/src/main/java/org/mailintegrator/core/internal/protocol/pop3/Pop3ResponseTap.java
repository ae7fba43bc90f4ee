package org.mailintegrator.core.internal.protocol.pop3;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.internal.protocol.ProtocolDriver;

/**
 * Passes a POP3 server's output through unchanged and reports to a {@link ProtocolDriver.Listener} what the attempt
 * must know before it sends credentials: each status line ({@code +OK}, {@code -ERR}), and each complete multi-line
 * answer that follows a {@code +OK} and ends with {@code .}, which before the login can only be the {@code CAPA}
 * answer (RFC 2449). Lines are looked at only up to {@value #MAX_LINE} bytes, and a list only up to
 * {@value #MAX_CAPABILITIES} lines; it reads nothing the caller does not ask for. Not thread-safe: one reader.
 */
final class Pop3ResponseTap extends FilterInputStream {
    private static final int MAX_LINE = 256;
    private static final int MAX_CAPABILITIES = 64;
    private final ProtocolDriver.Listener listener;
    private final byte[] line = new byte[MAX_LINE];
    private int length;
    private boolean overlong;
    /** The lines of the multi-line answer being read, or null when none may be. */
    private @Nullable List<String> block;

    Pop3ResponseTap(InputStream in, ProtocolDriver.Listener listener) {
        super(in);
        this.listener = listener;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            see((byte) b);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int count) throws IOException {
        int read = super.read(buffer, offset, count);
        for (int i = 0; i < read; i++) {
            see(buffer[offset + i]);
        }
        return read;
    }

    private void see(byte b) {
        if (b == '\n') {
            if (overlong) {
                block = null;
            } else {
                seeLine(new String(line, 0, length, StandardCharsets.ISO_8859_1).strip());
            }
            length = 0;
            overlong = false;
        } else if (length < MAX_LINE) {
            line[length++] = b;
        } else {
            overlong = true;
        }
    }

    private void seeLine(String text) {
        if (text.startsWith("+OK") || text.startsWith("-ERR")) {
            listener.status(text);
            block = text.startsWith("+OK") ? new ArrayList<>() : null;
        } else if (text.equals(".")) {
            if (block != null) {
                listener.capabilities(List.copyOf(block));
            }
            block = null;
        } else if (block != null) {
            if (block.size() < MAX_CAPABILITIES) {
                block.add(text);
            } else {
                block = null;
            }
        }
    }
}
