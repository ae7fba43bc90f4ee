package org.mailintegrator.discovery;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.DiscoveredHosts;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.internal.DaemonPools;
import org.mailintegrator.core.internal.SystemTimeline;
import org.mailintegrator.core.internal.Timeline;
import org.mailintegrator.core.spi.DiscoveryContext;
import org.mailintegrator.core.spi.HostDiscovery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds an account's servers from its address, for {@code Integrator.builder().discovery(Discovery.standard())}.
 *
 * <p>The sources run concurrently and are decided by priority: the provider's autoconfig over HTTPS, DNS SRV
 * records (RFC 6186, RFC 8314), the bundled snapshot of Mozilla's ISPDB, the MX records looked up in those sources,
 * and guesses ({@code imap.}, {@code pop.}, {@code smtp.}, {@code mail.}, the bare domain). Incoming servers (IMAP,
 * POP3) and outgoing ones (SMTP submission) are decided apart: each by the first source, in priority order, that
 * names a server for it or withdraws one of its services, once every higher one has answered or failed. The search
 * ends when the directions the integration needs ({@link DiscoveryContext#protocols()}) are decided; lower sources
 * are then cancelled. Each source has its own deadline and the whole search
 * has one (default {@value #DEFAULT_DEADLINE_MILLIS} ms), whatever DNS and HTTP do. Every server carries its
 * {@link org.mailintegrator.core.Provenance}; the integrator gives credentials only to trusted ones, to hosts
 * within the address's domain, or to hosts the caller approves.
 *
 * <p>By default nothing leaves for a third party: the address is sent to no one, the ISPDB is the bundled copy,
 * and autoconfig is fetched over HTTPS only. Instances are immutable and thread-safe.
 */
public final class Discovery implements HostDiscovery {
    private static final Logger log = LoggerFactory.getLogger(Discovery.class);

    /** The default bound of a whole search, in milliseconds. */
    public static final long DEFAULT_DEADLINE_MILLIS = 5_000;

    /** Where every source runs. */
    private static final ThreadPoolExecutor LOOKUPS =
            DaemonPools.fixed("mailintegrator-discovery", 32, new LinkedBlockingQueue<>());

    /** What the search's deadline puts in the queue of answered sources. */
    private static final int DEADLINE = -1;

    /** The default bound of each source's own lookups, in milliseconds. */
    public static final long DEFAULT_SOURCE_TIMEOUT_MILLIS = 4_000;

    private final List<Source> sources;
    private final Duration deadline;
    private final Duration sourceTimeout;
    private final Timeline timeline;

    Discovery(List<Source> sources, Duration deadline) {
        this(sources, deadline, deadline);
    }

    Discovery(List<Source> sources, Duration deadline, Duration sourceTimeout) {
        this(sources, deadline, sourceTimeout, SystemTimeline.INSTANCE);
    }

    /** {@code timeline}: the clock the search's deadline runs on. */
    Discovery(List<Source> sources, Duration deadline, Duration sourceTimeout, Timeline timeline) {
        this.sources = List.copyOf(sources);
        this.timeline = timeline;
        this.deadline = deadline;
        this.sourceTimeout = sourceTimeout.compareTo(deadline) < 0 ? sourceTimeout : deadline;
    }

    /**
     * Every source, with the defaults: autoconfig over HTTPS only, the system's DNS, the bundled ISPDB, guesses;
     * {@value #DEFAULT_DEADLINE_MILLIS} ms in all, {@value #DEFAULT_SOURCE_TIMEOUT_MILLIS} ms per source.
     */
    public static Discovery standard() {
        return builder().build();
    }

    /** A discovery with other settings. */
    public static Builder builder() {
        return new Builder();
    }

    /** The sources in priority order. */
    List<Source> sources() {
        return sources;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Every source starts at once. Each answer is told to {@link DiscoveryContext#sourceAnswered} as it comes, on
     * this thread, whatever its priority: what the source found, or a note saying why nothing (a failure, no answer
     * within the deadline). The sources below the one that decides are then cancelled; an answer not taken by then
     * is not told.
     */
    @Override
    public DiscoveredHosts discover(MailAccount account, DiscoveryContext context) {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(context, "context");
        long start = timeline.nanoTime();
        Query query = new Query(account.domain(), account, context, sourceTimeout);
        BlockingQueue<Integer> answered = new LinkedBlockingQueue<>();
        // the deadline is one more "answer" in the queue, put there on the timeline's clock
        Timeline.Scheduled cutOffAt = timeline.schedule(() -> answered.add(DEADLINE), deadline);
        List<FutureTask<Findings>> running = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            Source source = sources.get(i);
            int index = i;
            FutureTask<Findings> task = new FutureTask<>(() -> source.find(query)) {
                @Override
                protected void done() {
                    answered.add(index);
                }
            };
            running.add(task);
            LOOKUPS.execute(task);
        }
        Answer[] answers = new Answer[sources.size()];
        DiscoveredHosts.Builder found = DiscoveredHosts.builder(account.domain());
        Set<Direction> wanted = Direction.of(context.protocols());
        Set<Direction> decided = EnumSet.noneOf(Direction.class);
        try {
            int next = 0;
            boolean cutOff = false;
            while (next < sources.size()) {
                // the answers in priority order, up to the first source still running
                while (next < sources.size() && answers[next] != null) {
                    Answer answer = answers[next];
                    answer.notes().forEach(found::note);
                    Findings findings = answer.findings();
                    Set<Direction> decides = EnumSet.noneOf(Direction.class);
                    if (findings != null) {
                        for (Direction direction : Direction.values()) {
                            if (!decided.contains(direction) && findings.decides(direction::covers)) {
                                decides.add(direction);
                            }
                        }
                        addFound(findings, decides, decided.isEmpty(), found);
                    }
                    decided.addAll(decides);
                    boolean done = decided.containsAll(wanted);
                    if (!decides.isEmpty()) {
                        found.note(sources.get(next).name() + " decided" + (decides.containsAll(wanted) ? ""
                                : " " + Direction.describe(decides)) + ", after " + millis(timeline.nanoTime() - start)
                                + (done && next + 1 < sources.size() ? "; the sources below it were not needed" : ""));
                    }
                    if (done) {
                        return built(found);
                    }
                    next++;
                }
                if (next == sources.size()) {
                    break;
                }
                if (cutOff) {
                    // past the deadline or interrupted: a source still running has no answer
                    answers[next] = settle(sources.get(next), running.get(next), context, account);
                    continue;
                }
                int index;
                try {
                    index = answered.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    index = DEADLINE;
                }
                if (index == DEADLINE) {
                    cutOff = true;
                } else if (answers[index] == null) {
                    answers[index] = settle(sources.get(index), running.get(index), context, account);
                }
            }
        } finally {
            cutOffAt.cancel();
            running.forEach(future -> future.cancel(true));
        }
        return built(found);
    }

    private static DiscoveredHosts built(DiscoveredHosts.Builder found) {
        DiscoveredHosts discovered = found.build();
        log.debug("{}", discovered);
        return discovered;
    }

    /** What one source answered, or a note on why it gave nothing; its findings when it found something. */
    private record Answer(@Nullable Findings findings, List<String> notes) {
    }

    /**
     * The answer of {@code source}, done or not; told to the context. A source still running is cancelled and
     * noted as past the deadline, or as interrupted when this thread is.
     */
    private static Answer settle(Source source, Future<Findings> future, DiscoveryContext context,
            MailAccount account) {
        Answer answer = answerOf(source, future);
        DiscoveredHosts.Builder alone = DiscoveredHosts.builder(account.domain());
        Findings findings = answer.findings();
        if (findings != null) {
            addFound(findings, EnumSet.allOf(Direction.class), true, alone);
        }
        answer.notes().forEach(alone::note);
        context.sourceAnswered(source.name(), alone.build());
        return answer;
    }

    /**
     * Adds what {@code findings} found for {@code directions} (servers, withdrawn services), not its notes, to
     * {@code to}; its OAuth2 data too when it decides a direction and {@code first} (no source decided before it).
     */
    private static void addFound(Findings findings, Set<Direction> directions, boolean first,
            DiscoveredHosts.Builder to) {
        findings.endpoints().stream().filter(e -> Direction.anyCovers(directions, e.candidate().protocol()))
                .forEach(to::add);
        findings.notOffered().stream().filter(n -> Direction.anyCovers(directions, n.protocol()))
                .forEach(n -> to.notOffered(n.protocol(), n.security(), n.reason()));
        if (first && !directions.isEmpty()) {
            findings.oauth2().ifPresent(signIn -> to.oauth2(signIn.provider(), signIn.provenance()));
        }
    }

    /**
     * Where mail goes: each is decided by the first source, in priority order, that names a server for it or
     * withdraws one of its services, so that a domain whose SRV records name only its submission server still has
     * its incoming servers found by a lower source.
     */
    private enum Direction {
        INCOMING("incoming mail"),
        OUTGOING("outgoing mail");

        private final String description;

        Direction(String description) {
            this.description = description;
        }

        boolean covers(MailProtocol protocol) {
            return protocol.isIncoming() == (this == INCOMING);
        }

        static boolean anyCovers(Set<Direction> directions, MailProtocol protocol) {
            return directions.stream().anyMatch(direction -> direction.covers(protocol));
        }

        /** The directions {@code protocols} belong to. */
        static Set<Direction> of(Set<MailProtocol> protocols) {
            Set<Direction> directions = EnumSet.noneOf(Direction.class);
            for (Direction direction : values()) {
                if (protocols.stream().anyMatch(direction::covers)) {
                    directions.add(direction);
                }
            }
            return directions;
        }

        static String describe(Set<Direction> directions) {
            return String.join(" and ", directions.stream().map(direction -> direction.description).toList());
        }
    }

    private static Answer answerOf(Source source, Future<Findings> future) {
        if (!future.isDone()) {
            future.cancel(true);
            return new Answer(null, List.of(source.name() + (Thread.currentThread().isInterrupted() ? ": interrupted"
                    : ": no answer within the discovery deadline")));
        }
        try {
            Findings findings = future.get();
            return new Answer(findings, findings.notes());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (!(cause instanceof IOException)) {
                log.warn("The discovery source {} failed", source.name(), cause);
            }
            return new Answer(null, List.of(source.name() + ": " + (cause instanceof IOException ? cause.getMessage()
                    : "failed (" + cause + ")")));
        } catch (CancellationException e) {
            return new Answer(null, List.of(source.name() + ": cancelled"));
        } catch (InterruptedException e) {
            // a done future does not wait; kept for the compiler
            Thread.currentThread().interrupt();
            return new Answer(null, List.of(source.name() + ": interrupted"));
        }
    }

    private static String millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos) + " ms";
    }


    @Override
    public String toString() {
        List<String> names = new ArrayList<>();
        sources.forEach(source -> names.add(source.name()));
        return "Discovery" + names + " within " + deadline.toMillis() + " ms";
    }

    /** Settings of a {@link Discovery}; every setter checks its argument at once. Not thread-safe. */
    public static final class Builder {
        private Duration deadline = Duration.ofMillis(DEFAULT_DEADLINE_MILLIS);
        private Duration sourceTimeout = Duration.ofMillis(DEFAULT_SOURCE_TIMEOUT_MILLIS);
        private boolean plainHttp;
        private boolean liveIspdb;
        private boolean guesses = true;
        private List<InetSocketAddress> dnsServers = List.of();
        private @Nullable Function<String, List<URI>> autoconfigLocations;
        private @Nullable Path ispdbSnapshot;

        private Builder() {
        }

        /** The bound of a whole search (default {@value #DEFAULT_DEADLINE_MILLIS} ms). */
        public Builder deadline(Duration deadline) {
            this.deadline = positive(deadline, "deadline");
            return this;
        }

        /** The bound of each source's own lookups (default {@value #DEFAULT_SOURCE_TIMEOUT_MILLIS} ms). */
        public Builder sourceTimeout(Duration timeout) {
            this.sourceTimeout = positive(timeout, "sourceTimeout");
            return this;
        }

        /**
         * Also fetches autoconfig over plain HTTP. Off by default: anyone on the path can forge such an answer, so
         * the hosts it names are untrusted (credentials go there only within the address's domain or when
         * approved).
         */
        public Builder allowPlainHttp() {
            this.plainHttp = true;
            return this;
        }

        /**
         * Also asks Mozilla's live ISPDB ({@code autoconfig.thunderbird.net}) when the bundled copy does not know
         * the domain. Off by default: it tells a third party which domain is being set up.
         */
        public Builder liveIspdb() {
            this.liveIspdb = true;
            return this;
        }

        /** Asks these DNS servers (any port) instead of the system's. */
        public Builder dnsServers(List<InetSocketAddress> servers) {
            List<InetSocketAddress> copy = List.copyOf(Objects.requireNonNull(servers, "servers"));
            if (copy.isEmpty()) {
                throw new IllegalArgumentException("dnsServers must name at least one server");
            }
            this.dnsServers = copy;
            return this;
        }

        /**
         * Where to fetch the autoconfig document of a domain, most preferred first, instead of the standard URLs
         * ({@code https://autoconfig.<domain>/mail/config-v1.1.xml}, then
         * {@code https://<domain>/.well-known/autoconfig/mail/config-v1.1.xml}, and their {@code http://} forms
         * after them with {@link #allowPlainHttp()}): for an organisation's internal autoconfig service, or a test's
         * server on loopback. The function is called with the address's domain, and with the domain of a provider
         * found through MX; an empty list skips autoconfig for that domain, and an
         * {@link IllegalArgumentException} from it is noted as no URL for the domain. It replaces the standard URLs
         * whether or not {@link #allowPlainHttp()} is set. Trust stays as for the standard URLs: servers named by a
         * document fetched over {@code https} are trusted, over {@code http} they are not. The function must be
         * safe for concurrent use and return quickly.
         */
        public Builder autoconfigLocations(Function<String, List<URI>> locations) {
            this.autoconfigLocations = Objects.requireNonNull(locations, "locations");
            return this;
        }

        /**
         * Reads the ISPDB from {@code snapshot} instead of the bundled copy: a file in the bundled format (written
         * by {@code IspdbSnapshotTool} in this module's sources from a checkout of {@code thunderbird/autoconfig}),
         * to refresh the data without a new release. Read once, on first use; an unreadable file is a note in
         * every result and the ISPDB source then finds nothing.
         */
        public Builder ispdbSnapshot(Path snapshot) {
            this.ispdbSnapshot = Objects.requireNonNull(snapshot, "snapshot");
            return this;
        }

        /** Does not guess names ({@code imap.}, {@code pop.}, {@code smtp.}, {@code mail.}, the bare domain). */
        public Builder withoutGuesses() {
            this.guesses = false;
            return this;
        }

        public Discovery build() {
            DnsClient dns = dnsServers.isEmpty() ? DnsClient.system() : DnsClient.using(dnsServers);
            Path file = ispdbSnapshot;
            Source ispdb = file == null ? new IspdbSource(liveIspdb)
                    : new IspdbSource(snapshotFrom(file), liveIspdb ? IspdbSource::liveLocation : null);
            Source autoconfig = autoconfigLocations != null ? new AutoconfigSource(autoconfigLocations)
                    : new AutoconfigSource(plainHttp);
            List<Source> sources = new ArrayList<>(List.of(autoconfig, new SrvSource(dns), ispdb,
                    new MxSource(new MxLookup(dns), List.of(ispdb, autoconfig))));
            if (guesses) {
                sources.add(new GuessSource());
            }
            return new Discovery(sources, deadline, sourceTimeout);
        }

        /** The snapshot in {@code file}, read on first use and kept; a failed read is tried again next time. */
        private static IspdbSource.Snapshot snapshotFrom(Path file) {
            AtomicReference<@Nullable Ispdb> loaded = new AtomicReference<>();
            return () -> {
                Ispdb ispdb = loaded.get();
                if (ispdb == null) {
                    try (InputStream in = Files.newInputStream(file)) {
                        ispdb = Ispdb.from(in);
                    }
                    loaded.set(ispdb);
                }
                return ispdb;
            };
        }

        private static Duration positive(Duration duration, String name) {
            Objects.requireNonNull(duration, name);
            if (duration.isNegative() || duration.isZero() || duration.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(name + " must be between 1 ms and " + Integer.MAX_VALUE
                        + " ms, was " + duration);
            }
            return duration;
        }
    }
}
