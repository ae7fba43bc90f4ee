package org.mailintegrator.cli.serve;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.IntegrationListener;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Phase;
import org.mailintegrator.core.ProtocolCandidate;

/**
 * One integration the page started: its listener events as JSON documents, kept in order for the page's event
 * stream, and its result once it ends. Events carry candidates, phases, outcomes, times and the library's detail
 * sentences, which never hold a secret. Thread-safe: the integrator's threads add, the stream's thread reads.
 */
final class LiveIntegration implements IntegrationListener {
    /** At most this many events are kept; a race has a few dozen. */
    private static final int MAX_EVENTS = 2_000;

    private final String id;
    private final long started = System.nanoTime();
    private final List<String> events = new ArrayList<>();
    private final List<ProtocolCandidate> chain = new ArrayList<>();
    private @Nullable IntegrationResult result;
    private boolean ended;

    LiveIntegration(String id) {
        this.id = id;
    }

    String id() {
        return id;
    }

    synchronized @Nullable IntegrationResult result() {
        return result;
    }

    synchronized boolean ended() {
        return ended;
    }

    /** The events from {@code from} on, waiting up to {@code millis} for one when there is none yet. */
    synchronized List<String> eventsFrom(int from, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (events.size() <= from && !ended) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return List.copyOf(events.subList(Math.min(from, events.size()), events.size()));
    }

    /** Ends the integration with an error the page shows (the integration could not run). */
    synchronized void fail(String message) {
        add(event("error", Map.of("message", message)));
        ended = true;
        notifyAll();
    }

    @Override
    public synchronized void integrationStart(Integration integration, List<ProtocolCandidate> candidates) {
        chain.clear();
        chain.addAll(candidates);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            ProtocolCandidate candidate = candidates.get(i);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("index", i);
            row.put("protocol", candidate.protocol().name());
            row.put("security", candidate.security().name());
            row.put("host", candidate.host());
            row.put("port", candidate.port());
            rows.add(row);
        }
        add(event("start", Map.of("candidates", rows)));
    }

    @Override
    public synchronized void attemptStart(Integration integration, ProtocolCandidate candidate) {
        add(event("attempt-start", Map.of("index", chain.indexOf(candidate))));
    }

    @Override
    public synchronized void phaseStart(Integration integration, ProtocolCandidate candidate, Phase phase) {
        add(event("phase-start", Map.of("index", chain.indexOf(candidate), "phase", phase.name())));
    }

    @Override
    public synchronized void phaseEnd(Integration integration, ProtocolCandidate candidate, Phase phase) {
        add(event("phase-end", Map.of("index", chain.indexOf(candidate), "phase", phase.name())));
    }

    @Override
    public synchronized void attemptEnd(Integration integration, Attempt attempt) {
        add(event("attempt-end", Map.of("index", chain.indexOf(attempt.candidate()), "outcome",
                attempt.outcome().name(), "phase", attempt.phase().name(), "detail", attempt.detail())));
    }

    @Override
    public synchronized void integrationEnd(Integration integration, IntegrationResult ended) {
        this.result = ended;
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("integrated", ended.isIntegrated());
        fields.put("selected", ended.selected().map(chain::indexOf).orElse(-1));
        fields.put("explanation", ended.explain());
        fields.put("result", "/integrations/" + id + "/result.json");
        add(event("end", fields));
        this.ended = true;
        notifyAll();
    }

    private Map<String, Object> event(String type, Map<String, Object> fields) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", type);
        event.put("t", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        event.putAll(fields);
        return event;
    }

    private void add(Map<String, Object> event) {
        if (events.size() < MAX_EVENTS || "end".equals(event.get("type"))) {
            try {
                events.add(JSON.std.asString(event));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        notifyAll();
    }
}
