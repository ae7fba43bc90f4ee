/**
 * The benchmark programs behind docs/benchmarks.md: the negotiation against a naive sequential Jakarta Mail loop
 * and the winner alone, a host's addresses and its resolver, the testkit fixture's start-up, and many accounts with
 * and without the memory of unreachable endpoints ({@link org.mailintegrator.benchmarks.SharedKnowledgeBenchmark},
 * run by hand only). Each is a {@code main}; small runs of the others are tests.
 *
 * <p>All arguments and return values are non-null ({@code @NullMarked}) unless marked {@code @Nullable}.
 */
@NullMarked
package org.mailintegrator.benchmarks;

import org.jspecify.annotations.NullMarked;
