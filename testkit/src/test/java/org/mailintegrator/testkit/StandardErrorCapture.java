package org.mailintegrator.testkit;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Takes {@code System.err} (where the tests' SLF4J binding, slf4j-simple, writes) for the duration of a block, so
 * that a test can check the warnings it provokes on purpose instead of printing them into the build's output. When
 * closed it restores {@code System.err} and passes on to it every line that {@code expected} does not claim, so that
 * nothing else written meanwhile is lost. Thread-safe: library threads write while the test reads.
 */
final class StandardErrorCapture implements AutoCloseable {
    private static final Pattern EXCEPTION_LINE =
            Pattern.compile("[\\w$.]+\\.[\\w$]*(Exception|Error|Throwable)[\\w$]*(: .*)?");

    private final PrintStream original;
    private final Buffer buffer = new Buffer();
    private final Predicate<List<String>> expected;

    private StandardErrorCapture(Predicate<List<String>> expected) {
        this.original = System.err;
        this.expected = expected;
        System.setErr(new PrintStream(buffer, false, StandardCharsets.UTF_8));
    }

    /**
     * Starts capturing. {@code expected} is shown each logged event, as its lines (a message and, if any, its stack
     * trace), and says whether it is one the test provokes; any other is passed on when the capture closes.
     */
    static StandardErrorCapture start(Predicate<List<String>> expected) {
        return new StandardErrorCapture(expected);
    }

    /** Everything written so far. */
    String text() {
        return buffer.text();
    }

    /**
     * Waits until what has been written, up to a flush (slf4j-simple flushes after each event and its stack trace),
     * satisfies {@code condition}; false if it does not within {@code timeout}.
     */
    boolean awaitFlushed(Predicate<String> condition, Duration timeout) throws InterruptedException {
        return buffer.await(condition, timeout);
    }

    @Override
    public void close() {
        System.err.flush();
        System.setErr(original);
        for (List<String> event : events(buffer.text())) {
            if (!expected.test(event)) {
                event.forEach(original::println);
            }
        }
        original.flush();
    }

    /**
     * Splits output into events: a line begins a new one unless it is part of a stack trace (the exception's own
     * line right after the message, an {@code at} line, a {@code Caused by} or a {@code ... more}).
     */
    private static List<List<String>> events(String text) {
        List<List<String>> events = new ArrayList<>();
        List<String> current = null;
        for (String line : text.split("\\R")) {
            boolean continuation = current != null && (line.startsWith("\t") || line.startsWith("Caused by: ")
                    || current.size() == 1 && EXCEPTION_LINE.matcher(line).matches());
            if (!continuation) {
                if (line.isEmpty()) {
                    continue;
                }
                current = new ArrayList<>();
                events.add(current);
            }
            current.add(line);
        }
        return events;
    }

    private static final class Buffer extends OutputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private String flushed = "";

        @Override
        public synchronized void write(int b) {
            bytes.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            bytes.write(b, off, len);
        }

        @Override
        public synchronized void flush() {
            flushed = bytes.toString(StandardCharsets.UTF_8);
            notifyAll();
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }

        synchronized boolean await(Predicate<String> condition, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!condition.test(flushed)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }
}
