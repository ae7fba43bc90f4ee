package org.mailintegrator.testkit;

import java.util.EnumSet;
import java.util.Set;
import org.mailintegrator.core.MailProtocol;

/**
 * The one way a {@link HostileMailServer} misbehaves. Modelled on the test classes of "Why TLS is better without
 * STARTTLS" (Poddebniak, Ising, Böck, Schinzel; USENIX Security 2021), plus the refusals large providers really
 * send and a few resource bombs. Everything not named by the behaviour follows the protocol: greeting,
 * {@code CAPABILITY}/{@code CAPA}, {@code STARTTLS}/{@code STLS} with a real TLS upgrade, {@code LOGIN} or
 * {@code USER}/{@code PASS} checked against the server's user, {@code LOGOUT}/{@code QUIT}. The server never
 * advertises {@code AUTH=PLAIN} or {@code SASL} after TLS, so a client that sends {@code AUTHENTICATE} or
 * {@code AUTH} trusted something it should not have (and is answered {@code NO}/{@code -ERR}).
 *
 * <p>Some behaviours exist in one protocol only; see {@link #appliesTo(MailProtocol)}. This enum is immutable and
 * thread-safe.
 */
public enum HostileBehaviour {
    /** No misbehaviour: a correct server, as a baseline or as the next candidate of a chain. */
    HONEST,

    /** {@code STARTTLS}/{@code STLS} is not advertised, as when a man in the middle strips it. */
    STARTTLS_STRIPPED,
    /** {@code STARTTLS} is advertised but answered {@code NO} (IMAP), {@code STLS} answered {@code -ERR} (POP3). */
    STARTTLS_REFUSED,
    /** {@code STARTTLS} is advertised but answered {@code BAD}. IMAP only. */
    STARTTLS_BAD,
    /**
     * {@code STARTTLS}/{@code STLS} is answered strangely and then nothing more: IMAP an untagged {@code * OK} and no
     * tagged answer, POP3 no answer at all.
     */
    STARTTLS_SILENCE,
    /**
     * {@code STARTTLS}/{@code STLS} is accepted ({@code OK}/{@code +OK}), but when the client starts its handshake the
     * server answers with bytes that are not TLS.
     */
    STARTTLS_JUNK,
    /**
     * The greeting is {@code * PREAUTH}: the session is declared authenticated before anything else, and
     * {@code STARTTLS} is not advertised. On an implicit TLS service this is legitimate. IMAP only.
     */
    PREAUTH,
    /**
     * A forged {@code * PREAUTH} greeting that advertises {@code STARTTLS} and really upgrades, after which the
     * server behaves as a normal server that has authenticated nobody: what a man in the middle achieves by
     * replacing the greeting of a real server and passing the rest through. A client that believes the greeting
     * skips the login and reports an account it never authenticated. IMAP only.
     */
    PREAUTH_THEN_STARTTLS,
    /**
     * Response injection: the server answers {@code STARTTLS}/{@code STLS} with its {@code OK} and, in the same TCP
     * write, forged answers to the commands the client sends next (IMAP: {@code * CAPABILITY IMAP4rev1 AUTH=PLAIN}
     * with tagged {@code OK}s for the next two tags; POP3: a {@code CAPA} answer with {@code SASL PLAIN} and
     * {@code +OK}s), then does the real handshake. The real post-TLS capabilities offer neither.
     */
    RESPONSE_INJECTION,
    /**
     * Data sent before TLS that must not be trusted after it: IMAP a greeting whose capabilities say
     * {@code AUTH=PLAIN LOGINDISABLED}, {@code [ALERT]}s and a second capability list before the {@code STARTTLS}
     * answer; POP3 a {@code CAPA} with {@code SASL PLAIN} and {@code PIPELINING} but no {@code USER}. After TLS the
     * real capabilities offer plain {@code LOGIN}/{@code USER} only, and no {@code PIPELINING}: a POP3 client that
     * sends {@code PASS} before {@code USER} is answered (seen by waiting 250 ms before answering {@code USER}) kept
     * the pre-TLS capability, and its {@code PASS} is answered {@code -ERR}.
     */
    UNTRUSTED_PRE_TLS_DATA,
    /**
     * {@code LOGIN} is answered {@code NO [REFERRAL <url>]}, the url set with
     * {@link HostileMailServer.Builder#referral(String)}. IMAP only.
     */
    LOGIN_REFERRAL,
    /** The capabilities say {@code LOGINDISABLED} (with {@code STARTTLS}) until TLS is in place. IMAP only. */
    LOGINDISABLED,
    /** {@code LOGIN} without TLS is answered {@code NO [PRIVACYREQUIRED]}. IMAP only. */
    PRIVACY_REQUIRED,
    /**
     * {@code USER} without TLS is answered as Dovecot does: {@code -ERR [AUTH] Plaintext authentication disallowed on
     * non-secure (SSL/TLS) connections.} POP3 only.
     */
    PLAINTEXT_AUTH_DISALLOWED,
    /**
     * The login is refused because the protocol is switched off for the account, in Gmail's words: IMAP
     * {@code NO [ALERT] Your account is not enabled for IMAP use.}, POP3 {@code -ERR POP access is disabled for your
     * account} (answering {@code PASS}).
     */
    SERVICE_DISABLED,
    /**
     * The server is up but cannot serve the account now, and says so at every login, in Dovecot's words: IMAP
     * {@code NO [UNAVAILABLE] Maximum number of connections from user+IP exceeded}, POP3
     * {@code -ERR [IN-USE] Unable to lock maildrop}. Not a wrong password.
     */
    BUSY,
    /** Like {@link #BUSY} for the first two logins the server receives; from the third on it is honest. */
    BUSY_TWICE,
    /** The banner is not the protocol's: an SSH banner followed by binary bytes, then the connection closes. */
    GARBAGE_BANNER,
    /** The connection is reset (TCP RST) as soon as the credential line ({@code LOGIN}, {@code PASS}) arrives. */
    RESET_MID_LOGIN,

    /** Resource bomb: the greeting is a line that never ends, written as fast as the client reads it. */
    ENDLESS_LINE,
    /**
     * Resource bomb: a {@code CAPABILITY} (IMAP) or {@code CAPA} (POP3) answer of one line of
     * {@linkplain HostileMailServer.Builder#bombSize(long) several megabytes} of distinct capability names; the
     * session then goes on normally.
     */
    HUGE_CAPABILITY,
    /**
     * Resource bomb: a {@code CAPABILITY} (IMAP) or {@code CAPA} (POP3) answer of many short lines of distinct
     * capability names, {@linkplain HostileMailServer.Builder#bombSize(long) several megabytes} in all, none of them
     * long; the session then goes on normally. What a line-length limit alone does not stop.
     */
    CAPABILITY_FLOOD,
    /**
     * Resource bomb: the {@code CAPABILITY} answer announces a literal of
     * {@linkplain HostileMailServer.Builder#literalSize(long) gigabytes} ({@code * CAPABILITY {4294967296}}) and then
     * sends bytes for as long as the client reads. IMAP only.
     */
    HUGE_LITERAL,
    /**
     * Resource bomb: the greeting trickles one byte every 200 ms, never ending, so that no single read times out.
     * The pacing is simulated network behaviour.
     */
    TRICKLER;

    private static final Set<HostileBehaviour> IMAP_ONLY = EnumSet.of(STARTTLS_BAD, PREAUTH, PREAUTH_THEN_STARTTLS,
            LOGIN_REFERRAL, LOGINDISABLED, PRIVACY_REQUIRED, HUGE_LITERAL);
    private static final Set<HostileBehaviour> POP3_ONLY = EnumSet.of(PLAINTEXT_AUTH_DISALLOWED);

    /** Whether this behaviour exists in {@code protocol}. */
    public boolean appliesTo(MailProtocol protocol) {
        return protocol == MailProtocol.IMAP ? !POP3_ONLY.contains(this) : !IMAP_ONLY.contains(this);
    }
}
