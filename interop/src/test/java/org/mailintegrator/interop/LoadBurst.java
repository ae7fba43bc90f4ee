package org.mailintegrator.interop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import javax.net.ssl.SSLSocketFactory;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.benchmarks.NaiveLoop;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.ProtocolCandidate;

/**
 * Many integrations at once, for the load benchmarks ({@link DovecotLoadBenchmark}, {@link ServerLoadBenchmark}):
 * through one {@link Integrator} ({@code integrateAsync}, the library's own concurrency) or as the naive
 * sequential Jakarta Mail loop ({@link NaiveLoop}), one caller thread per integration, all released at once. Every
 * burst is bounded: what has not finished by its deadline is cancelled and reported as unfinished.
 */
final class LoadBurst {
    private LoadBurst() {
    }

    /** What one integration of a burst selected, and how long it took. */
    record Sample(Optional<ProtocolCandidate> selected, long millis, boolean finished,
            @Nullable IntegrationResult result) {
        static Sample unfinished() {
            return new Sample(Optional.empty(), -1, false, null);
        }
    }

    /** The login of one integration of the naive loop. */
    record Login(String user, String password) {
    }

    /** One {@code integrateAsync} per account, all at once; the results in the accounts' order. */
    static List<Sample> library(Integrator integrator, List<MailAccount> accounts, Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        List<CompletableFuture<IntegrationResult>> running = new ArrayList<>();
        for (MailAccount account : accounts) {
            running.add(integrator.integrateAsync(account));
        }
        List<Sample> samples = new ArrayList<>();
        for (CompletableFuture<IntegrationResult> integration : running) {
            try {
                IntegrationResult result = integration.get(Math.max(0, deadline - System.nanoTime()),
                        TimeUnit.NANOSECONDS);
                samples.add(new Sample(result.selected(), result.elapsed().toMillis(), true, result));
            } catch (TimeoutException | CancellationException | ExecutionException e) {
                integration.cancel(true);
                samples.add(Sample.unfinished());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running.forEach(future -> future.cancel(true));
                throw new IllegalStateException("interrupted during a burst", e);
            }
        }
        return samples;
    }

    /**
     * The naive loop for each login, on a thread of its own, all released at once by a latch; the results in the
     * logins' order. Each integration asks {@code tls} for its socket factory once, inside its measured time (one
     * shared factory, or a fresh context per integration).
     */
    static List<Sample> naive(List<ProtocolCandidate> chain, List<Login> logins, Duration connectTimeout,
            Duration readTimeout, Supplier<SSLSocketFactory> tls, Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        ExecutorService callers = Executors.newFixedThreadPool(logins.size());
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Sample>> running = new ArrayList<>();
        try {
            for (Login login : logins) {
                running.add(callers.submit(() -> {
                    start.await();
                    long begin = System.nanoTime();
                    ProtocolCandidate selected = NaiveLoop.walk(chain, login.user(), login.password(),
                            connectTimeout, readTimeout, tls.get());
                    return new Sample(Optional.ofNullable(selected), (System.nanoTime() - begin) / 1_000_000, true,
                            null);
                }));
            }
            start.countDown();
            List<Sample> samples = new ArrayList<>();
            for (Future<Sample> integration : running) {
                try {
                    samples.add(integration.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
                } catch (TimeoutException | CancellationException | ExecutionException e) {
                    integration.cancel(true);
                    samples.add(Sample.unfinished());
                }
            }
            return samples;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during a burst", e);
        } finally {
            callers.shutdownNow();
            try {
                // every step of the loop has a timeout, so the callers end soon after an interrupt
                callers.awaitTermination(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The {@code percent} percentile (nearest rank) of the finished samples' times; -1 if none finished. */
    static long percentile(List<Sample> samples, int percent) {
        List<Long> sorted = samples.stream().filter(Sample::finished).map(Sample::millis).sorted().toList();
        if (sorted.isEmpty()) {
            return -1;
        }
        int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
    }
}
