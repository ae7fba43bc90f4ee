package org.mailintegrator.examples;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.IntegrationListener;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Phase;
import org.mailintegrator.core.ProtocolCandidate;

/**
 * Metrics for an {@link org.mailintegrator.core.Integrator}, built on {@link IntegrationListener}, in Micrometer:
 *
 * <ul>
 *   <li>{@code mailintegrator.integrations} (timer): every integration, tagged {@code integrated=true|false};</li>
 *   <li>{@code mailintegrator.attempts} (timer): every attempt, tagged {@code outcome}, {@code protocol},
 *       {@code security} and {@code phase} (where it ended);</li>
 *   <li>{@code mailintegrator.phases} (timer): every phase an attempt went through, tagged {@code phase}.</li>
 * </ul>
 *
 * <pre>{@code
 * Integrator integrator = Integrator.builder().policy(Policies.blackBerry())
 *         .listener(new MicrometerListener(registry))
 *         .build();
 * }</pre>
 *
 * <p>This class is thread-safe; it keeps one start time per phase in progress.
 */
public final class MicrometerListener implements IntegrationListener {
    private final MeterRegistry registry;
    private final Map<String, Long> phaseStarts = new ConcurrentHashMap<>();

    public MicrometerListener(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public void integrationStart(Integration integration, List<ProtocolCandidate> candidates) {
        phaseStarts.put(key(integration, null, null), System.nanoTime());
    }

    @Override
    public void phaseStart(Integration integration, ProtocolCandidate candidate, Phase phase) {
        phaseStarts.put(key(integration, candidate, phase), System.nanoTime());
    }

    @Override
    public void phaseEnd(Integration integration, ProtocolCandidate candidate, Phase phase) {
        Long start = phaseStarts.remove(key(integration, candidate, phase));
        if (start != null) {
            Timer.builder("mailintegrator.phases").tag("phase", phase.name()).register(registry)
                    .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void attemptEnd(Integration integration, Attempt attempt) {
        Timer.builder("mailintegrator.attempts")
                .tag("outcome", attempt.outcome().name())
                .tag("protocol", attempt.candidate().protocol().name())
                .tag("security", attempt.candidate().security().name())
                .tag("phase", attempt.phase().name())
                .register(registry).record(attempt.elapsed());
    }

    @Override
    public void integrationEnd(Integration integration, IntegrationResult result) {
        phaseStarts.remove(key(integration, null, null));
        Timer.builder("mailintegrator.integrations").tag("integrated", Boolean.toString(result.isIntegrated()))
                .register(registry).record(result.elapsed());
    }

    private static String key(Integration integration, @Nullable ProtocolCandidate candidate, @Nullable Phase phase) {
        return integration.id() + " " + candidate + " " + phase;
    }
}
