package org.mailintegrator.discovery;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * Bounded HTTP GETs for the sources that fetch clientConfig documents (autoconfig, the live ISPDB): the JDK's
 * {@link HttpClient} with the integrator's TLS context (host names verified), a connect timeout and an overall
 * deadline, no redirects followed, only status 200 accepted, and a body cap of {@link #MAX_BODY_BYTES} enforced
 * while reading, so that an endless or huge body fails after the cap instead of filling the heap.
 *
 * <p>Redirects are never followed: a provider's autoconfig is expected at the URL itself, and following a
 * redirect would let whoever answers first send the lookup elsewhere; a 3xx answer is reported with its
 * {@code Location} in a note. Only HTTP/1.1 is spoken (one small GET gains nothing from HTTP/2). Host names are
 * resolved by the JDK's resolver, not the integrator's {@code HostResolver}: the JDK client offers no hook for it.
 *
 * <p>Each lookup builds its own client, because the TLS context and the timeout come with the query; the client's
 * threads are daemons and end once it is unreachable. Stateless and thread-safe.
 */
final class CappedHttp {
    /** The largest body read: 1 MiB, the clientConfig parser's own limit. */
    static final int MAX_BODY_BYTES = ClientConfig.MAX_BYTES;

    /**
     * Reads a 200 answer's body. Returns the value when the body is a good answer, or null when it is not (having
     * said why in {@code notes}); an {@link IOException}'s message becomes the note.
     */
    @FunctionalInterface
    interface BodyReader<T> {
        @Nullable T read(URI uri, byte[] body, List<String> notes) throws IOException;
    }

    /** A good answer and the URL that gave it. */
    record Answer<T>(URI uri, T value) {
    }

    /** A body longer than the cap. */
    static final class BodyTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        BodyTooLargeException(String message) {
            super(message);
        }
    }

    private CappedHttp() {
    }

    /**
     * Fetches every one of {@code uris} concurrently and returns the first good answer in the order of the list: an
     * earlier URL's answer is waited for (within the deadline) before a later one is accepted, so the answer does
     * not depend on which server is faster. What happened to each URL examined is added to {@code notes}, prefixed
     * with {@code label}. The requests still running when this returns are cancelled.
     *
     * @param timeout the connect timeout, and the deadline of the whole call (all URLs, bodies included)
     * @throws InterruptedException if interrupted; the requests are cancelled
     */
    static <T> @Nullable Answer<T> firstGood(String label, List<URI> uris, SSLContext sslContext, Duration timeout,
            BodyReader<T> reader, List<String> notes) throws InterruptedException {
        if (uris.isEmpty()) {
            return null;
        }
        long end = System.nanoTime() + timeout.toNanos();
        HttpClient client = HttpClient.newBuilder()
                .sslContext(sslContext)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        List<CompletableFuture<HttpResponse<byte[]>>> running = new ArrayList<>();
        try {
            for (URI uri : uris) {
                HttpRequest request = HttpRequest.newBuilder(uri)
                        .timeout(timeout)
                        .header("Accept", "application/xml, text/xml;q=0.9, */*;q=0.1")
                        .GET()
                        .build();
                running.add(client.sendAsync(request, CappedHttp::cappedBody));
            }
            for (int i = 0; i < uris.size(); i++) {
                URI uri = uris.get(i);
                String prefix = label + " " + uri + ": ";
                HttpResponse<byte[]> response;
                try {
                    response = running.get(i).get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    notes.add(prefix + "no answer within " + timeout.toMillis() + " ms");
                    continue;
                } catch (ExecutionException e) {
                    notes.add(prefix + describe(e.getCause(), timeout));
                    continue;
                } catch (CancellationException e) {
                    notes.add(prefix + "cancelled");
                    continue;
                }
                int status = response.statusCode();
                if (status != 200) {
                    String location = response.headers().firstValue("Location").orElse("");
                    notes.add(prefix + "HTTP " + status + (status / 100 == 3 && !location.isEmpty()
                            ? " (redirect to " + abbreviate(location) + " not followed)" : ""));
                    continue;
                }
                List<String> readerNotes = new ArrayList<>();
                try {
                    T value = reader.read(uri, response.body(), readerNotes);
                    readerNotes.forEach(note -> notes.add(prefix + note));
                    if (value != null) {
                        return new Answer<>(uri, value);
                    }
                } catch (IOException e) {
                    readerNotes.forEach(note -> notes.add(prefix + note));
                    notes.add(prefix + e.getMessage());
                }
            }
            return null;
        } finally {
            running.forEach(future -> future.cancel(true));
        }
    }

    /** A sentence for a failed request. */
    private static String describe(@Nullable Throwable failure, Duration timeout) {
        if (failure instanceof HttpConnectTimeoutException) {
            return "no connection within " + timeout.toMillis() + " ms";
        }
        if (failure instanceof HttpTimeoutException) {
            return "no answer within " + timeout.toMillis() + " ms";
        }
        if (failure instanceof BodyTooLargeException) {
            return failure.getMessage();
        }
        if (failure instanceof SSLException) {
            return "TLS failed (" + abbreviate(String.valueOf(failure.getMessage())) + ")";
        }
        if (failure instanceof ConnectException) {
            return "connection refused";
        }
        if (failure instanceof IOException && failure.getCause() instanceof SSLException) {
            return describe(failure.getCause(), timeout);
        }
        if (failure == null) {
            return "failed";
        }
        String message = failure.getMessage();
        return "failed (" + failure.getClass().getSimpleName()
                + (message == null ? "" : ": " + abbreviate(message)) + ")";
    }

    private static String abbreviate(String value) {
        String shortened = value.length() > 200 ? value.substring(0, 200) + "..." : value;
        return shortened.replaceAll("\\p{Cntrl}", "?");
    }

    /** The body handler: a 200 answer's body up to the cap; any other answer's body is not read. */
    static HttpResponse.BodySubscriber<byte[]> cappedBody(HttpResponse.ResponseInfo info) {
        if (info.statusCode() != 200) {
            return new CappedSubscriber(0, null);
        }
        OptionalLong declared = info.headers().firstValueAsLong("Content-Length");
        if (declared.isPresent() && declared.getAsLong() > MAX_BODY_BYTES) {
            return new CappedSubscriber(0, new BodyTooLargeException("the body declares " + declared.getAsLong()
                    + " bytes, more than the " + MAX_BODY_BYTES + " accepted"));
        }
        return new CappedSubscriber(MAX_BODY_BYTES, null);
    }

    /**
     * Collects at most {@code cap} bytes; one more fails the body and cancels the subscription, which closes the
     * connection. With a cap of 0 it reads nothing: it cancels at once and completes with an empty body, or with
     * {@code failure} when one is given.
     */
    private static final class CappedSubscriber implements HttpResponse.BodySubscriber<byte[]> {
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final int cap;
        private final @Nullable IOException failure;
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private Flow.@Nullable Subscription subscription;

        CappedSubscriber(int cap, @Nullable IOException failure) {
            this.cap = cap;
            this.failure = failure;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public synchronized void onSubscribe(Flow.Subscription newSubscription) {
            subscription = newSubscription;
            if (failure != null) {
                newSubscription.cancel();
                result.completeExceptionally(failure);
            } else if (cap == 0) {
                newSubscription.cancel();
                result.complete(new byte[0]);
            } else {
                newSubscription.request(Long.MAX_VALUE);
            }
        }

        @Override
        public synchronized void onNext(List<ByteBuffer> buffers) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer buffer : buffers) {
                int length = buffer.remaining();
                if ((long) received.size() + length > cap) {
                    if (subscription != null) {
                        subscription.cancel();
                    }
                    received.reset();
                    result.completeExceptionally(new BodyTooLargeException("the body is larger than the "
                            + cap + " bytes accepted"));
                    return;
                }
                byte[] chunk = new byte[length];
                buffer.get(chunk);
                received.write(chunk, 0, length);
            }
        }

        @Override
        public synchronized void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public synchronized void onComplete() {
            result.complete(received.toByteArray());
        }
    }
}
