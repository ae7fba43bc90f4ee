package org.mailintegrator.core.internal.classify;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.ProtocolCandidate;

/**
 * A failed attempt as the classifier's rules see it: the whole exception chain (causes, Jakarta Mail's next
 * exceptions, suppressed ones), its messages, the response code the server's answer starts with, and what the
 * attempt knew and saw (whether the login had started, what the server advertised). Not thread-safe; one per
 * classification.
 */
final class Evidence {
    /** The status words an answer may start with before its response code, as Angus Mail passes answers on. */
    private static final List<String> STATUS_WORDS = List.of("-ERR", "+OK", "NO", "BAD", "BYE", "OK");
    private static final int MAX_CODE_LENGTH = 32;

    private final Throwable failure;
    private final ProtocolCandidate candidate;
    private final boolean loginStarted;
    private final SecretRedactor redactor;
    private final Observed observed;
    private final List<Throwable> chain;
    private final String messages;

    Evidence(Throwable failure, ProtocolCandidate candidate, boolean loginStarted, SecretRedactor redactor,
            Observed observed) {
        this.failure = failure;
        this.candidate = candidate;
        this.loginStarted = loginStarted;
        this.redactor = redactor;
        this.observed = observed;
        this.chain = chainOf(failure);
        StringBuilder all = new StringBuilder();
        for (Throwable t : chain) {
            if (t.getMessage() != null) {
                all.append(t.getMessage().toLowerCase(Locale.ROOT)).append('\n');
            }
        }
        this.messages = all.toString();
    }

    Throwable failure() {
        return failure;
    }

    ProtocolCandidate candidate() {
        return candidate;
    }

    /** Whether the client had begun to send credentials when it failed. */
    boolean loginStarted() {
        return loginStarted;
    }

    /** What the server advertised before the login, as the attempt saw it. */
    Advertised advertised() {
        return observed.advertised();
    }

    /**
     * Whether the server had the password when it gave its last answer: for IMAP and SMTP once the login started
     * ({@code LOGIN}, {@code AUTHENTICATE} and {@code AUTH} carry it); for POP3 only once it accepted {@code USER}, since only then
     * does {@code PASS} follow.
     */
    boolean passwordSent() {
        if (candidate.protocol() != MailProtocol.POP3) {
            return loginStarted;
        }
        return loginStarted && Boolean.TRUE.equals(observed.firstLoginAnswerPositive());
    }

    /**
     * The name of the response code the server's answer starts with ({@code IN-USE}, {@code SYS/TEMP},
     * {@code UNAVAILABLE}, {@code ALERT}, upper-cased), from the first message in the chain that starts with one
     * (after a status word such as {@code -ERR}, {@code NO} or {@code * BYE}); empty when no answer has one. POP3
     * servers announce such codes with {@code RESP-CODES} (RFC 2449); a bracket at the very start of an answer is
     * taken for a code whether or not it was announced, since only a server that means one writes it there.
     */
    Optional<String> responseCode() {
        return codedAnswer().map(Evidence::codeOf).flatMap(code -> code);
    }

    /** The first message in the chain that starts with a response code, stripped. */
    Optional<String> codedAnswer() {
        for (Throwable t : chain) {
            String message = t.getMessage();
            if (message != null && codeOf(message).isPresent()) {
                return Optional.of(message.strip());
            }
        }
        return Optional.empty();
    }

    private static Optional<String> codeOf(String message) {
        String rest = message.strip();
        if (rest.startsWith("* ")) {
            rest = rest.substring(2).strip();
        }
        for (String status : STATUS_WORDS) {
            if (rest.regionMatches(true, 0, status, 0, status.length())
                    && (rest.length() == status.length() || rest.charAt(status.length()) == ' ')) {
                rest = rest.substring(status.length()).strip();
                break;
            }
        }
        if (!rest.startsWith("[")) {
            return Optional.empty();
        }
        int end = rest.indexOf(']');
        if (end < 0) {
            return Optional.empty();
        }
        String name = rest.substring(1, end).strip().split("\\s+", 2)[0];
        if (name.isEmpty() || name.length() > MAX_CODE_LENGTH || !name.matches("[A-Za-z0-9/_.-]+")) {
            return Optional.empty();
        }
        return Optional.of(name.toUpperCase(Locale.ROOT));
    }

    /**
     * An SMTP reply (RFC 5321 §4.2) in the chain: its three-digit code, its enhanced status code (RFC 3463) or an
     * empty string, and the reply as the server wrote it, stripped.
     */
    record SmtpReply(int code, String enhanced, String text) {
    }

    private static final java.util.regex.Pattern SMTP_REPLY = java.util.regex.Pattern.compile(
            "(?:^|response: )([2-5][0-9][0-9])(?:[ -]|$)(?:([245]\\.[0-9]{1,3}\\.[0-9]{1,3})\\b)?");

    /**
     * The first SMTP reply in the chain: a message that starts with a reply code, or Angus Mail's report of a bad
     * greeting ({@code "... response: 421 ..."}); empty when there is none.
     */
    Optional<SmtpReply> smtpReply() {
        for (Throwable t : chain) {
            String message = t.getMessage();
            if (message == null) {
                continue;
            }
            java.util.regex.Matcher matcher = SMTP_REPLY.matcher(message.strip());
            if (matcher.find()) {
                String enhanced = matcher.group(2);
                return Optional.of(new SmtpReply(Integer.parseInt(matcher.group(1)), enhanced == null ? ""
                        : enhanced, message.strip().substring(matcher.start(1)).strip()));
            }
        }
        return Optional.empty();
    }

    boolean isAuthFailure() {
        return failure instanceof AuthenticationFailedException;
    }

    /** Whether an exception of {@code type} is anywhere in the chain. */
    boolean has(Class<? extends Throwable> type) {
        return chain.stream().anyMatch(type::isInstance);
    }

    /** The first exception of {@code type} in the chain. */
    <T extends Throwable> Optional<T> first(Class<T> type) {
        return chain.stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    /** Whether any message in the chain contains {@code lowerCaseText}, ignoring case. */
    boolean mentions(String lowerCaseText) {
        return messages.contains(lowerCaseText);
    }

    /** The first message that contains {@code lowerCaseText} (ignoring case), else the first message. */
    String messageMentioning(String lowerCaseText) {
        for (Throwable t : chain) {
            String message = t.getMessage();
            if (message != null && message.toLowerCase(Locale.ROOT).contains(lowerCaseText)) {
                return message.strip();
            }
        }
        return firstMessage();
    }

    /** The first non-blank message in the chain, else the failure's type. */
    String firstMessage() {
        for (Throwable t : chain) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage().strip();
            }
        }
        return failure.getClass().getSimpleName();
    }

    /** The message of the innermost cause, else the first message. */
    String rootMessage() {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null && !root.getMessage().isBlank() ? root.getMessage().strip()
                : firstMessage();
    }

    /** Text that came from a server or an exception, with any form of the password masked. */
    String redacted(String text) {
        return redactor.redact(text);
    }

    private static List<Throwable> chainOf(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Throwable> pending = new ArrayList<>();
        pending.add(failure);
        while (!pending.isEmpty()) {
            Throwable t = pending.remove(0);
            if (t == null || !seen.add(t)) {
                continue;
            }
            chain.add(t);
            pending.add(t.getCause());
            if (t instanceof MessagingException) {
                pending.add(((MessagingException) t).getNextException());
            }
            Collections.addAll(pending, t.getSuppressed());
        }
        return chain;
    }
}
