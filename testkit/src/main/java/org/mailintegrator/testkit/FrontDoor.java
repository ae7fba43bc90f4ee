package org.mailintegrator.testkit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.MailProtocol;

/**
 * The public port of one {@link Service}: terminates TLS where the service is implicit TLS, speaks the cleartext
 * start of a session itself to offer (or refuse) STARTTLS/STLS, which GreenMail lacks, forwards everything else to
 * the GreenMail backend, records what the client sent, and applies the service's {@link Fault}. The port stays the
 * same across faults.
 *
 * <p>On SMTP it answers {@code MAIL} before a successful {@code AUTH} with {@code 530 5.7.0}, as a submission
 * server does (GreenMail would accept it).
 *
 * <p>On POP3 it also answers an {@code AUTH PLAIN} or {@code AUTH XOAUTH2} whose credentials GreenMail would reject,
 * with {@code -ERR [AUTH]}: GreenMail logs each such rejection as an error with a stack trace, although a rejected
 * login is what many tests ask for. Credentials it would accept go to GreenMail, which signs the user in.
 */
final class FrontDoor implements Closeable {
    private static final int HANDSHAKE_TIMEOUT_MILLIS = 10_000;
    /** How long a connection waits for GreenMail to end its session once the client has left. */
    private static final long BACKEND_END_MILLIS = 2_000;
    /** The longest POP3 or SMTP command line read: an {@code AUTH XOAUTH2} line carries a whole access token. */
    private static final int MAX_COMMAND_LINE = 65_536;
    private static final byte[] GARBAGE =
            "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final Service service;
    private final InetAddress address;
    private final InetSocketAddress backend;
    private final SSLContext tls;
    private final ExecutorService workers;
    private final CommandLog log;
    private final Map<String, String> users;
    private volatile StartTls startTls;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final List<Socket> backlogFillers = new ArrayList<>();
    private int port;
    private @Nullable ServerSocket listener;
    private @Nullable Thread acceptor;
    private @Nullable Fault fault;

    FrontDoor(Service service, InetAddress address, InetSocketAddress backend, SSLContext tls,
            ExecutorService workers, CommandLog log, StartTls startTls, Map<String, String> users) {
        this.service = service;
        this.log = log;
        this.users = Map.copyOf(users);
        this.startTls = startTls;
        this.address = address;
        this.backend = backend;
        this.tls = tls;
        this.workers = workers;
    }

    synchronized int port() {
        return port;
    }

    synchronized @Nullable Fault fault() {
        return fault;
    }

    StartTls startTls() {
        return startTls;
    }

    void startTls(StartTls mode) {
        this.startTls = mode;
    }

    /** Applies {@code newFault} (null: healthy). Connections that are open are cut, as a restart would. */
    synchronized void apply(@Nullable Fault newFault) {
        shutDownListener();
        closeAll(connections);
        fault = newFault;
        if (newFault != null && newFault.kind() == Fault.Kind.REFUSE) {
            if (port == 0) {
                bind(50);
                shutDownListener();
            }
            return;
        }
        boolean drop = newFault != null && newFault.kind() == Fault.Kind.DROP;
        ServerSocket current = bind(drop ? 1 : 50);
        if (drop) {
            fillAcceptQueue();
        } else {
            Thread accepting = new Thread(() -> acceptLoop(current), "testkit-" + service.name() + "-accept-" + port);
            accepting.setDaemon(true);
            accepting.start();
            acceptor = accepting;
        }
    }

    @Override
    public synchronized void close() {
        shutDownListener();
        closeAll(connections);
    }

    private ServerSocket bind(int backlog) {
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(address, port), backlog);
            listener = socket;
            port = socket.getLocalPort();
            return socket;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for " + service + " on " + address + ":" + port, e);
        }
    }

    /**
     * Connects to the never-accepting listener until the kernel stops answering: then the accept queue is full
     * and every further SYN is dropped, which is what a DROP firewall looks like to a client.
     */
    private void fillAcceptQueue() {
        InetSocketAddress target = new InetSocketAddress(address, port);
        for (int i = 0; i < 64; i++) {
            Socket filler = new Socket();
            try {
                filler.connect(target, 250);
                backlogFillers.add(filler);
            } catch (SocketTimeoutException expected) {
                closeQuietly(filler);
                return;
            } catch (IOException e) {
                closeQuietly(filler);
                throw new UncheckedIOException("cannot fill the accept queue of " + target, e);
            }
        }
        throw new IllegalStateException("the kernel kept accepting connections on " + target
                + " beyond its backlog; a DROP fault cannot be simulated here");
    }

    private void shutDownListener() {
        if (listener != null) {
            closeQuietly(listener);
            listener = null;
        }
        closeAll(backlogFillers);
        backlogFillers.clear();
        if (acceptor != null) {
            try {
                acceptor.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            acceptor = null;
        }
    }

    private void acceptLoop(ServerSocket socket) {
        while (!socket.isClosed()) {
            Socket client;
            try {
                client = socket.accept();
            } catch (IOException closed) {
                return;
            }
            connections.add(client);
            try {
                // relay small protocol lines at once, as a mail server does, instead of letting Nagle's algorithm
                // and delayed acknowledgements add 40 ms stalls to the exchange
                client.setTcpNoDelay(true);
            } catch (IOException e) {
                closeQuietly(client);
                continue;
            }
            Fault current = fault;
            workers.execute(() -> serve(client, current));
        }
    }

    private void serve(Socket raw, @Nullable Fault current) {
        Connection connection = new Connection(raw, current);
        try {
            connection.run();
        } catch (IOException | RuntimeException connectionEnded) {
            // the client went away, a fault cut the connection, or the fixture is closing: nothing to report
        } finally {
            connections.remove(raw);
            connection.close();
        }
    }

    /** One client connection: TLS, the fault, the STARTTLS dialogue, then relaying to the GreenMail backend. */
    private final class Connection {
        private final Socket raw;
        private final @Nullable Fault fault;
        private final Duration delay;
        private final Object clientWrites = new Object();
        /** On SMTP: whether the server has answered an {@code AUTH} with 235 (seen by the relay of its answers). */
        private volatile boolean signedIn;
        private Socket client;
        private @Nullable ClientStream fromClient;
        private @Nullable OutputStream toClient;
        private @Nullable Socket server;

        Connection(Socket raw, @Nullable Fault fault) {
            this.raw = raw;
            this.fault = fault;
            this.delay = fault != null && fault.kind() == Fault.Kind.SLOW ? fault.delay() : Duration.ZERO;
            this.client = raw;
        }

        void run() throws IOException {
            Fault.Kind kind = fault == null ? null : fault.kind();
            boolean overTls = false;
            if (service.isTls()) {
                if (kind == Fault.Kind.STALL_TLS) {
                    drain(raw.getInputStream());
                    return;
                }
                client = handshake(raw);
                overTls = true;
            }
            long budget = fault != null && kind == Fault.Kind.RESET ? fault.bytes() : -1;
            fromClient = new ClientStream(client.getInputStream(), service, overTls, log, budget, this::reset);
            toClient = client.getOutputStream();
            if (kind == Fault.Kind.SILENT) {
                drain(fromClient);
                return;
            }
            if (kind == Fault.Kind.GARBAGE) {
                toClient.write(GARBAGE);
                toClient.flush();
                return;
            }
            Socket backendSocket = new Socket();
            server = backendSocket;
            connections.add(backendSocket);
            backendSocket.setTcpNoDelay(true);
            backendSocket.connect(backend, 5_000);
            InputStream fromServer = new BufferedInputStream(backendSocket.getInputStream());
            OutputStream toServer = backendSocket.getOutputStream();
            if (!overTls && !negotiate(fromServer, toServer, kind == Fault.Kind.STALL_TLS)) {
                return;
            }
            Socket toClose = client;
            OutputStream answersTo = toClient;
            Future<?> answers = workers.submit(() -> relayAnswers(fromServer, answersTo, toClose));
            if (service.protocol() == MailProtocol.POP3) {
                pop3Commands(toServer);
            } else if (service.protocol() == MailProtocol.SMTP) {
                smtpCommands(toServer);
            } else if (kind == Fault.Kind.RESET) {
                pumpWholeLines(fromClient, toServer);
            } else {
                pump(fromClient, toServer);
            }
            awaitBackendEnd(backendSocket, answers);
        }

        /**
         * Relays GreenMail's answers to the client. When the client is gone, goes on reading (and discarding) them
         * until GreenMail ends its side, so that GreenMail never writes into a closed socket: it reports that with
         * stack traces, although a client that leaves is what many tests ask for.
         */
        private void relayAnswers(InputStream fromServer, OutputStream to, Socket toClose) {
            byte[] buffer = new byte[8192];
            boolean clientGone = false;
            StringBuilder replyStart = new StringBuilder();
            try {
                int n;
                while ((n = fromServer.read(buffer)) >= 0) {
                    if (service.protocol() == MailProtocol.SMTP) {
                        noticeSignIn(buffer, n, replyStart);
                    }
                    if (clientGone) {
                        continue;
                    }
                    try {
                        hold();
                        synchronized (clientWrites) {
                            to.write(buffer, 0, n);
                            to.flush();
                        }
                    } catch (IOException clientClosed) {
                        clientGone = true;
                        closeQuietly(toClose);
                    }
                }
            } catch (IOException ended) {
                // the backend closed, or the fixture is closing
            } finally {
                closeQuietly(toClose);
            }
        }

        /** Notes an SMTP reply line that starts with 235 (authentication succeeded); keeps each line's start. */
        private void noticeSignIn(byte[] buffer, int n, StringBuilder replyStart) {
            for (int i = 0; i < n; i++) {
                if (buffer[i] == '\n') {
                    if (replyStart.toString().startsWith("235")) {
                        signedIn = true;
                    }
                    replyStart.setLength(0);
                } else if (replyStart.length() < 4) {
                    replyStart.append((char) buffer[i]);
                }
            }
        }

        /**
         * Relays an SMTP client's commands to GreenMail line by line until either side ends, answering {@code MAIL}
         * before a successful sign-in with 530 itself.
         */
        private void smtpCommands(OutputStream toServer) {
            try {
                String line;
                while ((line = fromClient().readLine(MAX_COMMAND_LINE)) != null) {
                    if (!signedIn && line.regionMatches(true, 0, "MAIL", 0, 4)) {
                        send(toClient(), "530 5.7.0 Authentication required\r\n");
                    } else {
                        send(toServer, line + "\r\n");
                    }
                }
            } catch (IOException ended) {
                // one side closed, a line was too long, or the fault reset the client: the caller ends the other
            }
        }

        /**
         * The client has left: tells GreenMail (end of its input, at a command boundary) and waits a moment for it
         * to end the session itself, before the connection is closed.
         */
        private void awaitBackendEnd(Socket backendSocket, Future<?> answers) {
            try {
                backendSocket.shutdownOutput();
                answers.get(BACKEND_END_MILLIS, TimeUnit.MILLISECONDS);
            } catch (IOException | ExecutionException | TimeoutException | RuntimeException notCleanly) {
                // the connection is closed below all the same
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /**
         * The cleartext start of a session: relays the greeting, answers CAPABILITY/CAPA with STARTTLS/STLS added
         * as the service's {@link StartTls} says, and performs or refuses the upgrade. Returns false when the
         * connection must end (a stalled handshake); true to go on relaying.
         */
        private boolean negotiate(InputStream fromServer, OutputStream toServer, boolean stallTls) throws IOException {
            boolean imap = service.protocol() == MailProtocol.IMAP;
            boolean smtp = service.protocol() == MailProtocol.SMTP;
            String greeting = readServerLine(fromServer);
            if (greeting == null) {
                return false;
            }
            send(toClient(), greeting + "\r\n");
            StartTls mode = startTls;
            while (true) {
                String line = fromClient().readLine(8_192);
                if (line == null) {
                    return false;
                }
                String[] words = line.trim().split(" ");
                String tag = imap ? words[0] : "";
                String command = (imap ? (words.length > 1 ? words[1] : "") : words[0]).toUpperCase(Locale.ROOT);
                boolean asksTls = command.equals(imap || smtp ? "STARTTLS" : "STLS");
                if (asksTls && mode == StartTls.REFUSED) {
                    send(toClient(), imap ? tag + " NO STARTTLS is not available now\r\n"
                            : smtp ? "454 4.7.0 TLS not available due to temporary reason\r\n"
                            : "-ERR STLS not available\r\n");
                } else if (asksTls && mode == StartTls.OFFERED) {
                    send(toClient(), imap ? tag + " OK Begin TLS negotiation now\r\n"
                            : smtp ? "220 2.0.0 Ready to start TLS\r\n" : "+OK Begin TLS negotiation\r\n");
                    if (stallTls) {
                        drain(raw.getInputStream());
                        return false;
                    }
                    long budget = fromClient().budget();
                    client = handshake(raw);
                    fromClient = new ClientStream(client.getInputStream(), service, true, log, budget, this::reset);
                    toClient = client.getOutputStream();
                    return true;
                } else if (smtp && command.equals("MAIL")) {
                    send(toClient(), "530 5.7.0 Authentication required\r\n");
                } else if (smtp && command.equals("EHLO")) {
                    send(toServer, line + "\r\n");
                    relayEhlo(fromServer, mode != StartTls.NOT_OFFERED);
                } else if (command.equals(imap ? "CAPABILITY" : "CAPA")) {
                    send(toServer, line + "\r\n");
                    relayCapabilities(fromServer, imap, tag, mode != StartTls.NOT_OFFERED);
                } else {
                    return forward(line, toServer);
                }
            }
        }

        /**
         * Relays a POP3 client's commands to GreenMail line by line until either side ends (a partial line at the
         * end is dropped, as {@link #pumpWholeLines} does), each through {@link #forward}.
         */
        private void pop3Commands(OutputStream toServer) {
            try {
                String line;
                while ((line = fromClient().readLine(MAX_COMMAND_LINE)) != null) {
                    if (!forward(line, toServer)) {
                        return;
                    }
                }
            } catch (IOException ended) {
                // one side closed, a line was too long, or the fault reset the client: the caller ends the other
            }
        }

        /**
         * Sends a client's command line to GreenMail; a POP3 {@code AUTH PLAIN} or {@code AUTH XOAUTH2} (its initial
         * response on the line, or after a {@code +} continuation) goes only when its credentials are a user's, on
         * one line; otherwise this answers it. Returns false when the client left in the middle.
         */
        private boolean forward(String line, OutputStream toServer) throws IOException {
            String[] words = line.trim().split(" +");
            if (service.protocol() != MailProtocol.POP3 || words.length < 2 || words.length > 3
                    || !words[0].equalsIgnoreCase("AUTH") || !SaslCheck.checks(words[1])) {
                send(toServer, line + "\r\n");
                return true;
            }
            String response = words.length == 3 ? words[2] : null;
            if (response == null) {
                send(toClient(), "+ \r\n");
                response = fromClient().readLine(MAX_COMMAND_LINE);
                if (response == null) {
                    return false;
                }
                response = response.trim();
            }
            if (response.equals("*")) {
                send(toClient(), "-ERR AUTH cancelled\r\n");
            } else if (SaslCheck.accepted(users, words[1], response)) {
                send(toServer, "AUTH " + words[1] + " " + response + "\r\n");
            } else {
                send(toClient(), "-ERR [AUTH] Authentication failed.\r\n");
            }
            return true;
        }

        /** Relays GreenMail's EHLO reply, with {@code STARTTLS} added as its last extension when advertised. */
        private void relayEhlo(InputStream fromServer, boolean advertise) throws IOException {
            StringBuilder answer = new StringBuilder();
            String line;
            while ((line = readServerLine(fromServer)) != null) {
                boolean last = line.length() < 4 || line.charAt(3) == ' ';
                if (last && advertise && line.startsWith("250")) {
                    answer.append("250-").append(line.substring(Math.min(4, line.length()))).append("\r\n")
                            .append("250 STARTTLS\r\n");
                } else {
                    answer.append(line).append("\r\n");
                }
                if (last) {
                    break;
                }
            }
            send(toClient(), answer.toString());
        }

        private void relayCapabilities(InputStream fromServer, boolean imap, String tag, boolean advertise)
                throws IOException {
            StringBuilder answer = new StringBuilder();
            String line;
            boolean first = true;
            while ((line = readServerLine(fromServer)) != null) {
                if (imap && advertise && line.toUpperCase(Locale.ROOT).startsWith("* CAPABILITY ")) {
                    line = line + " STARTTLS";
                }
                if (!imap && advertise && line.equals(".")) {
                    answer.append("STLS\r\n");
                }
                answer.append(line).append("\r\n");
                boolean done = imap ? line.startsWith(tag + " ") : line.equals(".") || first && line.startsWith("-ERR");
                first = false;
                if (done) {
                    break;
                }
            }
            send(toClient(), answer.toString());
        }

        private @Nullable String readServerLine(InputStream in) throws IOException {
            StringBuilder text = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0) {
                if (c == '\n') {
                    int end = text.length();
                    return end > 0 && text.charAt(end - 1) == '\r' ? text.substring(0, end - 1) : text.toString();
                }
                text.append((char) c);
            }
            return null;
        }

        private void send(OutputStream out, String text) throws IOException {
            hold();
            synchronized (clientWrites) {
                out.write(text.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
        }

        /** Relays what the client sends to GreenMail until either side ends. */
        private void pump(InputStream from, OutputStream to) {
            byte[] buffer = new byte[8192];
            try {
                int n;
                while ((n = from.read(buffer)) >= 0) {
                    hold();
                    to.write(buffer, 0, n);
                    to.flush();
                }
            } catch (IOException ended) {
                // one side closed: the caller ends the other
            }
        }

        /**
         * Relays what the client sends up to its last complete line, so that a reset in the middle of a command
         * ends the backend's connection between two commands: GreenMail takes the end of a connection inside a
         * command for a broken client and logs it with stack traces, although the reset is what the test asked for.
         */
        private void pumpWholeLines(InputStream from, OutputStream to) {
            byte[] buffer = new byte[8192];
            ByteArrayOutputStream pending = new ByteArrayOutputStream();
            try {
                int n;
                while ((n = from.read(buffer)) >= 0) {
                    int lineEnd = n - 1;
                    while (lineEnd >= 0 && buffer[lineEnd] != '\n') {
                        lineEnd--;
                    }
                    if (lineEnd < 0) {
                        pending.write(buffer, 0, n);
                        continue;
                    }
                    pending.write(buffer, 0, lineEnd + 1);
                    hold();
                    pending.writeTo(to);
                    to.flush();
                    pending.reset();
                    pending.write(buffer, lineEnd + 1, n - lineEnd - 1);
                }
            } catch (IOException ended) {
                // one side closed, or the fault reset the client: the caller ends the other
            }
        }

        /** The latency of a {@link Fault#slow(Duration)} link; simulated network delay, not synchronisation. */
        private void hold() throws IOException {
            if (!delay.isZero()) {
                try {
                    Thread.sleep(delay.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("the fixture is closing");
                }
            }
        }

        /** The client's input: set when relaying starts, and again after STARTTLS. */
        private ClientStream fromClient() {
            return Objects.requireNonNull(fromClient, "fromClient");
        }

        /** The client's output: set when relaying starts, and again after STARTTLS. */
        private OutputStream toClient() {
            return Objects.requireNonNull(toClient, "toClient");
        }

        /** Resets the client's connection; GreenMail's ends when the relaying stops (see awaitBackendEnd). */
        private void reset() throws IOException {
            raw.setSoLinger(true, 0);
            raw.close();
        }

        void close() {
            if (server != null) {
                connections.remove(server);
                closeQuietly(server);
            }
            closeQuietly(client);
            closeQuietly(raw);
        }
    }

    private SSLSocket handshake(Socket raw) throws IOException {
        SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(raw, null, raw.getPort(), true);
        secure.setUseClientMode(false);
        int previous = raw.getSoTimeout();
        raw.setSoTimeout(HANDSHAKE_TIMEOUT_MILLIS);
        secure.startHandshake();
        raw.setSoTimeout(previous);
        return secure;
    }

    private static void drain(InputStream in) throws IOException {
        byte[] sink = new byte[4096];
        while (in.read(sink) >= 0) {
            // discard
        }
    }

    private static void closeAll(Iterable<Socket> sockets) {
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // closing is best effort
        }
    }
}
