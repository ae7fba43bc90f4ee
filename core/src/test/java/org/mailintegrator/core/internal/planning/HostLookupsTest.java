package org.mailintegrator.core.internal.planning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.mailintegrator.core.internal.ManualTimeline;

/** Lookups: once per host and integration, and bounded by the connect timeout whatever the resolver does. */
class HostLookupsTest {
    private final ManualTimeline time = new ManualTimeline();

    @Test
    void aResolverThatNeverAnswersFailsAtTheConnectTimeout() throws Exception {
        CountDownLatch asked = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        HostLookups lookups = new HostLookups(host -> {
            asked.countDown();
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return List.of();
        }, Duration.ofSeconds(10), time);

        CompletableFuture<List<InetAddress>> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return lookups.addresses("mail.example.com");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertThat(asked.await(5, TimeUnit.SECONDS)).isTrue();
        time.advance(Duration.ofMillis(9_999));
        assertThat(waiting).isNotDone();
        time.advance(Duration.ofMillis(1));

        assertThatThrownBy(() -> waiting.get(5, TimeUnit.SECONDS))
                .hasRootCauseInstanceOf(ResolveTimeoutException.class)
                .hasRootCauseMessage("looking up mail.example.com did not finish within 10000 ms");
        never.countDown();
    }

    @Test
    void eachHostIsLookedUpOncePerIntegrationWhateverItsCase() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        HostLookups lookups = new HostLookups(host -> {
            calls.incrementAndGet();
            return List.of(InetAddress.getByName("192.0.2.7"));
        }, Duration.ofSeconds(10), time);

        assertThat(lookups.addresses("mail.example.com")).extracting(InetAddress::getHostAddress)
                .containsExactly("192.0.2.7");
        assertThat(lookups.addresses("MAIL.example.com")).extracting(InetAddress::getHostAddress)
                .containsExactly("192.0.2.7");
        assertThat(calls).hasValue(1);
        assertThat(time.pendingDelays()).as("the timeout of a finished lookup is called off").isEmpty();
    }
}
