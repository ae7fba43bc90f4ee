package org.mailintegrator.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.mailintegrator.core.DiscoveredHosts;
import org.mailintegrator.core.Endpoint;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Provenance;
import org.mailintegrator.core.Security;
import org.mailintegrator.core.internal.Timeline;
import org.mailintegrator.core.spi.DiscoveryContext;
import org.mailintegrator.core.spi.HostResolver;

/** Sources run together and are decided by priority, within the deadline, whatever a source does. */
class DiscoveryPriorityTest {
    private static final MailAccount ACCOUNT = MailAccount.builder("alice@example.com").password("pw").build();

    @Test
    void aHigherSourceWinsEvenWhenALowerOneAnswersFirst() throws Exception {
        CountDownLatch lowerAnswered = new CountDownLatch(1);
        Source higher = source("higher", query -> {
            assertThat(lowerAnswered.await(5, TimeUnit.SECONDS)).isTrue();
            return new Findings().add(endpoint("imap.example.com", Provenance.Kind.AUTOCONFIG));
        });
        Source lower = source("lower", query -> {
            lowerAnswered.countDown();
            return new Findings().add(endpoint("mail.example.com", Provenance.Kind.GUESS));
        });

        DiscoveredHosts found = new Discovery(List.of(higher, lower), Duration.ofSeconds(5))
                .discover(ACCOUNT, context());

        assertThat(found.endpoints()).extracting(e -> e.candidate().host()).containsExactly("imap.example.com");
        assertThat(found.notes()).anyMatch(note -> note.startsWith("higher decided"));
    }

    @Test
    void aSourceThatFindsNothingOrFailsLetsTheNextDecide() {
        Source empty = source("empty", query -> Findings.nothing("empty: no entry for example.com"));
        Source failing = source("failing", query -> {
            throw new IOException("HTTP 500");
        });
        Source guess = source("guess", query -> new Findings().add(endpoint("mail.example.com", Provenance.Kind.GUESS)));

        DiscoveredHosts found = new Discovery(List.of(empty, failing, guess), Duration.ofSeconds(5))
                .discover(ACCOUNT, context());

        assertThat(found.endpoints()).extracting(e -> e.candidate().host()).containsExactly("mail.example.com");
        assertThat(found.notes()).contains("empty: no entry for example.com", "failing: HTTP 500");
    }

    @Test
    void aSourceThatHangsIsCutOffAtTheDeadlineAndTheOthersStillCount() throws InterruptedException {
        CountDownLatch hangs = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        Source hanging = source("hanging", query -> {
            hangs.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
            return new Findings();
        });
        Source guess = source("guess", query -> new Findings().add(endpoint("mail.example.com", Provenance.Kind.GUESS)));
        HeldDeadline clock = new HeldDeadline();
        Told told = new Told();
        Discovery discovery = new Discovery(List.of(hanging, guess), Duration.ofMillis(300), Duration.ofMillis(300),
                clock);

        CompletableFuture<DiscoveredHosts> search = CompletableFuture.supplyAsync(
                () -> discovery.discover(ACCOUNT, context().withSourceListener(told)));
        assertThat(told.guessTold.await(5, TimeUnit.SECONDS)).as("the guess answered").isTrue();
        assertThat(hangs.await(5, TimeUnit.SECONDS)).as("the higher source is asked and hangs").isTrue();
        assertThat(search).as("waits for the higher source until the deadline").isNotDone();
        clock.passes(Duration.ofMillis(300));
        DiscoveredHosts found = search.join();

        assertThat(found.endpoints()).extracting(e -> e.candidate().host()).containsExactly("mail.example.com");
        assertThat(found.notes()).contains("hanging: no answer within the discovery deadline");
        // cancel(true) only delivers the interrupt: the source's thread handles it on its own time
        assertThat(interrupted.await(5, TimeUnit.SECONDS)).as("the hanging source was interrupted").isTrue();
    }

    @Test
    void aWithdrawnServiceIsAnAnswerThatDecides() {
        Source srv = source("srv", query -> new Findings().notOffered(MailProtocol.POP3, Security.IMPLICIT_TLS,
                "_pop3s._tcp.example.com says POP3 over TLS is not offered"));
        Source guess = source("guess", query -> new Findings().add(endpoint("mail.example.com", Provenance.Kind.GUESS)));

        DiscoveredHosts found = new Discovery(List.of(srv, guess), Duration.ofSeconds(5)).discover(ACCOUNT, context());

        assertThat(found.notOffered(MailProtocol.POP3, Security.IMPLICIT_TLS)).isPresent();
        assertThat(found.endpoints()).isEmpty();
    }

    @Test
    void eachSourceIsToldAsItAnswersWhateverItsPriority() {
        Told told = new Told();
        Source higher = source("higher", query -> {
            assertThat(told.lowerTold.await(5, TimeUnit.SECONDS)).as("the lower source was told first").isTrue();
            return new Findings().add(endpoint("imap.example.com", Provenance.Kind.AUTOCONFIG));
        });
        Source failing = source("failing", query -> {
            throw new IOException("HTTP 500");
        });
        Source lower = source("lower", query -> new Findings().add(endpoint("mail.example.com", Provenance.Kind.GUESS))
                .note("lower: found by guessing"));

        DiscoveredHosts found = new Discovery(List.of(failing, higher, lower), Duration.ofSeconds(5))
                .discover(ACCOUNT, context().withSourceListener(told));

        assertThat(found.endpoints()).extracting(e -> e.candidate().host()).containsExactly("imap.example.com");
        assertThat(told.sources()).containsExactlyInAnyOrder("failing", "higher", "lower")
                .containsSubsequence("lower", "higher");
        assertThat(told.answer("lower").endpoints()).extracting(e -> e.candidate().host())
                .containsExactly("mail.example.com");
        assertThat(told.answer("lower").notes()).containsExactly("lower: found by guessing");
        assertThat(told.answer("failing").endpoints()).isEmpty();
        assertThat(told.answer("failing").notes()).containsExactly("failing: HTTP 500");
        assertThat(told.answer("higher").endpoints()).extracting(e -> e.candidate().host())
                .containsExactly("imap.example.com");
    }

    @Test
    void aSourceWithoutAnAnswerByTheDeadlineIsToldSoAndOneBelowTheDecidingSourceIsNot() throws InterruptedException {
        Told told = new Told();
        Source hanging = source("hanging", query -> {
            new CountDownLatch(1).await();
            return new Findings();
        });
        Source guess = source("guess", query -> new Findings().add(endpoint("mail.example.com", Provenance.Kind.GUESS)));
        Source below = source("below", query -> {
            new CountDownLatch(1).await();
            return new Findings();
        });

        HeldDeadline clock = new HeldDeadline();
        Discovery discovery = new Discovery(List.of(hanging, guess, below), Duration.ofMillis(300),
                Duration.ofMillis(300), clock);

        CompletableFuture<DiscoveredHosts> search = CompletableFuture.supplyAsync(
                () -> discovery.discover(ACCOUNT, context().withSourceListener(told)));
        assertThat(told.guessTold.await(5, TimeUnit.SECONDS)).as("the guess answered").isTrue();
        clock.passes(Duration.ofMillis(300));
        search.join();

        assertThat(told.sources()).containsExactlyInAnyOrder("hanging", "guess");
        assertThat(told.answer("hanging").notes()).containsExactly("hanging: no answer within the discovery deadline");
    }

    @Test
    void eachDirectionIsDecidedByTheFirstSourceThatNamesAServerForIt() {
        Endpoint submission = Endpoint.of(ProtocolCandidate.of(MailProtocol.SMTP, Security.IMPLICIT_TLS,
                "smtp.example.com", 465), Provenance.of(Provenance.Kind.SRV, "_submissions._tcp.example.com", false));
        Endpoint ispdbSmtp = Endpoint.of(ProtocolCandidate.of(MailProtocol.SMTP, Security.STARTTLS,
                "smtp.provider.example", 587), Provenance.of(Provenance.Kind.ISPDB, "test ISPDB", true));
        Source srv = source("srv", query -> new Findings().add(submission));
        Source ispdb = source("ispdb", query -> new Findings().add(endpoint("imap.provider.example",
                Provenance.Kind.ISPDB)).add(ispdbSmtp));
        Source guess = source("guess", query -> new Findings().add(endpoint("mail.example.com",
                Provenance.Kind.GUESS)));
        Discovery discovery = new Discovery(List.of(srv, ispdb, guess), Duration.ofSeconds(5));

        DiscoveredHosts both = discovery.discover(ACCOUNT, context().withProtocols(EnumSet.allOf(MailProtocol.class)));
        DiscoveredHosts incoming = discovery.discover(ACCOUNT, context());

        assertThat(both.endpoints(MailProtocol.SMTP)).containsExactly(submission);
        assertThat(both.endpoints(MailProtocol.IMAP)).extracting(e -> e.candidate().host())
                .containsExactly("imap.provider.example");
        assertThat(both.notes())
                .anyMatch(note -> note.startsWith("srv decided outgoing mail, after"))
                .anyMatch(note -> note.startsWith("ispdb decided incoming mail, after")
                        && note.endsWith("the sources below it were not needed"));
        assertThat(incoming.endpoints(MailProtocol.IMAP)).as("a withdrawn or found submission server does not"
                + " decide for incoming mail").extracting(e -> e.candidate().host())
                .containsExactly("imap.provider.example");
    }

    /** What a discovery told its context, in order. */
    private static final class Told implements DiscoveryContext.SourceListener {
        final CountDownLatch lowerTold = new CountDownLatch(1);
        final CountDownLatch guessTold = new CountDownLatch(1);
        private final List<String> sources = new CopyOnWriteArrayList<>();
        private final Map<String, DiscoveredHosts> answers = new ConcurrentHashMap<>();

        @Override
        public void sourceAnswered(String source, DiscoveredHosts answer) {
            sources.add(source);
            answers.put(source, answer);
            if (source.equals("lower")) {
                lowerTold.countDown();
            }
            if (source.equals("guess")) {
                guessTold.countDown();
            }
        }

        List<String> sources() {
            return List.copyOf(sources);
        }

        DiscoveredHosts answer(String source) {
            return answers.get(source);
        }
    }

    /**
     * A timeline on which the search's deadline falls due only when the test says the time has passed: the
     * deadline is the one task scheduled.
     */
    private static final class HeldDeadline implements Timeline {
        private final CompletableFuture<Runnable> deadline = new CompletableFuture<>();
        private volatile Duration delay = Duration.ZERO;

        @Override
        public long nanoTime() {
            return 0;
        }

        @Override
        public Scheduled schedule(Runnable task, Duration after) {
            delay = after;
            deadline.complete(task);
            return () -> { };
        }

        @Override
        public void execute(Runnable task) {
            throw new UnsupportedOperationException("discovery hands nothing to the timeline's thread");
        }

        /** {@code elapsed} has passed since the search began: the deadline falls due if that is its delay. */
        void passes(Duration elapsed) {
            Runnable task = deadline.join();
            assertThat(delay).as("the search's deadline").isEqualTo(elapsed);
            task.run();
        }
    }

    interface Lookup {
        Findings find(Query query) throws IOException, InterruptedException;
    }

    private static Source source(String name, Lookup lookup) {
        return new Source() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Findings find(Query query) throws IOException, InterruptedException {
                return lookup.find(query);
            }
        };
    }

    private static Endpoint endpoint(String host, Provenance.Kind kind) {
        return Endpoint.of(ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS, host, 993),
                Provenance.of(kind, "test " + kind, kind != Provenance.Kind.GUESS));
    }

    private static DiscoveryContext context() {
        try {
            return DiscoveryContext.of(SSLContext.getDefault(), HostResolver.SYSTEM)
                    .withProtocols(Set.of(MailProtocol.IMAP, MailProtocol.POP3));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
