package org.mailintegrator.core.internal.protocol.pop3;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Passes a POP3 server's output through unchanged and reports each {@code SASL ...} line of a {@code CAPA} answer
 * received over TLS, so that the attempt knows which mechanisms the server offers before a password is sent. Lines
 * are looked at only up to {@value #MAX_LINE} bytes. Not thread-safe: one reader.
 */
final class SaslLineTap extends FilterInputStream {
    private static final int MAX_LINE = 256;
    private final Consumer<String> saslLine;
    private final byte[] line = new byte[MAX_LINE];
    private int length;
    private boolean overlong;

    SaslLineTap(InputStream in, Consumer<String> saslLine) {
        super(in);
        this.saslLine = saslLine;
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
            if (!overlong) {
                String text = new String(line, 0, length, StandardCharsets.US_ASCII).strip();
                if (text.toUpperCase(Locale.ROOT).startsWith("SASL ")) {
                    saslLine.accept(text);
                }
            }
            length = 0;
            overlong = false;
        } else if (length < MAX_LINE) {
            line[length++] = b;
        } else {
            overlong = true;
        }
    }
}
