package org.mailintegrator.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * What a service reads from its client: records each line in the {@link CommandLog}, and cuts the connection with
 * a reset once a {@link Fault#resetAfter(long)} budget of bytes is used up.
 */
final class ClientStream extends InputStream {
    /** Called when the reset budget is used up; must reset the connection. */
    interface Resetter {
        void reset() throws IOException;
    }

    private final InputStream in;
    private final Service service;
    private final boolean overTls;
    private final CommandLog log;
    private final Resetter resetter;
    private long budget;
    private final StringBuilder line = new StringBuilder();

    /** @param budget bytes the client may send before the reset, or -1 for no limit */
    ClientStream(InputStream in, Service service, boolean overTls, CommandLog log, long budget, Resetter resetter) {
        this.in = in;
        this.service = service;
        this.overTls = overTls;
        this.log = log;
        this.budget = budget;
        this.resetter = resetter;
    }

    /** The remaining reset budget, to carry over to the stream that follows a TLS upgrade. */
    long budget() {
        return budget;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (budget == 0) {
            resetter.reset();
            throw new IOException("connection reset by the fixture's fault");
        }
        int allowed = budget > 0 ? (int) Math.min(length, budget) : length;
        int n = in.read(buffer, offset, allowed);
        if (n > 0) {
            if (budget > 0) {
                budget -= n;
            }
            record(buffer, offset, n);
        }
        return n;
    }

    /** Reads one line without reading past it (the bytes after it may be a TLS handshake), or null at the end. */
    @Nullable String readLine(int maxLength) throws IOException {
        StringBuilder text = new StringBuilder();
        int c;
        while ((c = read()) >= 0) {
            if (c == '\n') {
                int end = text.length();
                return end > 0 && text.charAt(end - 1) == '\r' ? text.substring(0, end - 1) : text.toString();
            }
            if (text.length() >= maxLength) {
                throw new IOException("client line longer than " + maxLength + " bytes");
            }
            text.append((char) c);
        }
        return null;
    }

    private void record(byte[] buffer, int offset, int n) {
        String chunk = new String(buffer, offset, n, StandardCharsets.ISO_8859_1);
        for (int i = 0; i < chunk.length(); i++) {
            char c = chunk.charAt(i);
            if (c == '\n') {
                int end = line.length();
                log.add(service, end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString(),
                        overTls);
                line.setLength(0);
            } else if (line.length() < CommandLog.MAX_LINE) {
                line.append(c);
            }
        }
    }
}
