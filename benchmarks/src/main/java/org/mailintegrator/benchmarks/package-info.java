/**
 * The benchmark programs behind BENCHMARKS.md: the negotiation against a naive sequential Jakarta Mail loop and the
 * winner alone, a host's addresses and its resolver, the testkit fixture's start-up. Each is a {@code main}, run
 * with {@code exec:java}; small runs of each are tests.
 *
 * <p>All arguments and return values are non-null ({@code @NullMarked}) unless marked {@code @Nullable}.
 */
@NullMarked
package org.mailintegrator.benchmarks;

import org.jspecify.annotations.NullMarked;
