package org.mailintegrator.discovery;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.mailintegrator.core.Endpoint;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Provenance;
import org.mailintegrator.core.Security;

/**
 * Finds servers in the domain's SRV records (RFC 6186, with RFC 8314's implicit-TLS labels): looks up
 * {@code _imaps._tcp}, {@code _imap._tcp}, {@code _pop3s._tcp} and {@code _pop3._tcp} for incoming mail and
 * {@code _submissions._tcp} and {@code _submission._tcp} for outgoing mail under the domain concurrently (the names
 * of the protocols the query asks for, {@code query.context().protocols()}), each bounded by the query's timeout.
 *
 * <ul>
 *   <li>{@code _imaps}, {@code _pop3s} and {@code _submissions} name implicit-TLS servers; {@code _imap},
 *       {@code _pop3} and {@code _submission} name servers that RFC 6186 has the client use with STARTTLS, so they
 *       are proposed with {@link Security#STARTTLS} and never with {@link Security#NONE}.
 *   <li>A name whose only record has the target {@code .} says the service is deliberately not offered
 *       (RFC 2782): the source withdraws it ({@link Findings#notOffered}); for {@code _imap}, {@code _pop3} and
 *       {@code _submission} both STARTTLS and cleartext are withdrawn. A {@code .} record next to real ones is
 *       ignored.
 *   <li>Order: by priority across the names (RFC 6186 section 3.4 and RFC 8314 section 5.1 let the priority
 *       span the services), then, at equal priority, implicit-TLS IMAP, implicit-TLS POP3, IMAP, POP3, implicit-TLS
 *       submission, submission; within one name by weight, highest first, then by target and port. RFC 2782 picks among records of equal priority at
 *       random, in proportion to their weights; this source gives that selection's most likely order instead, so
 *       that the same records always give the same order (records of weight 0 come last, as RFC 2782 intends).
 *   <li>Provenance: {@code Provenance.of(SRV, "_imaps._tcp.<domain>", trusted)}, trusted only when the resolver
 *       said that answer was DNSSEC-authenticated ({@link DnsClient.Answer#authenticated()}).
 * </ul>
 *
 * <p>A lookup that fails is a note; when every one fails, {@link #find} throws. Instances are immutable and
 * thread-safe; the lookups run on dnsjava's I/O thread, not the caller's.
 */
final class SrvSource implements Source {
    /** The SRV labels, in the order of preference at equal priority. */
    enum Service {
        IMAPS("_imaps", MailProtocol.IMAP, Security.IMPLICIT_TLS, "IMAP over TLS"),
        POP3S("_pop3s", MailProtocol.POP3, Security.IMPLICIT_TLS, "POP3 over TLS"),
        IMAP("_imap", MailProtocol.IMAP, Security.STARTTLS, "IMAP"),
        POP3("_pop3", MailProtocol.POP3, Security.STARTTLS, "POP3"),
        SUBMISSIONS("_submissions", MailProtocol.SMTP, Security.IMPLICIT_TLS, "mail submission over TLS"),
        SUBMISSION("_submission", MailProtocol.SMTP, Security.STARTTLS, "mail submission");

        private final String label;
        private final MailProtocol protocol;
        private final Security security;
        private final String description;

        Service(String label, MailProtocol protocol, Security security, String description) {
            this.label = label;
            this.protocol = protocol;
            this.security = security;
            this.description = description;
        }

        /** The name to look up for {@code domain}, e.g. {@code _imaps._tcp.example.com}. */
        String name(String domain) {
            return label + "._tcp." + domain;
        }

        /** What a {@code .} target withdraws: implicit TLS, or STARTTLS and cleartext. */
        List<Security> withdrawn() {
            return security == Security.IMPLICIT_TLS ? List.of(Security.IMPLICIT_TLS)
                    : List.of(Security.STARTTLS, Security.NONE);
        }
    }

    /** One usable record and where it came from. */
    private record Found(Service service, DnsClient.Srv srv, Provenance provenance) {
    }

    private static final Comparator<Found> ORDER = Comparator.<Found>comparingInt(found -> found.srv().priority())
            .thenComparing(Found::service)
            .thenComparing(Comparator.<Found>comparingInt(found -> found.srv().weight()).reversed())
            .thenComparing(found -> found.srv().target())
            .thenComparingInt(found -> found.srv().port());

    private final DnsClient dns;

    SrvSource(DnsClient dns) {
        this.dns = Objects.requireNonNull(dns, "dns");
    }

    @Override
    public String name() {
        return "srv";
    }

    @Override
    public Findings find(Query query) throws IOException, InterruptedException {
        String domain = query.domain();
        Duration timeout = query.timeout();
        Map<Service, CompletableFuture<DnsClient.Answer<DnsClient.Srv>>> lookups = new EnumMap<>(Service.class);
        for (Service service : Service.values()) {
            if (query.context().protocols().contains(service.protocol)) {
                lookups.put(service, dns.srvAsync(service.name(domain), timeout));
            }
        }
        try {
            // each lookup ends itself at the timeout; the margin only guards against a late scheduler
            CompletableFuture.allOf(lookups.values().toArray(new CompletableFuture<?>[0]))
                    .get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            lookups.values().forEach(lookup -> lookup.cancel(false));
            throw e;
        } catch (ExecutionException | TimeoutException e) {
            // one or more failed or are late: each is read (and reported) below
        }

        Findings findings = new Findings();
        List<Found> found = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Map.Entry<Service, CompletableFuture<DnsClient.Answer<DnsClient.Srv>>> entry : lookups.entrySet()) {
            Service service = entry.getKey();
            String name = service.name(domain);
            CompletableFuture<DnsClient.Answer<DnsClient.Srv>> lookup = entry.getValue();
            DnsClient.Answer<DnsClient.Srv> answer;
            if (!lookup.isDone()) {
                lookup.cancel(false);
                failures.add(name + ": no answer within " + timeout.toMillis() + " ms");
                findings.note(failures.get(failures.size() - 1));
                continue;
            }
            try {
                answer = lookup.getNow(null);
            } catch (RuntimeException e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                String message = cause.getMessage() != null ? cause.getMessage() : cause.toString();
                failures.add(message);
                findings.note(name + ": lookup failed: " + message);
                continue;
            }
            read(service, name, answer, findings, found);
        }
        if (failures.size() == lookups.size()) {
            throw new IOException("no SRV lookup for " + domain + " succeeded: " + String.join("; ", failures));
        }
        found.sort(ORDER);
        for (Found one : found) {
            DnsClient.Srv srv = one.srv();
            findings.add(Endpoint.of(ProtocolCandidate.of(one.service().protocol, one.service().security,
                    srv.target(), srv.port()), one.provenance()));
        }
        return findings;
    }

    private static void read(Service service, String name, DnsClient.Answer<DnsClient.Srv> answer,
            Findings findings, List<Found> found) {
        String trust = answer.authenticated() ? "DNSSEC-authenticated" : "not DNSSEC-authenticated";
        List<DnsClient.Srv> records = answer.records();
        if (records.isEmpty()) {
            findings.note(name + ": no SRV records");
            return;
        }
        if (records.size() == 1 && records.get(0).notOffered()) {
            String reason = name + " says " + service.description + " is not offered (SRV target \".\")";
            for (Security security : service.withdrawn()) {
                findings.notOffered(service.protocol, security, reason);
            }
            findings.note(reason + ", " + trust);
            return;
        }
        Provenance provenance = Provenance.of(Provenance.Kind.SRV, name, answer.authenticated());
        int usable = 0;
        for (DnsClient.Srv srv : records) {
            if (srv.notOffered()) {
                findings.note(name + ": ignored a \".\" target next to other records");
            } else if (srv.port() == 0) {
                findings.note(name + ": ignored " + srv.target() + " with port 0");
            } else {
                try {
                    ProtocolCandidate.of(service.protocol, service.security, srv.target(), srv.port());
                    found.add(new Found(service, srv, provenance));
                    usable++;
                } catch (IllegalArgumentException e) {
                    findings.note(name + ": ignored a target that is not a host name: " + e.getMessage());
                }
            }
        }
        findings.note(name + ": " + usable + " usable SRV record" + (usable == 1 ? "" : "s") + ", " + trust);
    }
}
