package org.mailintegrator.discovery;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The MX hosts of a domain, for looking the provider up in the other sources: a domain whose mail goes to
 * {@code aspmx.l.google.com} is most likely served by Google's IMAP servers. Not a {@link Source}: the MX records
 * name where mail is delivered, not where it is read, so {@code Discovery} uses them only to ask the other sources
 * about the provider's domain ({@link #providerDomain(String)}).
 *
 * <p>Instances are immutable and thread-safe.
 */
final class MxLookup {
    /** By preference, lowest first; equal preferences by host name, so that the order does not depend on the server. */
    private static final Comparator<DnsClient.Mx> BY_PREFERENCE =
            Comparator.comparingInt(DnsClient.Mx::preference).thenComparing(DnsClient.Mx::host);

    private final DnsClient dns;

    MxLookup(DnsClient dns) {
        this.dns = Objects.requireNonNull(dns, "dns");
    }

    /**
     * The MX hosts of {@code domain}, most preferred first, each once, without final dots. Empty when the domain
     * does not exist, has no MX records, or has a null MX (RFC 7505: a single MX with the target {@code .}, "no mail
     * here").
     *
     * @throws IOException if no DNS server answered within {@code timeout}, or the answer was an error
     * @throws InterruptedException if interrupted while waiting
     */
    List<String> mxHosts(String domain, Duration timeout) throws IOException, InterruptedException {
        List<DnsClient.Mx> records = new ArrayList<>(dns.mx(domain, timeout).records());
        records.sort(BY_PREFERENCE);
        List<String> hosts = new ArrayList<>();
        for (DnsClient.Mx mx : records) {
            if (!".".equals(mx.host()) && !hosts.contains(mx.host())) {
                hosts.add(mx.host());
            }
        }
        return List.copyOf(hosts);
    }

    /**
     * The domain to look an MX host up under: its last two labels, e.g. {@code google.com} for
     * {@code aspmx.l.google.com} and {@code outlook.com} for {@code mail.protection.outlook.com}.
     *
     * <p>An approximation: it knows nothing of public suffixes, so a host under a two-label suffix gives the
     * suffix ({@code mx.example.co.uk} gives {@code co.uk}), and a provider whose MX hosts live under another
     * brand's domain gives that domain. Lookups under a wrong domain find nothing, or find hosts whose provenance
     * says they came from an MX guess.
     *
     * @throws IllegalArgumentException if {@code mxHost} is blank
     */
    static String providerDomain(String mxHost) {
        String host = mxHost.trim().toLowerCase(Locale.ROOT);
        while (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("not a host name: \"" + mxHost + "\"");
        }
        int last = host.lastIndexOf('.');
        if (last < 0) {
            return host;
        }
        int secondLast = host.lastIndexOf('.', last - 1);
        return secondLast < 0 ? host : host.substring(secondLast + 1);
    }
}
