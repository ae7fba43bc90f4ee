package org.mailintegrator.core.internal.attempt;

import jakarta.mail.MessagingException;
import jakarta.mail.Service;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.Explanation;
import org.mailintegrator.core.IntegrationListener.Integration;
import org.mailintegrator.core.Outcome;
import org.mailintegrator.core.Phase;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;
import org.mailintegrator.core.internal.Credentials;
import org.mailintegrator.core.internal.SafeListener;
import org.mailintegrator.core.internal.Timeline;
import org.mailintegrator.core.internal.Wording;
import org.mailintegrator.core.internal.classify.FailureClassifier;
import org.mailintegrator.core.internal.classify.UnprotectedSessionException;
import org.mailintegrator.core.internal.classify.Verdict;
import org.mailintegrator.core.internal.planning.HostLookups;
import org.mailintegrator.core.internal.planning.UnreachableMemory;
import org.mailintegrator.core.internal.protocol.MailSessions;
import org.mailintegrator.core.internal.protocol.ProtocolDriver;
import org.mailintegrator.core.internal.racing.Lane;
import org.mailintegrator.core.internal.racing.Race;
import org.mailintegrator.core.internal.racing.TryEnd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the tries of one integration's attempts: resolve, connect, TLS, greeting, login, each through Jakarta Mail
 * on sockets the attempt owns, reporting to the candidate's {@link Lane} and to the listener. Thread-safe:
 * each try runs on a thread of its own.
 */
public final class AttemptRunner {
    private static final Logger log = LoggerFactory.getLogger(AttemptRunner.class);
    /**
     * Where the warning for a password sent without TLS goes: a stable name under the public {@code Integrator}'s,
     * documented for logging configurations.
     */
    private static final Logger CLEARTEXT = LoggerFactory.getLogger("org.mailintegrator.core.Integrator.cleartext");

    /** How attempts reach servers, fixed for an integrator's life. */
    public record Settings(MailSessions sessions, FailureClassifier classifier, Duration addressStagger,
            Duration authTimeout, SafeListener listener) {
    }

    private final Settings settings;
    private final Integration integration;
    private final Credentials credentials;
    private final HostLookups lookups;
    private final @Nullable UnreachableMemory unreachable;
    private final Timeline timeline;

    /**
     * @param unreachable the integrator's memory of unreachable endpoints, which the tries consult before they
     *     connect and teach when they end; null when the integrator keeps none
     * @param timeline the clock the tries' address races decide on
     */
    public AttemptRunner(Settings settings, Integration integration, Credentials credentials, HostLookups lookups,
            @Nullable UnreachableMemory unreachable, Timeline timeline) {
        this.timeline = timeline;
        this.settings = settings;
        this.integration = integration;
        this.credentials = credentials;
        this.lookups = lookups;
        this.unreachable = unreachable;
    }

    /** One try of {@code lane}'s candidate; on the calling thread, which it holds until the try is over. */
    public void run(Lane lane) {
        ProtocolCandidate candidate = lane.candidate();
        SafeListener listener = settings.listener();
        AttemptTransport transport = new AttemptTransport(candidate, settings.addressStagger(), timeline,
                settings.authTimeout(), settings.sessions().sslSocketFactory(), credentials.isToken(),
                () -> awaitTurn(lane));
        transport.phaseListener((from, to) -> {
            if (to == Phase.CONNECT) {
                lane.connecting();
            }
            if (from == Phase.CONNECT && unreachable != null && transport.isConnected()) {
                unreachable.reachable(candidate);
            }
            if (from != Phase.NOT_STARTED) {
                listener.phaseEnd(integration, candidate, from);
            }
            listener.phaseStart(integration, candidate, to);
        });
        Race.Start start = lane.begin(transport);
        if (start == Race.Start.STOPPED) {
            return;
        }
        transport.permit(lane.permit());
        if (start == Race.Start.FIRST) {
            listener.attemptStart(integration, candidate);
        }
        TryEnd end = knownUnreachable(candidate).orElseGet(() -> attempt(lane, transport));
        Attempt recorded = lane.end(end);
        if (unreachable != null && recorded != null && recorded.outcome() == end.outcome()) {
            // the try ended on its own (the race did not stop it): what it saw of the endpoint is worth keeping
            unreachable.learn(candidate, end.outcome(), end.phase());
        }
        // the listener hears the end outside the race's monitor; the integration completes only after it has
        if (end.phase() != Phase.NOT_STARTED) {
            listener.phaseEnd(integration, candidate, end.phase());
        }
        if (recorded != null) {
            listener.attemptEnd(integration, recorded);
        }
        lane.announced(recorded != null);
    }

    /**
     * The end of a try that is not made because the endpoint was found unreachable since the integration was
     * planned (by an integration running alongside): no connection, the outcome the endpoint had.
     */
    private Optional<TryEnd> knownUnreachable(ProtocolCandidate candidate) {
        if (unreachable == null) {
            return Optional.empty();
        }
        return unreachable.recall(candidate).map(known -> new TryEnd(known.outcome(),
                Wording.knownUnreachable(candidate, known.outcome(), known.ago(), unreachable.duration()), null,
                Phase.NOT_STARTED, null, false, Explanation.Cause.REMEMBERED_UNREACHABLE));
    }

    private TryEnd attempt(Lane lane, AttemptTransport transport) {
        ProtocolCandidate candidate = lane.candidate();
        ProtocolDriver driver = ProtocolDriver.of(candidate.protocol());
        transport.phase(Phase.RESOLVE);
        Service store = null;
        Throwable failure = null;
        boolean stoppedHere = false;
        boolean authenticated = false;
        // a token is read when the turn comes, so that a refreshed one is what a waiting attempt sends
        AtomicReference<@Nullable String> sentToken = new AtomicReference<>();
        try {
            transport.addresses(lookups.addresses(candidate.host()));
            MailSessions sessions = settings.sessions();
            Properties props = sessions.properties(candidate, transport.connectHost(), transport.socketFactory(
                    candidate.security() == Security.IMPLICIT_TLS), transport.startTlsSocketFactory(),
                    credentials.isToken());
            props.put(MailSessions.CAPABILITY_SINK, (MailSessions.CapabilitySink) transport::capabilitiesReported);
            String secret = credentials.secret();
            if (credentials.isToken()) {
                props.put(MailSessions.TOKEN_AT_TURN, (MailSessions.TokenAtTurn) () -> {
                    transport.beforeCredentials();
                    String token = credentials.secret();
                    sentToken.set(token);
                    return token;
                });
                secret = "(access token, given at the turn)";
            }
            store = sessions.newAttemptService(candidate, transport.connectHost(), credentials.username(), props,
                    credentials.isToken());
            store.connect(transport.connectHost(), candidate.port(), credentials.username(), secret);
            boolean preauthenticated = !transport.credentialsStarted();
            if (!preauthenticated && !transport.credentialsReleased()) {
                throw new IOException("the credentials were held back, yet Jakarta Mail reported a login");
            }
            if (candidate.security() != Security.NONE && !driver.isTls(store)
                    || candidate.security() == Security.STARTTLS && preauthenticated) {
                // a PREAUTH greeting arrives before TLS, so on a STARTTLS candidate anyone on the path could
                // have forged it: such a session is never trusted, even if TLS follows
                throw new UnprotectedSessionException();
            }
            authenticated = true;
            lane.won();
        } catch (MessagingException | IOException | RuntimeException | Error e) {
            // even an Error must finish the attempt, or the integration would wait for it forever
            failure = e;
            stoppedHere = transport.stoppedHere();
            ProtocolException withheld = transport.withheld();
            if (withheld != null) {
                // what Jakarta Mail made of the closed connection says nothing: why it was closed does
                failure = new MessagingException(withheld.getMessage(), withheld);
            }
        } finally {
            if (store != null) {
                closeQuietly(store);
            }
            transport.detach();
        }
        Phase phase = transport.phase();
        String addressNote = transport.targets().size() < 2 ? ""
                : Wording.addressNote(transport.hostName(), transport.addressFailures());
        if (authenticated || failure == null) {
            String detail = transport.credentialsStarted() ? Wording.accepted(candidate, credentials.username())
                    : Wording.preauthenticated(candidate);
            return new TryEnd(Outcome.AUTHENTICATED, detail + addressNote, null, phase,
                    transport.connectedAddress());
        }
        Verdict verdict;
        try {
            verdict = settings.classifier().classify(failure, candidate, transport.credentialsStarted(),
                    credentials.redactor(), transport.observed());
        } catch (RuntimeException | Error bug) {
            // the attempt must end whatever happens here, or the integration would wait for it forever
            log.error("Could not classify the failure of {}", candidate, bug);
            return new TryEnd(Outcome.PROTOCOL_ERROR, Wording.unclassified(candidate), null, phase,
                    transport.connectedAddress());
        }
        log.trace("{} failed ({} rule)", candidate, verdict.rule(), verdict.cause());
        String detail = verdict.detail();
        boolean tryAgain = false;
        String rejected = sentToken.get();
        if (verdict.outcome() == Outcome.TOKEN_REJECTED && rejected != null) {
            tryAgain = credentials.refresh(rejected);
            if (!tryAgain && credentials.refreshAsked()) {
                detail += Wording.tokenRejectedAfterRefresh();
            }
        }
        TryEnd end = new TryEnd(verdict.outcome(), detail + addressNote, verdict.cause(), phase,
                transport.connectedAddress(), tryAgain, verdict.explainedAs());
        if (verdict.explainedAs() == Explanation.Cause.LOGIN_DELAYED) {
            // the server said how long it wants between logins: the race waits that long, or does not try again
            OptionalLong seconds = transport.observed().advertised().loginDelaySeconds();
            end = end.retryingAfter(seconds.isPresent() ? Duration.ofSeconds(seconds.getAsLong()) : null);
        }
        return EarlyClose.of(failure, verdict.outcome(), transport, stoppedHere) ? end.closedEarly() : end;
    }

    /** The credential gate: blocks until it is this candidate's turn, then lets the login start. */
    private void awaitTurn(Lane lane) throws IOException {
        CompletableFuture<@Nullable Void> turn = lane.readyForTurn();
        try {
            turn.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to authenticate");
        } catch (ExecutionException e) {
            throw new IOException("waiting for the turn failed", e.getCause());
        }
        lane.startLogin();
        if (!lane.candidate().security().protectsCredentials()) {
            CLEARTEXT.warn("Sending the credentials of {} in cleartext to {}: the policy lists this candidate without TLS",
                    integration.emailAddress(), lane.candidate());
        }
    }

    private static void closeQuietly(Service store) {
        try {
            store.close();
        } catch (MessagingException | RuntimeException e) {
            log.trace("closing a store failed", e);
        }
    }
}
