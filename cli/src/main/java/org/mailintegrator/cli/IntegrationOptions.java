package org.mailintegrator.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.PreferencePolicy;
import org.mailintegrator.strategies.Policies;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The options every command that integrates shares (a picocli mixin): hosts, policy, timeouts, and what the
 * library takes beyond them. {@link #integrator()} and {@link #account(String)} turn them into the library's
 * builders; an invalid value is a usage error found before any network I/O. Not thread-safe: filled by picocli,
 * then read.
 */
final class IntegrationOptions {
    @Option(names = "--host", paramLabel = "HOST", description = "The mail server of every protocol.")
    @Nullable String host;

    @Option(names = "--imap-host", paramLabel = "HOST", description = "The IMAP server.")
    @Nullable String imapHost;

    @Option(names = "--pop-host", paramLabel = "HOST", description = "The POP3 server.")
    @Nullable String popHost;

    @Option(names = "--smtp-host", paramLabel = "HOST", description = "The SMTP submission server.")
    @Nullable String smtpHost;

    @Option(names = "--username", paramLabel = "NAME", description = "The login name, when it is not the address.")
    @Nullable String username;

    @Option(names = "--policy", paramLabel = "NAME", defaultValue = "blackberry",
            description = "blackberry, secure, pop-only, submission or discovered (default: ${DEFAULT-VALUE}).")
    String policy = "blackberry";

    @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "10s",
            converter = DurationConverter.class, description = "e.g. 500ms, 10s, 2m (default: ${DEFAULT-VALUE}).")
    Duration connectTimeout = Integrator.DEFAULT_CONNECT_TIMEOUT;

    @Option(names = "--read-timeout", paramLabel = "DURATION", defaultValue = "10s",
            converter = DurationConverter.class, description = "(default: ${DEFAULT-VALUE}).")
    Duration readTimeout = Integrator.DEFAULT_READ_TIMEOUT;

    @Option(names = "--auth-timeout", paramLabel = "DURATION", defaultValue = "30s",
            converter = DurationConverter.class, description = "(default: ${DEFAULT-VALUE}).")
    Duration authTimeout = Integrator.DEFAULT_AUTH_TIMEOUT;

    @Option(names = "--remember-unreachable", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Remember endpoints that refused or dropped a connection for this long.")
    @Nullable Duration rememberUnreachable;

    /** The preference policy the {@code --policy} option names. */
    PreferencePolicy policy() {
        switch (policy.toLowerCase(Locale.ROOT)) {
            case "blackberry":
                return Policies.blackBerry();
            case "secure":
                return Policies.secure();
            case "pop-only":
                return Policies.popOnly();
            case "submission":
                return Policies.submission();
            case "discovered":
                return Policies.discovered();
            default:
                throw new IllegalArgumentException("--policy must be blackberry, secure, pop-only, submission or "
                        + "discovered, not " + policy);
        }
    }

    /**
     * A new integrator builder with these options applied.
     *
     * @return the builder; the caller adds its listener and builds
     * @throws IllegalArgumentException for an invalid value, before any network I/O
     */
    Integrator.Builder integrator() {
        Integrator.Builder builder = Integrator.builder()
                .policy(policy())
                .connectTimeout(connectTimeout)
                .readTimeout(readTimeout)
                .authTimeout(authTimeout);
        if (rememberUnreachable != null) {
            builder.rememberUnreachable(rememberUnreachable);
        }
        return builder;
    }

    /**
     * A new account builder for {@code address} with these options' hosts and login name; the caller adds the
     * secret.
     *
     * @param address the email address
     * @return the builder
     * @throws IllegalArgumentException for an invalid address or host, before any network I/O
     */
    MailAccount.Builder account(String address) {
        MailAccount.Builder account = MailAccount.builder(address);
        if (host != null) {
            account.host(host);
        }
        if (imapHost != null) {
            account.host(MailProtocol.IMAP, imapHost);
        }
        if (popHost != null) {
            account.host(MailProtocol.POP3, popHost);
        }
        if (smtpHost != null) {
            account.host(MailProtocol.SMTP, smtpHost);
        }
        if (username != null) {
            account.username(username);
        }
        return account;
    }

    /** Reads {@code 500ms}, {@code 10s}, {@code 2m} (and ISO-8601 such as {@code PT10S}). */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m)");

        @Override
        public Duration convert(String value) {
            Matcher matcher = SHORT.matcher(value.trim().toLowerCase(Locale.ROOT));
            Duration duration;
            if (matcher.matches()) {
                long amount = Long.parseLong(matcher.group(1));
                duration = switch (matcher.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    default -> Duration.ofMinutes(amount);
                };
            } else {
                try {
                    duration = Duration.parse(value);
                } catch (RuntimeException e) {
                    throw new CommandLine.TypeConversionException(
                            "'" + value + "' is not a duration: write it as 500ms, 10s or 2m");
                }
            }
            if (duration.isZero() || duration.isNegative()) {
                throw new CommandLine.TypeConversionException("'" + value + "' must be longer than zero");
            }
            return duration;
        }
    }
}
