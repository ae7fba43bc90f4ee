package org.mailintegrator.core.internal.planning;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.DiscoveredHosts;
import org.mailintegrator.core.Endpoint;
import org.mailintegrator.core.Explanation;
import org.mailintegrator.core.HostApproval;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Provenance;
import org.mailintegrator.core.internal.Wording;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may receive an account's credentials. Hosts the caller or the policy named, hosts within the address's domain
 * (the domain itself or a name under it) and hosts from a trusted source may; a host that only an untrusted source
 * proposed (an MX outside the domain, plain HTTP, a guess outside the domain) needs the caller's
 * {@link HostApproval}. A candidate that may not is skipped before any connection. Also skips the services the
 * domain says it does not offer, and tells which servers discovery says take OAuth2 only, where a password is not
 * sent. Thread-safe.
 */
public final class CredentialRelease {
    private static final Logger log = LoggerFactory.getLogger(CredentialRelease.class);

    /** No discovery ran: every host came from the caller or the policy. */
    public static final CredentialRelease CALLER_HOSTS = new CredentialRelease(null, null, HostApproval.NONE);

    private final @Nullable MailAccount account;
    private final @Nullable DiscoveredHosts discovered;
    private final HostApproval approval;

    private CredentialRelease(@Nullable MailAccount account, @Nullable DiscoveredHosts discovered,
            HostApproval approval) {
        this.account = account;
        this.discovered = discovered;
        this.approval = approval;
    }

    /** The rule for an account whose hosts discovery found. */
    public static CredentialRelease discovered(MailAccount account, DiscoveredHosts discovered, HostApproval approval) {
        return new CredentialRelease(account, discovered, approval);
    }

    /** Why a candidate may not be tried: the sentence for its attempt, and the cause in {@link Explanation}'s terms. */
    record Refusal(String detail, Explanation.Cause cause) {
    }

    /**
     * Where {@code candidate}'s endpoint came from, when a discovery source named its host with its port
     * in discovery's order; a trusted source first. Empty for a port no source named,
     * even on a host discovery found: that candidate is the policy's guess on the host, not the source's word.
     */
    Optional<Provenance> provenance(ProtocolCandidate candidate) {
        if (discovered == null) {
            return Optional.empty();
        }
        List<Provenance> found = provenances(discovered, candidate.host(), candidate.port());
        return found.stream().filter(Provenance::isTrusted).findFirst().or(() -> found.stream().findFirst());
    }

    private static final int ANY_PORT = 0;

    /** Where {@code host} (on {@code port}, or on any port) was found, in discovery's order; each source once. */
    private static List<Provenance> provenances(DiscoveredHosts discovered, String host, int port) {
        return discovered.endpoints().stream().filter(e -> e.candidate().host().equalsIgnoreCase(host)
                && (port == ANY_PORT || e.candidate().port() == port)).map(Endpoint::provenance).distinct().toList();
    }

    /**
     * Why {@code candidate} must not be tried, if it must not: the domain withdraws the service
     * ({@link Explanation.Cause#SERVICE_WITHDRAWN}), or only an untrusted source proposed its host, outside the
     * address's domain, and the caller did not approve it ({@link Explanation.Cause#HOST_NOT_APPROVED}). Whether
     * credentials may go to a host is decided by the host, whatever port the candidate names.
     */
    Optional<Refusal> refusal(ProtocolCandidate candidate) {
        if (discovered == null || account == null) {
            return Optional.empty();
        }
        Optional<String> notOffered = discovered.notOffered(candidate.protocol(), candidate.security());
        if (notOffered.isPresent()) {
            return Optional.of(new Refusal(Wording.notOffered(notOffered.get()), Explanation.Cause.SERVICE_WITHDRAWN));
        }
        List<Provenance> found = provenances(discovered, candidate.host(), ANY_PORT);
        if (found.isEmpty() || withinDomain(candidate.host(), account.domain())
                || found.stream().anyMatch(Provenance::isTrusted)) {
            return Optional.empty();
        }
        Provenance first = found.get(0);
        if (approved(account, candidate.host(), first)) {
            return Optional.empty();
        }
        return Optional.of(new Refusal(Wording.untrustedHost(candidate.host(), first, account.emailAddress(),
                account.domain()), Explanation.Cause.HOST_NOT_APPROVED));
    }

    /**
     * Why a password must not go to {@code candidate}, if discovery says its server takes OAuth2 only: the
     * source's entry for exactly this candidate (protocol, security, host and port) lists OAuth2 and nothing else.
     */
    Optional<String> oauth2Only(ProtocolCandidate candidate) {
        DiscoveredHosts found = discovered;
        if (found == null) {
            return Optional.empty();
        }
        return found.endpoints().stream()
                .filter(endpoint -> endpoint.candidate().equals(candidate))
                .findFirst()
                .filter(Endpoint::isOAuth2Only)
                .map(endpoint -> Wording.oauth2Only(candidate, endpoint.provenance(), found.oauth2().orElse(null)));
    }

    private boolean approved(MailAccount account, String host, Provenance provenance) {
        try {
            return approval.approve(account, host, provenance);
        } catch (RuntimeException e) {
            log.warn("The host approval {} threw for {}; not approved", approval, host, e);
            return false;
        }
    }

    /** Whether {@code host} is {@code domain} or a name under it. */
    static boolean withinDomain(String host, String domain) {
        String h = host.toLowerCase(Locale.ROOT);
        String d = domain.toLowerCase(Locale.ROOT);
        return h.equals(d) || h.endsWith("." + d);
    }
}
