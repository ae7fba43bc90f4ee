package org.mailintegrator.benchmarks;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.mailintegrator.testkit.MailServerFixture;

/**
 * Measures what a test class pays for a full testkit fixture: starting IMAP, IMAPS, POP3 and POP3S with a user
 * (a throw-away CA and certificates included), and closing it again. Prints the first (cold) start in the JVM,
 * then the median, minimum and maximum over the measured runs, after a few warm-up runs that are not counted.
 *
 * <pre>{@code
 * mvn -B -q -pl benchmarks exec:java -Dexec.mainClass=org.mailintegrator.benchmarks.FixtureStartupBenchmark -Dexec.args=30
 * }</pre>
 */
public final class FixtureStartupBenchmark {
    private static final int WARM_UP = 3;

    private FixtureStartupBenchmark() {
    }

    /** Runs the measurement; the optional argument is the number of measured runs (default 20). */
    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        measure(runs, System.out);
    }

    /** Measures {@code runs} start-and-close cycles after the warm-up and prints the figures to {@code out}. */
    static Figures measure(int runs, PrintStream out) {
        if (runs < 1) {
            throw new IllegalArgumentException("runs must be at least 1, was " + runs);
        }
        List<Long> starts = new ArrayList<>();
        List<Long> closes = new ArrayList<>();
        long coldStart = 0;
        for (int i = 0; i < WARM_UP + runs; i++) {
            long begin = System.nanoTime();
            MailServerFixture fixture = MailServerFixture.builder().user("bench@example.test", "bench-password").start();
            long started = System.nanoTime();
            fixture.close();
            long closed = System.nanoTime();
            if (i == 0) {
                coldStart = started - begin;
            }
            if (i >= WARM_UP) {
                starts.add(started - begin);
                closes.add(closed - started);
            }
        }
        Figures figures = new Figures(coldStart / 1e6, summary(starts), summary(closes));
        out.printf("Four-service fixture (IMAP, IMAPS, POP3, POP3S, one user), %d runs after %d warm-up:%n", runs,
                WARM_UP);
        out.printf("  first start in this JVM (cold): %.1f ms%n", figures.coldStart);
        out.printf("  start: median %.1f ms (min %.1f, max %.1f)%n", figures.start[0], figures.start[1], figures.start[2]);
        out.printf("  close: median %.1f ms (min %.1f, max %.1f)%n", figures.close[0], figures.close[1], figures.close[2]);
        return figures;
    }

    private static double[] summary(List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
        return new double[] {median / 1e6, sorted.get(0) / 1e6, sorted.get(n - 1) / 1e6};
    }

    /** Median, minimum and maximum in milliseconds, for starting and for closing. */
    static final class Figures {
        final double coldStart;
        final double[] start;
        final double[] close;

        Figures(double coldStart, double[] start, double[] close) {
            this.coldStart = coldStart;
            this.start = start;
            this.close = close;
        }
    }
}
