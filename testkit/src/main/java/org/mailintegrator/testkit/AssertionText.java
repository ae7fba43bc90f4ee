package org.mailintegrator.testkit;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;

/** Checks and wording shared by the assertion classes. */
final class AssertionText {
    private AssertionText() {
    }

    /** A duration in milliseconds, exact: {@code 700 ms}, {@code 1.5 ms}. */
    static String millis(Duration duration) {
        return BigDecimal.valueOf(duration.toNanos(), 6).stripTrailingZeros().toPlainString() + " ms";
    }

    /** Rejects a null or negative duration, naming the argument. */
    static Duration bound(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, was " + duration);
        }
        return duration;
    }

    /** Rejects bounds that are null, negative, or in the wrong order. */
    static void bounds(Duration min, Duration max) {
        bound(min, "min");
        bound(max, "max");
        if (min.compareTo(max) > 0) {
            throw new IllegalArgumentException("min must not be greater than max, was " + min + " > " + max);
        }
    }
}
