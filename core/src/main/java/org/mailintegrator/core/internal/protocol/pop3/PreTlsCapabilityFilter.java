package org.mailintegrator.core.internal.protocol.pop3;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The cleartext start of a POP3 session that must upgrade with STLS: drops a {@code PIPELINING} capability line.
 * Angus Mail remembers pipelining from the capabilities it sees before STLS and never forgets it, so a man in the
 * middle could otherwise make it send USER and PASS without waiting; nothing seen before TLS is trusted after it.
 * Reads whole lines, and never past the end of one, so that no byte of the TLS handshake is consumed.
 */
final class PreTlsCapabilityFilter extends FilterInputStream {
    private byte[] pending = new byte[0];
    private int position;

    PreTlsCapabilityFilter(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        if (!fill()) {
            return -1;
        }
        return pending[position++] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(length, pending.length - position);
        System.arraycopy(pending, position, buffer, offset, n);
        position += n;
        return n;
    }

    @Override
    public int available() {
        return pending.length - position;
    }

    /** Makes a line available, skipping PIPELINING lines; false at the end of the stream. */
    private boolean fill() throws IOException {
        while (position >= pending.length) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) >= 0) {
                line.write(c);
                if (c == '\n') {
                    break;
                }
            }
            if (line.size() == 0) {
                return false;
            }
            String text = line.toString(StandardCharsets.ISO_8859_1).strip().toUpperCase(Locale.ROOT);
            if (!text.equals("PIPELINING") && !text.startsWith("PIPELINING ")) {
                pending = line.toByteArray();
                position = 0;
            }
        }
        return true;
    }
}
