package org.mailintegrator.core.internal.attempt;

import org.mailintegrator.core.internal.classify.LimitExceededException;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * What an attempt reads from the server, checked before Jakarta Mail sees it: a line longer than
 * {@value #MAX_LINE} bytes, an IMAP literal announced larger than {@value #MAX_LITERAL} bytes, or more than
 * {@value #MAX_TOTAL} bytes in all end the attempt. Jakarta Mail buffers a whole line, and allocates an announced
 * literal at once, so a hostile server could otherwise exhaust the heap; an honest one sends a few kilobytes
 * between greeting and logout. The first byte read (the start of the greeting) is reported, once.
 */
final class GuardedInputStream extends FilterInputStream {
    static final int MAX_LINE = 16 * 1024;
    static final long MAX_LITERAL = 16 * 1024;
    static final long MAX_TOTAL = 256 * 1024;

    private final StringBuilder tail = new StringBuilder();
    private int lineLength;
    private long total;
    private final Runnable firstByte;

    /** {@code firstByte}: told when the server's first byte arrives, on the reading thread. */
    GuardedInputStream(InputStream in, Runnable firstByte) {
        super(in);
        this.firstByte = firstByte;
    }

    @Override
    public int read() throws IOException {
        int c = super.read();
        if (c >= 0) {
            inspect((byte) c);
        }
        return c;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        for (int i = 0; i < n; i++) {
            inspect(buffer[offset + i]);
        }
        return n;
    }

    private void inspect(byte b) throws IOException {
        if (total == 0) {
            firstByte.run();
        }
        if (++total > MAX_TOTAL) {
            throw new LimitExceededException("the server sent more than " + MAX_TOTAL + " bytes in one attempt");
        }
        if (b == '\n') {
            checkLiteral();
            lineLength = 0;
            tail.setLength(0);
            return;
        }
        if (++lineLength > MAX_LINE) {
            throw new LimitExceededException("the server sent a line longer than " + MAX_LINE + " bytes");
        }
        if (b != '\r') {
            tail.append((char) (b & 0xff));
            if (tail.length() > 32) {
                tail.delete(0, tail.length() - 32);
            }
        }
    }

    /** An IMAP literal is announced as {@code {N}} or {@code {N+}} at the end of a line. */
    private void checkLiteral() throws IOException {
        int end = tail.length();
        if (end < 3 || tail.charAt(end - 1) != '}') {
            return;
        }
        int digitsEnd = tail.charAt(end - 2) == '+' ? end - 2 : end - 1;
        int open = tail.lastIndexOf("{");
        if (open < 0 || open + 1 >= digitsEnd) {
            return;
        }
        String digits = tail.substring(open + 1, digitsEnd);
        if (!digits.chars().allMatch(Character::isDigit)) {
            return;
        }
        if (digits.length() > 18 || Long.parseLong(digits) > MAX_LITERAL) {
            throw new LimitExceededException("the server announced a literal of " + digits + " bytes");
        }
    }
}
