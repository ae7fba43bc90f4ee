package org.mailintegrator.strategies;

import static org.mailintegrator.core.MailProtocol.IMAP;
import static org.mailintegrator.core.MailProtocol.POP3;
import static org.mailintegrator.core.MailProtocol.SMTP;
import static org.mailintegrator.core.Security.IMPLICIT_TLS;
import static org.mailintegrator.core.Security.NONE;
import static org.mailintegrator.core.Security.STARTTLS;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import org.mailintegrator.core.DiscoveredHosts;
import org.mailintegrator.core.Endpoint;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.PreferencePolicy;
import org.mailintegrator.core.ProtocolCandidate;

/**
 * Ready {@link PreferencePolicy}s. Each is stateless and thread-safe, and resolves every candidate on the
 * account's host for that protocol ({@code account.host(protocol)}), so that a per-protocol host (POP on
 * {@code pop.example.com}) is honoured.
 */
public final class Policies {
    private static final PreferencePolicy BLACKBERRY = ordered()
            .then(IMAP, IMPLICIT_TLS, 993)
            .then(POP3, IMPLICIT_TLS, 995)
            .then(IMAP, NONE, 143)
            .then(POP3, NONE, 110)
            .build();

    private static final PreferencePolicy SECURE = ordered()
            .then(IMAP, IMPLICIT_TLS, 993)
            .then(POP3, IMPLICIT_TLS, 995)
            .then(IMAP, STARTTLS, 143)
            .then(POP3, STARTTLS, 110)
            .build();

    private static final PreferencePolicy POP_ONLY = ordered()
            .then(POP3, IMPLICIT_TLS, 995)
            .then(POP3, NONE, 110)
            .build();

    private static final PreferencePolicy SUBMISSION_PORTS = ordered()
            .then(SMTP, IMPLICIT_TLS, 465)
            .then(SMTP, STARTTLS, 587)
            .build();

    /** Port 25 is server-to-server relay: a submission chain tries it only when the caller's policy lists it. */
    private static final int RELAY_PORT = 25;

    private static final PreferencePolicy SUBMISSION = new WithDiscovery("Policies.submission()", SUBMISSION_PORTS,
            (account, discovered) -> {
                Set<ProtocolCandidate> chain = new LinkedHashSet<>();
                if (account.givesHost(SMTP)) {
                    chain.addAll(SUBMISSION_PORTS.candidates(account));
                }
                discovered.endpoints(SMTP).stream().map(Endpoint::candidate)
                        .filter(found -> found.port() != RELAY_PORT)
                        .map(found -> found.security() == NONE
                                ? ProtocolCandidate.of(SMTP, STARTTLS, found.host(), found.port()) : found)
                        .forEach(chain::add);
                chain.addAll(SUBMISSION_PORTS.candidates(account));
                return List.copyOf(chain);
            });

    private static final PreferencePolicy DISCOVERED = new WithDiscovery("Policies.discovered()", SECURE,
            (account, discovered) -> {
                // the incoming servers only: discovery may also find where the account sends mail
                List<ProtocolCandidate> incoming = discovered.endpoints().stream().map(Endpoint::candidate)
                        .filter(candidate -> candidate.protocol().isIncoming()).distinct().toList();
                return incoming.isEmpty() ? SECURE.candidates(account, discovered) : incoming;
            });

    /** A policy that is {@code without} when discovery did not run, and {@code with} what it found when it did. */
    private static final class WithDiscovery implements PreferencePolicy {
        private final String name;
        private final PreferencePolicy without;
        private final BiFunction<MailAccount, DiscoveredHosts, List<ProtocolCandidate>> with;

        WithDiscovery(String name, PreferencePolicy without,
                BiFunction<MailAccount, DiscoveredHosts, List<ProtocolCandidate>> with) {
            this.name = name;
            this.without = without;
            this.with = with;
        }

        @Override
        public List<ProtocolCandidate> candidates(MailAccount account) {
            return without.candidates(account);
        }

        @Override
        public List<ProtocolCandidate> candidates(MailAccount account, DiscoveredHosts discovered) {
            return with.apply(account, discovered);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private Policies() {
    }

    /**
     * The order BlackBerry Internet Service used (knowledge-base article KB14351). The account is configured with
     * the highest preference that authenticates:
     * <ol>
     *   <li>IMAP over SSL, port 993;</li>
     *   <li>POP over SSL, port 995;</li>
     *   <li>IMAP without SSL, port 143;</li>
     *   <li>POP without SSL, port 110.</li>
     * </ol>
     * So an account the user thinks of as POP ends up as IMAP whenever IMAP works. An administrator who wants POP
     * stops the IMAP service, or blocks the integrating service from IMAP with a firewall; the chain then falls
     * through to POP. The two cleartext entries send the password unprotected: prefer a secure policy where the
     * servers allow it.
     *
     * <p>With discovery, each step meets the server found for it, on that server's port; the cleartext steps also
     * meet a STARTTLS server found for their protocol (an SRV {@code _imap._tcp} or {@code _pop3._tcp} record
     * covers cleartext too), so that they do not go to 143 or 110 when no record named those ports (see
     * {@link OrderedPolicy#candidates(MailAccount, DiscoveredHosts)}).
     */
    public static PreferencePolicy blackBerry() {
        return BLACKBERRY;
    }

    /**
     * BlackBerry's order without cleartext: the same ports, but on 143 and 110 the STARTTLS/STLS upgrade is
     * required before any credential is sent (RFC 8314 still prefers implicit TLS, so it comes first):
     * <ol>
     *   <li>IMAP over TLS, port 993;</li>
     *   <li>POP over TLS, port 995;</li>
     *   <li>IMAP with required STARTTLS, port 143;</li>
     *   <li>POP with required STLS, port 110.</li>
     * </ol>
     * A server without TLS fails every candidate ({@code REFUSED} or {@code TLS_FAILED}) and never sees the
     * password.
     */
    public static PreferencePolicy secure() {
        return SECURE;
    }

    /**
     * POP only, secure first:
     * <ol>
     *   <li>POP over SSL, port 995;</li>
     *   <li>POP without SSL, port 110.</li>
     * </ol>
     */
    public static PreferencePolicy popOnly() {
        return POP_ONLY;
    }

    /**
     * Where the account sends mail, in RFC 8314's order, each on the account's SMTP host
     * ({@code account.host(MailProtocol.SMTP)}: the host given for SMTP, else the account's host, else the address's
     * domain, exactly as the incoming policies find theirs):
     * <ol>
     *   <li>SMTP submission over TLS, port 465;</li>
     *   <li>SMTP submission with required STARTTLS, port 587.</li>
     * </ol>
     * A candidate counts only once the server has accepted the credentials ({@code AUTH}); a server that offers no
     * sign-in ends {@link org.mailintegrator.core.Outcome#AUTH_NOT_OFFERED}. No message is ever sent. Port 25 (server
     * to server relay) is tried only by a policy that lists it, e.g.
     * {@code Policies.ordered().then(SMTP, STARTTLS, 25)}. The incoming policies never list SMTP; integrate both
     * directions at once with {@link org.mailintegrator.core.IntegrationPair}.
     *
     * <p>With discovery (which runs when the caller gave no SMTP host): the SMTP servers discovery found, in
     * discovery's order, on their own ports ({@code DiscoveredHosts.endpoints(MailProtocol.SMTP)}), then the two
     * steps above on the account's SMTP host or the address's domain. A server found without TLS (an autoconfig
     * {@code plain} entry) is tried with STARTTLS required on its port, so that no password crosses in cleartext;
     * a server found on port 25 is left out. A host the caller gave for SMTP comes first.
     */
    public static PreferencePolicy submission() {
        return SUBMISSION;
    }

    /**
     * The incoming servers exactly as discovery found them, in discovery's order (the deciding source's own order),
     * with their ports and security. Without discovery (or when it found nothing) it falls back to
     * {@link #secure()}, BlackBerry's order without cleartext. Where the account sends mail is
     * {@link #submission()}'s, which also takes discovered servers.
     */
    public static PreferencePolicy discovered() {
        return DISCOVERED;
    }

    /**
     * Starts an ordered policy of your own, built from (protocol, security, port) steps, each resolved on
     * {@code account.host(protocol)}.
     *
     * <pre>{@code
     * PreferencePolicy imapFirst = Policies.ordered()
     *         .then(MailProtocol.IMAP, Security.IMPLICIT_TLS, 993)
     *         .then(MailProtocol.IMAP, Security.STARTTLS, 143)
     *         .build();
     * }</pre>
     */
    public static OrderedPolicy.Builder ordered() {
        return OrderedPolicy.builder();
    }
}
