package org.mailintegrator.core;

import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ResourceBundle;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Why an {@link IntegrationResult} is what it is, in the voice of BlackBerry's KB14351: what was selected, why each
 * more preferred candidate was not (grouped by cause), and what the user or the administrator can do to get a
 * better one. {@link #text()} is what a help-desk person would send; {@link #entries()} gives the cause and remedy
 * of every attempt, for an application that renders its own interface. The words come from a
 * {@link ResourceBundle} ({@code org.mailintegrator.core.Explanations}, English; see
 * {@link IntegrationResult#explanation(ResourceBundle)} for a translation). Immutable and thread-safe.
 */
public final class Explanation {
    /**
     * Why an attempt ended as it did, in the terms a user or an administrator acts on. A cause refines an
     * {@link Outcome}: where it names the same state it has the outcome's name ({@link #REFUSED},
     * {@link #AUTH_FAILED}, {@link #SKIPPED}, ...); the others say which {@link Outcome#TIMED_OUT},
     * {@link Outcome#TLS_FAILED}, {@link Outcome#BUSY}, {@link Outcome#SKIPPED} or {@link Outcome#NOT_TRIED} it was.
     * Immutable and thread-safe; more values may be added in later versions.
     */
    public enum Cause {
        /** It authenticated. */
        AUTHENTICATED,
        /** The connection was refused: the service is stopped or its port closed. */
        REFUSED,
        /** The connection was never answered: a firewall drops it, or the host is down. */
        BLOCKED,
        /** The server, once connected, did not answer in time. */
        SLOW,
        /**
         * The server's certificate is not trusted: untrusted authority, expired or not yet valid, or issued for another
         * name.
         */
        TLS_NOT_TRUSTED,
        /** The TLS handshake failed (no protocol or cipher in common, or no TLS on the port). */
        TLS_HANDSHAKE_FAILED,
        /** The server does not offer, or refused, the STARTTLS/STLS upgrade a {@code STARTTLS} candidate requires. */
        STARTTLS_NOT_OFFERED,
        /** The server takes the password only over TLS. */
        TLS_REQUIRED,
        /** The server said it was busy. */
        BUSY,
        /**
         * The server lets the account sign in only once in a while (POP3 {@code [LOGIN-DELAY]}, RFC 2449), and it
         * signed in too recently: a delay, not a rejection. Recorded on a {@link Outcome#BUSY} attempt.
         */
        LOGIN_DELAYED,
        /**
         * The server takes no more connections from this client at once: it closed new ones before its greeting
         * while it served others (a limit per client address). Recorded on a {@link Outcome#BUSY} attempt.
         */
        CONNECTION_LIMIT,
        /** The password was rejected. */
        AUTH_FAILED,
        /** The access token was rejected. */
        TOKEN_REJECTED,
        /** The provider signs in with OAuth2 only. */
        OAUTH_REQUIRED,
        /** The provider wants an app password. */
        APP_PASSWORD_REQUIRED,
        /** The server offers no OAuth2 sign-in for the account's token. */
        OAUTH_NOT_OFFERED,
        /** The SMTP server offered no way to sign in, so it would not verify the credentials. */
        AUTH_NOT_OFFERED,
        /**
         * The outgoing mail ports did not answer while the incoming server on the same host did: the network the
         * integration ran on most likely blocks outgoing mail ports. Decided only when both directions were
         * integrated together ({@link IntegrationPair}); recorded on a {@link Outcome#TIMED_OUT} SMTP attempt.
         */
        MAIL_PORTS_BLOCKED,
        /** The protocol is switched off for the account. */
        SERVICE_DISABLED,
        /** The host name was not found. */
        UNKNOWN_HOST,
        /** The name server did not answer in time. */
        NAME_SERVER_SILENT,
        /** The server broke the protocol or closed the connection. */
        PROTOCOL_ERROR,
        /** The network failed. */
        NETWORK_ERROR,
        /** The integrator's rules kept it from being contacted. */
        SKIPPED,
        /** Never contacted: its security is below the integrator's minimum. */
        BELOW_MINIMUM_SECURITY,
        /** Never contacted: discovery found its host outside the address's domain, and it was not approved. */
        HOST_NOT_APPROVED,
        /** Never contacted: the domain's DNS says it does not offer this service. */
        SERVICE_WITHDRAWN,
        /** Never contacted: the account's access token source gave no token. */
        NO_ACCESS_TOKEN,
        /** Never contacted: the integrator remembered it as unreachable a moment ago. */
        REMEMBERED_UNREACHABLE,
        /** Never run: the integration's overall deadline passed first. */
        DEADLINE_PASSED,
        /** Never run: the integration stopped at the first rejected credentials ({@code stopOnAuthFailure}). */
        STOPPED_AT_REJECTION,
        /** Never run: the application's executor refused to run it. */
        NOT_RUN,
        /** Given up by the patience window. */
        ABANDONED,
        /**
         * Not tried: a more preferred, more secure candidate was only busy, and the credentials are not sent with less
         * protection in its place. Recorded on a {@link Outcome#NOT_TRIED} attempt.
         */
        HELD_BACK,
        /** Not needed: a more preferred candidate authenticated. */
        NOT_NEEDED,
        /** The integration was cancelled. */
        CANCELLED;

        /**
         * The cause of {@code attempt}'s outcome: the one the integrator recorded where the outcome alone does not
         * tell ({@link Attempt#explainedAs()}), else the one its outcome and phase give.
         */
        public static Cause of(Attempt attempt) {
            Objects.requireNonNull(attempt, "attempt");
            return attempt.explainedAs().orElseGet(() -> ofOutcome(attempt));
        }

        /**
         * The cause {@code attempt}'s outcome and phase give, whatever it records. A {@link Outcome#TLS_FAILED}
         * without a recorded cause (an attempt built by hand) is taken for an untrusted certificate, the most
         * common TLS failure; the integrator records which TLS failure it was.
         */
        static Cause ofOutcome(Attempt attempt) {
            return switch (attempt.outcome()) {
                case AUTHENTICATED -> AUTHENTICATED;
                case REFUSED -> REFUSED;
                case TIMED_OUT -> attempt.phase() == Phase.CONNECT ? BLOCKED
                        : attempt.phase() == Phase.RESOLVE ? NAME_SERVER_SILENT : SLOW;
                case TLS_FAILED -> TLS_NOT_TRUSTED;
                case TLS_REQUIRED -> TLS_REQUIRED;
                case BUSY -> BUSY;
                case AUTH_FAILED -> AUTH_FAILED;
                case TOKEN_REJECTED -> TOKEN_REJECTED;
                case OAUTH_REQUIRED -> OAUTH_REQUIRED;
                case APP_PASSWORD_REQUIRED -> APP_PASSWORD_REQUIRED;
                case OAUTH_NOT_OFFERED -> OAUTH_NOT_OFFERED;
                case AUTH_NOT_OFFERED -> AUTH_NOT_OFFERED;
                case SERVICE_DISABLED -> SERVICE_DISABLED;
                case UNKNOWN_HOST -> UNKNOWN_HOST;
                case PROTOCOL_ERROR -> PROTOCOL_ERROR;
                case NETWORK_ERROR -> NETWORK_ERROR;
                case SKIPPED -> SKIPPED;
                case ABANDONED -> ABANDONED;
                case SUPERSEDED, NOT_TRIED -> NOT_NEEDED;
                case CANCELLED -> CANCELLED;
            };
        }

        /** Whether this cause says something about the candidate's server or the account. */
        boolean telling() {
            return this != AUTHENTICATED && this != NOT_NEEDED && this != CANCELLED;
        }

        /** Whether something can be done about it: everything telling but a rule this library cannot name. */
        boolean remedied() {
            return telling() && this != SKIPPED;
        }
    }

    /**
     * One attempt with its cause, and what would make it work, if anything can be said. Immutable and thread-safe.
     *
     * @param attempt the attempt
     * @param cause why it ended as it did
     * @param remedy what the user or the administrator can do about it; empty when nothing can be said
     */
    public record Entry(Attempt attempt, Cause cause, Optional<String> remedy) {
        /** An entry; {@code NullPointerException} if a part is null. */
        public Entry {
            Objects.requireNonNull(attempt, "attempt");
            Objects.requireNonNull(cause, "cause");
            Objects.requireNonNull(remedy, "remedy");
        }
    }

    /**
     * Candidates that share a cause, and the sentence that says it. Immutable and thread-safe.
     *
     * @param cause the cause they share
     * @param candidates the candidates, in preference order (copied)
     * @param text the sentence, in the explanation's language
     */
    public record Reason(Cause cause, List<ProtocolCandidate> candidates, String text) {
        /** A reason; {@code NullPointerException} if a part or a candidate is null. */
        public Reason {
            Objects.requireNonNull(cause, "cause");
            candidates = List.copyOf(candidates);
            Objects.requireNonNull(text, "text");
        }
    }

    private final String summary;
    private final List<Reason> reasons;
    private final List<String> remedies;
    private final List<Entry> entries;
    private final String remedyHeading;

    private Explanation(String summary, List<Reason> reasons, List<String> remedies, List<Entry> entries,
            String remedyHeading) {
        this.summary = summary;
        this.remedyHeading = remedyHeading;
        this.reasons = List.copyOf(reasons);
        this.remedies = List.copyOf(remedies);
        this.entries = List.copyOf(entries);
    }

    /** The library's English words. */
    static ResourceBundle englishWords() {
        return ResourceBundle.getBundle("org.mailintegrator.core.Explanations", Locale.ROOT);
    }

    static ResourceBundle words(Locale locale) {
        return ResourceBundle.getBundle("org.mailintegrator.core.Explanations", locale);
    }

    static Explanation of(IntegrationResult result, ResourceBundle words) {
        return of(result, words, false);
    }

    /**
     * @param mailPortsBlocked whether the outgoing attempts that were never answered are explained as a network that
     *     blocks outgoing mail ports (the incoming server on the same host answered: {@link IntegrationPair})
     */
    static Explanation of(IntegrationResult result, ResourceBundle words, boolean mailPortsBlocked) {
        Words w = new Words(words);
        List<Attempt> attempts = result.attempts();
        int selected = -1;
        for (int i = 0; i < attempts.size(); i++) {
            if (attempts.get(i).outcome().isAuthenticated()) {
                selected = i;
                break;
            }
        }
        List<Entry> entries = new ArrayList<>();
        for (Attempt attempt : attempts) {
            Cause cause = Cause.of(attempt);
            if (mailPortsBlocked && cause == Cause.BLOCKED && !attempt.candidate().protocol().isIncoming()) {
                cause = Cause.MAIL_PORTS_BLOCKED;
            }
            Optional<String> remedy = cause.remedied()
                    ? Optional.of(w.remedy(cause, attempt.candidate().protocol(), attempt.candidate().host(),
                            List.of(String.valueOf(attempt.candidate().port()))))
                    : Optional.empty();
            entries.add(new Entry(attempt, cause, remedy));
        }
        // a result of SMTP candidates alone is about sending mail, and its sentences say so
        String kind = !attempts.isEmpty() && attempts.stream().noneMatch(a -> a.candidate().protocol().isIncoming())
                ? ".outgoing" : "";
        String summary;
        List<Entry> unused;
        if (selected >= 0) {
            ProtocolCandidate winner = attempts.get(selected).candidate();
            summary = w.format((winner.security() == Security.NONE ? "summary.cleartext" : "summary.integrated")
                    + kind, result.emailAddress(), w.candidate(winner));
            unused = entries.subList(0, selected);
        } else {
            summary = attempts.isEmpty() ? w.format("summary.empty", result.emailAddress())
                    : attempts.size() == 1 ? w.format("summary.failed.one" + kind, result.emailAddress())
                    : w.format("summary.failed" + kind, result.emailAddress(), attempts.size());
            unused = entries;
        }
        Map<Cause, List<Entry>> byCause = new LinkedHashMap<>();
        for (Entry entry : unused) {
            if (entry.cause().telling()) {
                byCause.computeIfAbsent(entry.cause(), c -> new ArrayList<>()).add(entry);
            }
        }
        List<Reason> reasons = new ArrayList<>();
        Set<String> remedies = new LinkedHashSet<>();
        for (Map.Entry<Cause, List<Entry>> group : byCause.entrySet()) {
            List<ProtocolCandidate> candidates = group.getValue().stream().map(e -> e.attempt().candidate()).toList();
            String list = w.list(candidates.stream().map(w::candidate).toList());
            String because = w.get("cause." + group.getKey());
            String text = selected >= 0 ? w.format("reasons.integrated", list, candidates.size(), because)
                    : w.format("reasons.failed", list, because);
            reasons.add(new Reason(group.getKey(), candidates, text));
            remedies.addAll(groupRemedies(w, group.getKey(), candidates));
        }
        if (selected >= 0 && unused.stream().anyMatch(entry -> entry.attempt().outcome() == Outcome.BUSY)) {
            remedies.add(w.get("busy.later"));
        }
        return new Explanation(summary, reasons, new ArrayList<>(remedies), entries, w.get("remedy.heading"));
    }

    /** One remedy per protocol and host, naming its ports together. */
    private static List<String> groupRemedies(Words w, Cause cause, List<ProtocolCandidate> candidates) {
        if (!cause.remedied()) {
            return List.of();
        }
        Map<String, List<ProtocolCandidate>> byService = candidates.stream().collect(Collectors.groupingBy(
                c -> c.protocol() + " " + c.host(), LinkedHashMap::new, Collectors.toList()));
        List<String> remedies = new ArrayList<>();
        for (List<ProtocolCandidate> service : byService.values()) {
            ProtocolCandidate first = service.get(0);
            remedies.add(w.remedy(cause, first.protocol(), first.host(),
                    service.stream().map(c -> String.valueOf(c.port())).distinct().toList()));
        }
        return remedies;
    }

    /** The first sentence: what was selected, or that nothing was. */
    public String summary() {
        return summary;
    }

    /**
     * Why the candidates more preferred than the selected one (all of them, when nothing was selected) were not
     * used, grouped by cause in preference order; candidates that were merely not needed are left out.
     */
    public List<Reason> reasons() {
        return reasons;
    }

    /** What the user or the administrator can do to get a more preferred candidate, or any at all. */
    public List<String> remedies() {
        return remedies;
    }

    /** Every attempt in preference order, with its cause and remedy. */
    public List<Entry> entries() {
        return entries;
    }

    /** The whole explanation: the summary, the reasons, and what can be done, one per line. */
    public String text() {
        StringBuilder text = new StringBuilder(summary);
        for (Reason reason : reasons) {
            text.append('\n').append(reason.text());
        }
        if (!remedies.isEmpty()) {
            text.append('\n').append(remedyHeading);
            for (String remedy : remedies) {
                text.append("\n- ").append(remedy);
            }
        }
        return text.toString();
    }

    /** Same as {@link #text()}. */
    @Override
    public String toString() {
        return text();
    }

    /** The words of one bundle, formatted with its locale. */
    private static final class Words {
        private final ResourceBundle bundle;

        Words(ResourceBundle bundle) {
            this.bundle = bundle;
        }

        String get(String key) {
            return bundle.getString(key);
        }

        String format(String key, @Nullable Object... arguments) {
            Locale locale = bundle.getLocale() == null ? Locale.ROOT : bundle.getLocale();
            return new MessageFormat(get(key), locale).format(arguments);
        }

        String candidate(ProtocolCandidate candidate) {
            String kind = format("security." + candidate.security(), candidate.protocol());
            return format("candidate", kind, candidate.host() + ":" + candidate.port());
        }

        String list(List<String> items) {
            if (items.size() == 1) {
                return items.get(0);
            }
            String result = items.get(items.size() - 1);
            result = format("list.two", items.get(items.size() - 2), result);
            for (int i = items.size() - 3; i >= 0; i--) {
                result = format("list.more", items.get(i), result);
            }
            return result;
        }

        String remedy(Cause cause, MailProtocol protocol, String host, List<String> ports) {
            return format("remedy." + cause, null, null, protocol, host, list(ports), ports.size());
        }
    }
}
