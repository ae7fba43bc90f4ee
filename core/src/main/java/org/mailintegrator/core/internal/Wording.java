package org.mailintegrator.core.internal;

import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.OAuth2Provider;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Provenance;
import org.mailintegrator.core.Security;

/**
 * Every sentence the engine writes into an {@link org.mailintegrator.core.Attempt}'s detail, in one place: the
 * voice of a help-desk person who says what happened and what it means. Text that came from a server or an
 * exception arrives here already redacted. Stateless.
 */
public final class Wording {
    private Wording() {
    }

    private static String where(ProtocolCandidate candidate) {
        return candidate.host() + ":" + candidate.port();
    }

    private static String millis(Duration duration) {
        return duration.toMillis() + " ms";
    }

    // How the race ended an attempt

    public static String skipped(Security security, Security minimum) {
        return "Skipped: " + describe(security) + " is below the integrator's minimum security (" + minimum
                + "); no connection was made and no password sent.";
    }

    private static String describe(Security security) {
        return security == Security.NONE ? "cleartext" : security.toString();
    }

    public static String notOffered(String reason) {
        return "Skipped: " + reason + "; no connection was made.";
    }

    public static String untrustedHost(String host, Provenance provenance, String address, String domain) {
        return "Skipped: " + host + " was proposed by " + provenance + ", and it is outside " + domain
                + ", so it may not receive the credentials of " + address + " unless the caller approves it "
                + "(Integrator.builder().approveHosts(...)); no connection was made.";
    }

    public static String oauth2Only(ProtocolCandidate candidate, Provenance provenance,
            @Nullable OAuth2Provider provider) {
        return "Not tried: " + where(candidate) + " signs in with OAuth2 only, according to " + provenance
                + ", so no connection was made and the password was not sent. Sign the user in with OAuth2"
                + (provider == null ? "" : " at " + provider.issuer()
                        + " (IntegrationResult.discovered().oauth2() has the scopes and URLs)")
                + " and integrate with an access token (MailAccount.Builder.accessToken).";
    }

    public static String cancelledWhileRunning() {
        return "Cancelled while it was being tried: the application cancelled the integration.";
    }

    public static String cancelledBeforeStart() {
        return "Cancelled before it started: the application cancelled the integration.";
    }

    public static String deadlineWhileRunning(Duration limit, ProtocolCandidate candidate) {
        return "Stopped: the integration's overall deadline of " + millis(limit) + " passed before "
                + where(candidate) + " answered.";
    }

    public static String deadlineBeforeStart(Duration limit) {
        return "Not tried: the integration's overall deadline of " + millis(limit) + " had passed.";
    }

    public static String stillQueued(ProtocolCandidate candidate) {
        return " It was still waiting for one of the connections allowed to " + where(candidate) + " at a time.";
    }

    public static String abandoned(Duration patience, ProtocolCandidate ready) {
        return "Given up: it had not connected within the patience window of " + millis(patience) + ", and "
                + ready + " was ready.";
    }

    public static String notRun(String reason) {
        return "Not tried: the executor refused to run the attempt (" + reason + ").";
    }

    public static String superseded(ProtocolCandidate winner) {
        return "Superseded: " + winner + ", which the policy prefers, authenticated while this candidate was still "
                + "being tried, so its attempt was stopped.";
    }

    public static String notNeededBeforeStart() {
        return "Not tried: a more preferred candidate had already authenticated.";
    }

    public static String stoppedAtFirstRejection(ProtocolCandidate rejecting, boolean token) {
        return "Not tried: " + rejecting + " rejected the " + (token ? "access token" : "password")
                + ", and the integrator stops at the first rejection "
                + "so that rejected credentials are not sent to more servers.";
    }

    public static String attemptDeadline(ProtocolCandidate candidate, boolean loggingIn, Duration limit) {
        return "The attempt on " + where(candidate) + " did not finish " + (loggingIn ? "its login" : "connecting")
                + " within its deadline of " + millis(limit) + ": the server is too slow or trickles its answers.";
    }

    public static String busyRepeatedly(String busyDetail, int answers, Duration elapsed) {
        return busyDetail + " It said so " + answers + " times in " + millis(elapsed) + "; try again later.";
    }

    /**
     * A server that closed new connections before its greeting while it served others of this client, until the
     * retries ran out: {@code closes} of them in {@code elapsed}, the last one as {@code lastDetail} says.
     */
    public static String connectionLimit(ProtocolCandidate candidate, int closes, Duration elapsed,
            String lastDetail) {
        return "The server at " + where(candidate) + " is up but takes no more connections from this client at "
                + "once: it closed " + (closes == 1 ? "a new connection" : closes + " new connections")
                + " before its greeting, in " + millis(elapsed) + ", while it served others (a limit on the "
                + "connections from one address). It is only busy: integrate again later. The last time: "
                + lastDetail;
    }

    /**
     * A candidate not given the credentials because {@code busy}, more preferred and more secure, was only busy;
     * {@code retryAfter}: when that server said to try again, if it did.
     */
    public static String heldBack(ProtocolCandidate busy, Security security, @Nullable Duration retryAfter) {
        return "Not tried: " + busy + " is more secure and was only busy, so the credentials are not sent "
                + (security == Security.NONE ? "in cleartext" : "with less protection (" + security + ")")
                + " in its place; integrate again " + (retryAfter == null ? "later" : "in " + span(retryAfter))
                + ".";
    }

    // Shared knowledge of unreachable endpoints (Integrator.Builder.rememberUnreachable)

    /**
     * A candidate not contacted because an earlier integration of the same integrator could not connect to its
     * endpoint {@code ago}, with {@code outcome} ({@code REFUSED} or {@code TIMED_OUT}).
     */
    public static String knownUnreachable(ProtocolCandidate candidate, org.mailintegrator.core.Outcome outcome,
            Duration ago, Duration remembered) {
        String how = outcome == org.mailintegrator.core.Outcome.REFUSED ? "the connection was refused"
                : "the connect timed out";
        return "Not contacted: an integration " + span(ago) + " ago found " + where(candidate) + " unreachable ("
                + how + "), and this integrator remembers unreachable endpoints for " + span(remembered)
                + " (Integrator.Builder.rememberUnreachable); the chain moved on at once.";
    }

    /** {@code 850 ms}, {@code 3.2 s}, {@code 45 s}, {@code 10 min}, {@code 24 h}. */
    private static String span(Duration duration) {
        long millis = duration.toMillis();
        if (millis < 1_000) {
            return millis + " ms";
        }
        if (millis < 10_000) {
            return String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
        }
        if (millis < 120_000) {
            return millis / 1000 + " s";
        }
        if (millis < 7_200_000) {
            return millis / 60_000 + " min";
        }
        return millis / 3_600_000 + " h";
    }

    // Success

    public static String accepted(ProtocolCandidate candidate, String username) {
        return "The server at " + where(candidate) + " accepted the credentials of " + username + ".";
    }

    public static String preauthenticated(ProtocolCandidate candidate) {
        return "The server at " + where(candidate) + " authenticated the session without asking for the password "
                + "(PREAUTH).";
    }

    /** Other addresses of the host that failed before one connected; empty when there were none. */
    public static String addressNote(String host, List<String> failures) {
        return failures.isEmpty() ? "" : " Addresses of " + host + " that failed: " + String.join("; ", failures)
                + ".";
    }

    // Failures, as the classifier's rules name them

    public static String preauthBeforeTls(ProtocolCandidate candidate) {
        return "The server at " + where(candidate) + " declared the session authenticated (PREAUTH) before TLS was "
                + "established; an unprotected session is not used.";
    }

    public static String resolveTimedOut(ProtocolCandidate candidate, Duration connectTimeout) {
        return "The name " + candidate.host() + " could not be resolved in time: the DNS resolver did not answer "
                + "within " + millis(connectTimeout) + ".";
    }

    public static String limitBroken(ProtocolCandidate candidate, String limit) {
        return "The server at " + where(candidate) + " broke the limits a mail server keeps: " + limit + ".";
    }

    public static String unknownHost(ProtocolCandidate candidate) {
        return "The host name " + candidate.host() + " does not resolve (DNS lookup failed).";
    }

    public static String refused(ProtocolCandidate candidate) {
        return "The connection to " + where(candidate) + " was refused: nothing listens there (the service is "
                + "stopped, or a firewall rejects it).";
    }

    public static String noRoute(ProtocolCandidate candidate) {
        return "There is no route to " + candidate.host() + ": the network or a firewall blocks it.";
    }

    public static String connectTimedOut(ProtocolCandidate candidate, Duration connectTimeout) {
        return "Connecting to " + where(candidate) + " did not complete within " + millis(connectTimeout)
                + ": a firewall may be dropping the packets, or the host is down.";
    }

    public static String loginTimedOut(ProtocolCandidate candidate, Duration authTimeout) {
        return "The server at " + where(candidate) + " did not answer the login within " + millis(authTimeout) + ".";
    }

    public static String readTimedOut(ProtocolCandidate candidate, Duration readTimeout) {
        return "The server at " + where(candidate) + " accepted the connection but did not answer within "
                + millis(readTimeout) + ".";
    }

    public static String tlsFailed(ProtocolCandidate candidate, String reason) {
        return "A secure connection to " + where(candidate) + " could not be established: " + reason + ".";
    }

    public static String certificateExpired() {
        return "its certificate has expired";
    }

    public static String certificateNotYetValid() {
        return "its certificate is not valid yet";
    }

    public static String certificateForAnotherName(ProtocolCandidate candidate) {
        return "its certificate does not name " + candidate.host();
    }

    public static String certificateUntrusted() {
        return "its certificate is not issued by a trusted authority";
    }

    public static String noTlsOnPort() {
        return "it does not speak TLS on this port";
    }

    public static String handshakeFailed(String said) {
        return "the TLS handshake failed (" + said + ")";
    }

    public static String startTlsNotOffered(ProtocolCandidate candidate, String command) {
        return "The server at " + where(candidate) + " does not offer " + command
                + ", so the credentials were not sent over the unprotected connection.";
    }

    public static String startTlsRefused(ProtocolCandidate candidate, String command) {
        return "The server at " + where(candidate) + " refused " + command
                + ", so the credentials were not sent over the unprotected connection.";
    }

    // What a verdict was read from

    /** A standard response code as the basis of a verdict, e.g. {@code response code [IN-USE], RFC 2449}. */
    public static String responseCode(String code, String rfc) {
        return "response code [" + code + "], " + rfc;
    }

    /** An SMTP reply code as the basis of a verdict, e.g. {@code reply code 535 5.7.8, RFC 4954}. */
    public static String replyCode(int code, String enhanced, String rfc) {
        return "reply code " + code + (enhanced.isEmpty() ? "" : " " + enhanced) + ", " + rfc;
    }

    /** A server's words as the basis of a verdict, e.g. {@code Gmail's wording}. */
    public static String wordingOf(String server) {
        return server + "'s wording";
    }

    /**
     * A server that is up but cannot serve the account now. {@code basis}: what the verdict was read from (a response
     * code, a server's wording).
     */
    public static String busy(ProtocolCandidate candidate, String said, String basis) {
        return "The server at " + where(candidate) + " is up but cannot serve this account now: \"" + said + "\" ("
                + basis + ").";
    }

    /**
     * A POP3 server that enforces a minimum interval between two logins of the account (RFC 2449
     * {@code LOGIN-DELAY}); {@code seconds}: the interval its capabilities advertised, if they did.
     */
    public static String loginDelayed(ProtocolCandidate candidate, String said, OptionalLong seconds) {
        String interval = seconds.isPresent() ? span(Duration.ofSeconds(seconds.getAsLong())) : "some time";
        return "The server at " + where(candidate) + " lets this account sign in only once every " + interval
                + ", and it signed in (perhaps from the user's own mail program) less than that ago: \"" + said
                + "\" (" + responseCode("LOGIN-DELAY", "RFC 2449") + "). This is a delay, not a rejection of the "
                + "credentials: try again " + (seconds.isPresent() ? "in " + interval : "once the delay has passed")
                + ".";
    }

    /** A permanent failure the server reported of itself ({@code [SYS/PERM]}, {@code [SERVERBUG]}). */
    public static String serverFailed(ProtocolCandidate candidate, String said, String basis) {
        return "The server at " + where(candidate) + " reported a permanent failure of its own: \"" + said + "\" ("
                + basis + "). This is not about the password: the server's administrators must repair it (a damaged "
                + "mailbox or a configuration error, for example).";
    }

    public static String closedUnexpectedly(ProtocolCandidate candidate) {
        return "The server at " + where(candidate) + " closed the connection unexpectedly.";
    }

    public static String reset(ProtocolCandidate candidate) {
        return "The connection to " + where(candidate) + " was reset by the server or a device on the way.";
    }

    public static String broken(ProtocolCandidate candidate, String said) {
        return "The connection to " + where(candidate) + " was broken: " + said + ".";
    }

    /** A server whose answer says it takes no credentials without TLS; {@code basis}: what that was read from. */
    public static String tlsRequiredSaid(ProtocolCandidate candidate, String said, String basis) {
        return "The server at " + where(candidate) + " refuses to take credentials without TLS: \"" + said + "\" ("
                + basis + "); use a candidate with TLS.";
    }

    /**
     * A server whose capabilities, before TLS, offer no password login the library uses ({@code advertised}: what it
     * advertised that says so): nothing was sent.
     */
    public static String tlsRequiredAdvertised(ProtocolCandidate candidate, String advertised) {
        String sent = candidate.protocol() == MailProtocol.POP3 ? "neither the user name nor the password was sent"
                : "the password was not sent";
        return "The server at " + where(candidate) + " takes no password without TLS: its capabilities offer no "
                + "password login the library uses on a connection without TLS (" + advertised + "), so " + sent
                + "; use a candidate with TLS.";
    }

    /**
     * A server whose capabilities, over TLS, offer no password login the library uses ({@code advertised}: what it
     * advertised, e.g. only NTLM or GSSAPI).
     */
    public static String noPasswordLoginInCommon(ProtocolCandidate candidate, String advertised) {
        return "The server at " + where(candidate) + " offers no password login the library uses (" + advertised
                + "): the library signs in with PLAIN, LOGIN or USER/PASS over TLS and never with NTLM, GSSAPI, "
                + "CRAM-MD5 or DIGEST-MD5, so the password was not sent.";
    }

    // Access tokens and OAuth2

    public static String oauthNotOffered(ProtocolCandidate candidate) {
        return "The server at " + where(candidate) + " offers no OAuth2 sign-in (neither OAUTHBEARER nor XOAUTH2), "
                + "so the access token was not sent; this says nothing about the token. Integrate with a password, "
                + "or ask the provider whether OAuth2 is enabled for " + candidate.protocol() + ".";
    }

    /**
     * An SMTP server whose {@code EHLO} answer offered no {@code AUTH}; {@code startTlsOffered}: it offered STARTTLS
     * on a connection the candidate keeps without TLS.
     */
    public static String authNotOffered(ProtocolCandidate candidate, boolean startTlsOffered) {
        return "The server at " + where(candidate) + " offered no way to sign in (no AUTH in its EHLO answer"
                + (startTlsOffered ? "; it offers STARTTLS, and likely AUTH only after it, which this candidate does "
                        + "not do" : "") + "), so it would not verify the credentials: it would take mail without "
                + "checking who sends it, and mail sent through it would likely be refused (\"Relay access denied\"). "
                + "Not verified; no credential was sent.";
    }

    public static String oauthOnlyAdvertised(ProtocolCandidate candidate, String mechanisms) {
        return "The server at " + where(candidate) + " offers only OAuth2 sign-in (" + mechanisms
                + ") and no password login, so the password was not sent: sign the user in with OAuth2 and "
                + "integrate with an access token.";
    }

    public static String oauthRequiredSaid(ProtocolCandidate candidate, String said, String basis) {
        return "The server at " + where(candidate) + " refuses passwords: \"" + said + "\" (" + basis + "). The "
                + "provider requires OAuth2 (the password may well be right): sign the user in with OAuth2 and "
                + "integrate with an access token.";
    }

    /** A provider that blocked a password sign-in and wants the user in a web browser (Gmail). */
    public static String webLoginRequired(ProtocolCandidate candidate, String said, String basis) {
        return "The server at " + where(candidate) + " blocked this password sign-in and sends the user to a web "
                + "browser: \"" + said + "\" (" + basis + "). The provider no longer takes the account password "
                + "from mail programs (the password may well be right): sign the user in with OAuth2 and integrate "
                + "with an access token, or the user creates an app password and integrates with it.";
    }

    public static String appPasswordRequired(ProtocolCandidate candidate, String said, String basis) {
        return "The server at " + where(candidate) + " wants an app password, not the account password: \"" + said
                + "\" (" + basis + "). The user creates an app password in the provider's account security settings "
                + "and integrates with it (or the application signs in with OAuth2).";
    }

    /**
     * @param status the status of the server's JSON error, if it sent one
     * @param scope the scope that error names, if any
     */
    public static String tokenRejected(ProtocolCandidate candidate, String mechanism, String said,
            @Nullable String status, @Nullable String scope) {
        String code = status == null ? "" : " (status " + status + (scope == null ? "" : ", scope " + scope) + ")";
        String remedy;
        if ("403".equals(status) || "insufficient_scope".equals(status)) {
            remedy = "The token does not grant mail access" + (scope == null ? "" : " (" + scope + ")")
                    + ": sign the user in again asking for that scope.";
        } else if ("400".equals(status) || "invalid_request".equals(status)) {
            remedy = "The server could not use the request: check the user name the token was issued for.";
        } else {
            remedy = "The token has expired, was revoked, or was issued for another application: get a new one "
                    + "(refresh it, or sign the user in again).";
        }
        return "The server at " + where(candidate) + " rejected the access token (" + mechanism + ")"
                + (said.isBlank() ? "" : ": \"" + said + "\"") + code + ". " + remedy;
    }

    public static String tokenRejectedAfterRefresh() {
        return " The application's token source had already given a refreshed token.";
    }

    public static String noAccessToken(String reason) {
        return "Not tried: the application's access token source gave no token (" + reason
                + "); no connection was made.";
    }

    public static String mechanismRejected(ProtocolCandidate candidate, String said, String basis) {
        return "The server at " + where(candidate) + " does not accept the login method the client used: \"" + said
                + "\" (" + basis + "); this says nothing about the password.";
    }

    public static String serviceDisabled(ProtocolCandidate candidate, String said, String basis) {
        return "The server at " + where(candidate) + " says " + candidate.protocol()
                + " is not enabled for this account: \"" + said + "\" (" + basis + ").";
    }

    public static String credentialsRejected(ProtocolCandidate candidate, String said) {
        return "The server at " + where(candidate) + " rejected the credentials"
                + (said.isBlank() ? "." : ": \"" + said + "\"");
    }

    /** Credentials refused with a response code that says so; {@code basis}: the code. */
    public static String credentialsRejected(ProtocolCandidate candidate, String said, String basis) {
        return "The server at " + where(candidate) + " rejected the credentials: \"" + said + "\" (" + basis + ").";
    }

    /**
     * Credentials refused in words a provider also uses when it no longer takes passwords at all, by a server that
     * advertises OAuth2 ({@code mechanisms}).
     */
    public static String credentialsRejectedOAuthOffered(ProtocolCandidate candidate, String said, String mechanisms,
            String basis) {
        return "The server at " + where(candidate) + " rejected the credentials: \"" + said + "\" (" + basis
                + "). It also offers OAuth2 sign-in (" + mechanisms + "), and Microsoft 365, which answers so, says "
                + "the same whether the password is wrong or passwords are switched off for the organisation (as "
                + "they are for IMAP and POP since Microsoft retired basic authentication): if the password is "
                + "right, sign the user in with OAuth2 and integrate with an access token.";
    }

    public static String unclassified(ProtocolCandidate candidate) {
        return "The attempt on " + where(candidate) + " failed in a way the integrator could not classify; its log "
                + "has the details.";
    }

    public static String notSpeaking(ProtocolCandidate candidate, MailProtocol protocol, String said) {
        return "The server at " + where(candidate) + " did not speak " + protocol + " as expected: " + said + ".";
    }
}
