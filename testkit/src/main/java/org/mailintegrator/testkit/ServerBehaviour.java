package org.mailintegrator.testkit;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.mailintegrator.core.MailProtocol;

/**
 * How a {@link HostileMailServer} departs from the protocol: hooks that the server calls at each point where a
 * server could misbehave. Every hook has a default that follows the protocol, so a behaviour overrides only what it
 * changes. The built-in behaviours are the constants of {@link HostileBehaviour} and, for providers' and server
 * packages' answers in their words, of {@link ProviderBehaviour}; a test adds its own by implementing
 * this interface and passing it to {@link HostileMailServer#builder(Service, ServerBehaviour)}.
 *
 * <pre>{@code
 * ServerBehaviour locked = new ServerBehaviour() {
 *     @Override
 *     public Step login(Connection connection, Login login) throws IOException {
 *         if (connection.service().protocol() == MailProtocol.IMAP) {
 *             connection.sendLine(login.command().tag() + " NO [ALERT] Account locked: call the help desk");
 *         } else {
 *             connection.sendLine("-ERR Account locked: call the help desk");
 *         }
 *         return Step.ANSWERED;
 *     }
 * };
 * try (HostileMailServer server = HostileMailServer.builder(Service.IMAP, locked)
 *         .user("alice@example.com", "secret")
 *         .start()) {
 *     // run an Integrator against server.candidate(Security.STARTTLS) ...
 * }
 * }</pre>
 *
 * <p>What the server does when a hook returns {@link Step#DEFAULT}: it greets with {@code * OK}/{@code +OK};
 * answers {@code CAPABILITY}/{@code CAPA} with {@link #capabilities(Connection, List)}; upgrades to TLS on
 * {@code STARTTLS}/{@code STLS} when the capabilities offer it; checks {@code LOGIN} or {@code USER}/{@code PASS}
 * against the server's users; answers {@code NOOP}, {@code STAT} (POP3), {@code LOGOUT}/{@code QUIT}; refuses
 * {@code AUTHENTICATE}/{@code AUTH}; and answers anything else {@code BAD}/{@code -ERR}.
 *
 * <p>One instance serves every connection of a server, each on a thread of its own, so an implementation must be
 * thread-safe; state about one connection belongs in {@link Connection#attributes()}. The hooks of one connection
 * are called on that connection's thread, one after the other.
 */
public interface ServerBehaviour {

    /**
     * Whether this behaviour exists in {@code protocol}; {@link HostileMailServer#builder(Service, ServerBehaviour)}
     * refuses a service of any other protocol. By default every protocol.
     */
    default boolean appliesTo(MailProtocol protocol) {
        return true;
    }

    /**
     * Opens the connection, after the TLS handshake on an implicit TLS service. By default {@link Step#DEFAULT}: the
     * server sends {@code * OK HostileMailServer ready} (IMAP) or {@code +OK HostileMailServer ready} (POP3).
     * {@link Step#ANSWERED} when the hook sent its own greeting and the session goes on; {@link Step#CLOSE} to end
     * the connection.
     *
     * @throws IOException when writing to the client fails; the connection then ends
     */
    default Step greet(Connection connection) throws IOException {
        return Step.DEFAULT;
    }

    /**
     * The capabilities the server advertises now: IMAP capability names for {@code CAPABILITY} and capability
     * response codes, or POP3 lines of the {@code CAPA} answer. {@code standard} is what an honest server advertises
     * now (IMAP {@code IMAP4rev1}, POP3 {@code USER} and {@code UIDL}, and {@code STARTTLS}/{@code STLS} until TLS is
     * in place); by default it is returned as is. Whether {@code STARTTLS}/{@code STLS} is in the list decides
     * whether the server accepts it.
     */
    default List<String> capabilities(Connection connection, List<String> standard) {
        return standard;
    }

    /**
     * Sees every command the client sends, before the server handles it: {@link Step#DEFAULT} (the default) lets the
     * server handle it as the protocol says; {@link Step#ANSWERED} when the hook answered it and the server reads
     * the next command; {@link Step#CLOSE} to end the connection.
     *
     * @throws IOException when reading from or writing to the client fails; the connection then ends
     */
    default Step command(Connection connection, Command command) throws IOException {
        return Step.DEFAULT;
    }

    /**
     * Answers {@code STARTTLS} (IMAP) or {@code STLS} (POP3) when the capabilities offer it (when they do not, the
     * server refuses the command itself). By default {@link Step#DEFAULT}: the server answers {@code OK} and
     * performs the TLS handshake. A hook that answers itself and still wants TLS calls
     * {@link Connection#upgradeToTls()} and returns {@link Step#ANSWERED}.
     *
     * @throws IOException when the TLS handshake or writing to the client fails; the connection then ends
     */
    default Step startTls(Connection connection, Command command) throws IOException {
        return Step.DEFAULT;
    }

    /**
     * Answers a login: IMAP {@code LOGIN}, or POP3 {@code PASS} after a {@code USER}. By default {@link Step#DEFAULT}:
     * the server accepts the credentials of its users and rejects any other with
     * {@code NO [AUTHENTICATIONFAILED]}/{@code -ERR [AUTH]}.
     *
     * @throws IOException when writing to the client fails; the connection then ends
     */
    default Step login(Connection connection, Login login) throws IOException {
        return Step.DEFAULT;
    }

    /** What the server does after a hook. Immutable and thread-safe. */
    enum Step {
        /** The hook sent nothing: the server goes on as the protocol says, as if the hook were not there. */
        DEFAULT,
        /** The hook has written what the client gets; the server reads the next command. */
        ANSWERED,
        /** The connection ends now, after whatever the hook has written. */
        CLOSE
    }

    /**
     * One client connection of a {@link HostileMailServer}, as its behaviour sees and drives it. Only the server
     * creates connections. Not thread-safe: a connection is served by one thread, which calls the hooks.
     */
    abstract class Connection {
        Connection() {
        }

        /** The service this connection came to, which tells the protocol. */
        public abstract Service service();

        /** Whether the connection is protected by TLS now (implicit TLS, or after {@code STARTTLS}/{@code STLS}). */
        public abstract boolean overTls();

        /** The capabilities the server advertises now, after {@link ServerBehaviour#capabilities}. */
        public abstract List<String> capabilities();

        /** Whether the server accepts {@code STARTTLS}/{@code STLS} now: not over TLS, and advertised. */
        public abstract boolean offersStartTls();

        /** Whether {@code user} is a user of the server and {@code password} its password. */
        public abstract boolean acceptsCredentials(String user, String password);

        /**
         * Sends {@code text} to the client in one write, as ISO-8859-1 bytes; lines must carry their CRLF.
         *
         * @throws IOException when the client is gone
         */
        public abstract void send(String text) throws IOException;

        /**
         * Sends {@code line} and a CRLF.
         *
         * @throws IOException when the client is gone
         */
        public abstract void sendLine(String line) throws IOException;

        /**
         * Performs the TLS handshake as the server, with the server's certificate; from then on the connection is
         * {@linkplain #overTls() over TLS}.
         *
         * @throws IOException when the handshake fails
         */
        public abstract void upgradeToTls() throws IOException;

        /**
         * Whether the client sends more within {@code wait} without waiting for an answer, e.g. whether it pipelines
         * commands. What it sent is kept for the server to read next. A client that waits for the answer sends
         * nothing, so this costs {@code wait} then.
         *
         * @throws IOException when the connection fails
         */
        public abstract boolean clientSendsWithin(Duration wait) throws IOException;

        /**
         * Says nothing more: reads and discards whatever the client sends until it leaves. The hook then returns
         * {@link Step#CLOSE}.
         *
         * @throws IOException when the connection fails or times out
         */
        public abstract void fallSilent() throws IOException;

        /**
         * Cuts the connection with a TCP reset. The hook then returns {@link Step#CLOSE}.
         *
         * @throws IOException when the socket cannot be closed
         */
        public abstract void reset() throws IOException;

        /**
         * A mutable map, empty when the connection opens, in which a behaviour keeps what it must remember about
         * this connection from one hook to the next (one behaviour instance serves every connection).
         */
        public abstract Map<String, Object> attributes();

        abstract HostileMailServer server();

        abstract void endlessLine(String prefix) throws IOException;

        abstract void trickle(String prefix) throws IOException;

        abstract void hugeLine(String prefix, long size) throws IOException;

        abstract void manyLines(String prefix, int lineBytes, long size) throws IOException;
    }

    /**
     * One command line the client sent, split into its parts. Its text shows the tag and the command name only,
     * never the arguments, which may carry a password. Immutable and thread-safe.
     */
    final class Command {
        private final String tag;
        private final String name;
        private final List<String> arguments;
        private final String line;

        Command(String tag, String name, List<String> arguments, String line) {
            this.tag = tag;
            this.name = name;
            this.arguments = List.copyOf(arguments);
            this.line = line;
        }

        /**
         * The line as the client sent it, without its line end: what a SASL continuation (a base64 response, which
         * has no command name and whose case matters) is read from.
         */
        public String line() {
            return line;
        }

        /** The IMAP tag ({@code *} when the line had none); empty for POP3, which has no tags. */
        public String tag() {
            return tag;
        }

        /** The command name in upper case, e.g. {@code LOGIN}, {@code STARTTLS}, {@code PASS}; empty for an empty line. */
        public String name() {
            return name;
        }

        /**
         * The arguments after the name: IMAP atoms and quoted strings (unquoted), POP3 the words separated by spaces.
         */
        public List<String> arguments() {
            return arguments;
        }

        /** Whether this is the command named {@code name}, in any case. */
        public boolean is(String name) {
            return this.name.equalsIgnoreCase(Objects.requireNonNull(name, "name"));
        }

        @Override
        public String toString() {
            String head = tag.isEmpty() ? name : tag + " " + name;
            return arguments.isEmpty() ? head : head + " (" + arguments.size() + " arguments)";
        }
    }

    /**
     * A login the client attempts: IMAP {@code LOGIN}, or POP3 {@code PASS} with the user of the {@code USER} before
     * it. Its text never shows the password. Immutable and thread-safe.
     */
    final class Login {
        private final Command command;
        private final String user;
        private final String password;
        private final int number;

        Login(Command command, String user, String password, int number) {
            this.command = command;
            this.user = user;
            this.password = password;
            this.number = number;
        }

        /** The command that carries the login ({@code LOGIN} or {@code PASS}), e.g. for the IMAP tag. */
        public Command command() {
            return command;
        }

        /** The user name the client sent; empty if it sent none. */
        public String user() {
            return user;
        }

        /** The password the client sent; empty if it sent none. Keep it out of messages and logs. */
        public String password() {
            return password;
        }

        /**
         * Which login this is for the server, counted from 1 over all its connections, as in
         * {@link HostileMailServer#logins()}.
         */
        public int number() {
            return number;
        }

        @Override
        public String toString() {
            return "Login{#" + number + " " + user + "}";
        }
    }
}
