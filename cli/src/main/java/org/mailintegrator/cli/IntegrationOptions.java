package org.mailintegrator.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.PreferencePolicy;
import org.mailintegrator.core.spi.HostResolver;
import org.mailintegrator.discovery.Discovery;
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

    @Option(names = "--mail-port", paramLabel = "STANDARD=PORT",
            description = "Send every candidate of a standard port to another port, e.g. 993=3993 or imaps=3993 "
                    + "(names: imaps 993, pop3s 995, imap 143, pop3 110, submissions 465, submission 587, smtp 25). "
                    + "Repeatable.")
    List<String> ports = new ArrayList<>();

    @Option(names = "--ca-file", paramLabel = "FILE",
            description = "Trust the certificate authorities in this PEM file instead of the JDK's.")
    @Nullable Path caFile;

    @Option(names = "--trust-store", paramLabel = "FILE",
            description = "Trust the certificates of this PKCS12 or JKS trust store instead of the JDK's.")
    @Nullable Path trustStore;

    @Option(names = "--trust-store-password-env", paramLabel = "VARIABLE",
            description = "The environment variable that holds the trust store's password, if it has one.")
    @Nullable String trustStorePasswordVariable;

    @Option(names = "--resolve", paramLabel = "HOST=ADDRESS",
            description = "Connect to ADDRESS for HOST, like curl's --resolve (the certificate is still checked "
                    + "against HOST). Repeatable.")
    List<String> resolve = new ArrayList<>();

    @Option(names = "--discover", description = "Find the servers from the address (autoconfig, DNS SRV, "
            + "Mozilla's ISPDB, MX, guesses) for the protocols whose host is not given.")
    boolean discover;

    @Option(names = "--dns-server", paramLabel = "HOST[:PORT]",
            description = "The DNS server discovery asks (implies --discover). Repeatable.")
    List<String> dnsServers = new ArrayList<>();

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
        return integrator(policy());
    }

    /**
     * A new integrator builder for {@code policy} with these options applied (ports, trust, resolver, discovery,
     * timeouts). Reads the trust files; no network I/O.
     *
     * @param policy the preference policy, before {@code --mail-port} moves its candidates
     * @return the builder; the caller adds its listener and builds
     * @throws IllegalArgumentException for an invalid value
     */
    Integrator.Builder integrator(PreferencePolicy policy) {
        Integrator.Builder builder = Integrator.builder()
                .policy(PortMap.parse(ports).apply(policy))
                .connectTimeout(connectTimeout)
                .readTimeout(readTimeout)
                .authTimeout(authTimeout);
        if (rememberUnreachable != null) {
            builder.rememberUnreachable(rememberUnreachable);
        }
        SSLContext trust = trust();
        if (trust != null) {
            builder.sslContext(trust);
        }
        if (!resolve.isEmpty()) {
            builder.resolver(resolver(resolve));
        }
        if (discover || !dnsServers.isEmpty() || "discovered".equalsIgnoreCase(this.policy)) {
            Discovery.Builder discovery = Discovery.builder();
            if (!dnsServers.isEmpty()) {
                discovery.dnsServers(dnsServers.stream().map(IntegrationOptions::dnsServer).toList());
            }
            builder.discovery(discovery.build());
        }
        return builder;
    }

    /** The TLS context of {@code --ca-file} or {@code --trust-store}; null for the JDK's trust store. */
    private @Nullable SSLContext trust() {
        if (caFile != null && trustStore != null) {
            throw new IllegalArgumentException("--ca-file and --trust-store do not go together: give one");
        }
        if (trustStorePasswordVariable != null && trustStore == null) {
            throw new IllegalArgumentException("--trust-store-password-env goes with --trust-store");
        }
        try {
            KeyStore anchors;
            if (caFile != null) {
                anchors = KeyStore.getInstance(KeyStore.getDefaultType());
                anchors.load(null, null);
                int number = 0;
                try (InputStream in = Files.newInputStream(caFile)) {
                    for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                        anchors.setCertificateEntry("ca-" + number++, certificate);
                    }
                }
                if (number == 0) {
                    throw new IllegalArgumentException("--ca-file " + caFile + " holds no PEM certificate");
                }
            } else if (trustStore != null) {
                char[] password = null;
                if (trustStorePasswordVariable != null) {
                    String value = System.getenv(trustStorePasswordVariable);
                    if (value == null) {
                        throw new IllegalArgumentException("--trust-store-password-env: the environment variable "
                                + trustStorePasswordVariable + " is not set");
                    }
                    password = value.toCharArray();
                }
                anchors = KeyStore.getInstance(trustStore.toFile(), password);
            } else {
                return null;
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(anchors);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            Path file = caFile != null ? caFile : trustStore;
            throw new IllegalArgumentException("cannot read the certificates of " + file + ": " + e.getMessage(), e);
        }
    }

    /** The resolver of {@code --resolve}: the given hosts to their addresses, every other host as the JDK does. */
    private static HostResolver resolver(List<String> entries) {
        Map<String, List<InetAddress>> fixed = new LinkedHashMap<>();
        for (String entry : entries) {
            int equals = entry.indexOf('=');
            if (equals <= 0 || equals == entry.length() - 1) {
                throw new IllegalArgumentException("--resolve must be HOST=ADDRESS, e.g. "
                        + "mail.example.com=127.0.0.1, not " + entry);
            }
            String address = entry.substring(equals + 1);
            if (!address.matches("[0-9.]+|\\[?[0-9A-Fa-f:.]+]?")) {
                throw new IllegalArgumentException("--resolve " + entry + ": " + address
                        + " is not an IP address");
            }
            try {
                // an IP literal: no lookup
                InetAddress literal = InetAddress.getByName(address.replace("[", "").replace("]", ""));
                fixed.computeIfAbsent(entry.substring(0, equals).toLowerCase(Locale.ROOT), host -> new ArrayList<>())
                        .add(literal);
            } catch (IOException e) {
                throw new IllegalArgumentException("--resolve " + entry + ": " + address + " is not an IP address");
            }
        }
        return host -> {
            List<InetAddress> addresses = fixed.get(host.toLowerCase(Locale.ROOT));
            return addresses != null ? List.copyOf(addresses) : HostResolver.SYSTEM.resolve(host);
        };
    }

    private static InetSocketAddress dnsServer(String value) {
        String host = value;
        int port = 53;
        int colon = value.lastIndexOf(':');
        if (colon > 0 && value.indexOf(':') == colon) {
            host = value.substring(0, colon);
            try {
                port = Integer.parseInt(value.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
        }
        if (port < 1 || port > 65535 || !host.matches("[0-9.]+|[0-9A-Fa-f:]+")) {
            throw new IllegalArgumentException("--dns-server must be an IP address with an optional :PORT, e.g. "
                    + "127.0.0.1:5353, not " + value);
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (IOException e) {
            throw new IllegalArgumentException("--dns-server " + value + " is not an IP address");
        }
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
