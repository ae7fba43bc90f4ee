package org.mailintegrator.testkit.submission;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLSocket;
import org.mailintegrator.testkit.TestCertificates;

/**
 * A small SMTP submission server on a real loopback socket, scripted for one situation: implicit TLS or STARTTLS
 * (with the testkit's certificates), STARTTLS offered or stripped, AUTH offered (always, only after TLS, or never),
 * a greeting or an answer to AUTH that the test chooses. It checks {@code AUTH PLAIN} and {@code AUTH LOGIN} against
 * one user, and records every line it receives, as it received it and whether TLS protected it, so that a test can
 * assert what reached the server: no {@code MAIL}, {@code RCPT} or {@code DATA}, no password in cleartext.
 */
final class ScriptedSubmissionServer implements AutoCloseable {
    /** What the server does. {@code authReply}: the answer to every AUTH instead of checking, or null. */
    record Script(boolean implicitTls, boolean offerStartTls, String auth, boolean authOnlyAfterTls,
            String greeting, String authReply, java.time.Duration greetingDelay) {
        static Script overTls() {
            return new Script(true, false, "PLAIN LOGIN", false, "220 smtp.example.test ESMTP", null,
                    java.time.Duration.ZERO);
        }

        static Script startTls() {
            return new Script(false, true, "PLAIN LOGIN", true, "220 smtp.example.test ESMTP", null,
                    java.time.Duration.ZERO);
        }

        Script withoutStartTls() {
            return new Script(implicitTls, false, auth, authOnlyAfterTls, greeting, authReply, greetingDelay);
        }

        /** A server slow to greet, as a loaded one is: it waits {@code delay} after the connection (and TLS). */
        Script greetingAfter(java.time.Duration delay) {
            return new Script(implicitTls, offerStartTls, auth, authOnlyAfterTls, greeting, authReply, delay);
        }

        Script withAuth(String mechanisms) {
            return new Script(implicitTls, offerStartTls, mechanisms, authOnlyAfterTls, greeting, authReply,
                    greetingDelay);
        }

        Script withoutAuth() {
            return new Script(implicitTls, offerStartTls, null, authOnlyAfterTls, greeting, authReply, greetingDelay);
        }

        Script authBeforeTls() {
            return new Script(implicitTls, offerStartTls, auth, false, greeting, authReply, greetingDelay);
        }

        Script greeting(String line) {
            return new Script(implicitTls, offerStartTls, auth, authOnlyAfterTls, line, authReply, greetingDelay);
        }

        Script answeringAuth(String line) {
            return new Script(implicitTls, offerStartTls, auth, authOnlyAfterTls, greeting, line, greetingDelay);
        }
    }

    /** One line the server received, and whether TLS protected it. */
    record Received(String line, boolean overTls) {
    }

    private final Script script;
    private final TestCertificates certificates;
    private final String user;
    private final String password;
    private final ServerSocket listener;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<Socket> connections = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    ScriptedSubmissionServer(Script script, TestCertificates certificates, String user, String password)
            throws IOException {
        this.script = script;
        this.certificates = certificates;
        this.user = user;
        this.password = password;
        this.listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.acceptor = new Thread(this::accept, "scripted-smtp-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Every line received so far, in order, across connections. */
    List<Received> received() {
        return List.copyOf(received);
    }

    /** The command verbs received so far ({@code EHLO}, {@code STARTTLS}, {@code AUTH}, ...), in order. */
    List<String> verbs() {
        List<String> verbs = new ArrayList<>();
        for (Received line : received) {
            verbs.add(line.line().split(" ", 2)[0].toUpperCase(Locale.ROOT));
        }
        return verbs;
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                connections.add(socket);
                Thread session = new Thread(() -> serve(socket), acceptor.getName() + "-session");
                session.setDaemon(true);
                session.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket accepted) {
        Socket socket = accepted;
        try {
            boolean tls = script.implicitTls();
            if (tls) {
                socket = layerTls(socket);
            }
            OutputStream out = socket.getOutputStream();
            BufferedReader in = reader(socket);
            Thread.sleep(script.greetingDelay().toMillis());
            send(out, script.greeting());
            if (!script.greeting().startsWith("2")) {
                return;
            }
            String line;
            while ((line = in.readLine()) != null) {
                received.add(new Received(line, tls));
                String verb = line.split(" ", 2)[0].toUpperCase(Locale.ROOT);
                switch (verb) {
                    case "EHLO" -> send(out, ehlo(tls));
                    case "HELO" -> send(out, "250 smtp.example.test");
                    case "STARTTLS" -> {
                        if (!script.offerStartTls() || tls) {
                            send(out, "502 5.5.1 STARTTLS not offered");
                            break;
                        }
                        send(out, "220 2.0.0 Ready to start TLS");
                        socket = layerTls(socket);
                        out = socket.getOutputStream();
                        in = reader(socket);
                        tls = true;
                    }
                    case "AUTH" -> send(out, auth(line, in, out, tls));
                    case "QUIT" -> {
                        send(out, "221 2.0.0 Bye");
                        return;
                    }
                    default -> send(out, "250 2.0.0 Ok");
                }
            }
        } catch (IOException ended) {
            // the client went away
        } catch (InterruptedException stopped) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing is best effort
            }
        }
    }

    private String ehlo(boolean tls) {
        List<String> lines = new ArrayList<>();
        lines.add("smtp.example.test");
        lines.add("PIPELINING");
        if (script.offerStartTls() && !tls) {
            lines.add("STARTTLS");
        }
        if (script.auth() != null && (tls || !script.authOnlyAfterTls())) {
            lines.add("AUTH " + script.auth());
        }
        lines.add("8BITMIME");
        StringBuilder answer = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            answer.append(i > 0 ? "\r\n" : "").append(i == lines.size() - 1 ? "250 " : "250-").append(lines.get(i));
        }
        return answer.toString();
    }

    private String auth(String line, BufferedReader in, OutputStream out, boolean tls) throws IOException {
        String[] words = line.split(" ");
        String mechanism = words.length > 1 ? words[1].toUpperCase(Locale.ROOT) : "";
        String givenUser;
        String givenPassword;
        if (mechanism.equals("PLAIN")) {
            String response = words.length > 2 ? words[2] : null;
            if (response == null) {
                return "501 5.5.2 initial response expected";
            }
            String[] parts = decode(response).split("\0", -1);
            givenUser = parts.length == 3 ? parts[1] : "";
            givenPassword = parts.length == 3 ? parts[2] : "";
        } else if (mechanism.equals("LOGIN")) {
            givenUser = decode(answer(in, out, tls, "334 VXNlcm5hbWU6"));
            givenPassword = decode(answer(in, out, tls, "334 UGFzc3dvcmQ6"));
        } else if (mechanism.equals("XOAUTH2") || mechanism.equals("OAUTHBEARER")) {
            // the token is the user's password here; a wrong one gets Gmail's JSON error challenge
            String response = words.length > 2 ? decode(words[2]) : "";
            if (response.contains("auth=Bearer " + password + "\1")) {
                return "235 2.7.0 Accepted";
            }
            answer(in, out, tls, "334 " + Base64.getEncoder().encodeToString(("{\"status\":\"400\",\"schemes\":"
                    + "\"Bearer\",\"scope\":\"https://mail.google.com/\"}").getBytes(StandardCharsets.UTF_8)));
            return "535-5.7.8 Username and Password not accepted. For more information, go to\r\n"
                    + "535 5.7.8  https://support.google.com/mail/?p=BadCredentials";
        } else {
            return "504 5.5.4 Unrecognized authentication type";
        }
        if (script.authReply() != null) {
            return script.authReply();
        }
        return user.equals(givenUser) && password.equals(givenPassword) ? "235 2.7.0 Authentication successful"
                : "535 5.7.8 Error: authentication failed: authentication failure";
    }

    private String answer(BufferedReader in, OutputStream out, boolean tls, String challenge) throws IOException {
        send(out, challenge);
        String line = in.readLine();
        if (line == null) {
            throw new IOException("the client went away during AUTH LOGIN");
        }
        received.add(new Received(line, tls));
        return line;
    }

    private static String decode(String base64) {
        try {
            return new String(Base64.getDecoder().decode(base64.strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notBase64) {
            return "";
        }
    }

    private Socket layerTls(Socket plain) throws IOException {
        SSLSocket tls = (SSLSocket) certificates.serverSslContext().getSocketFactory().createSocket(plain,
                plain.getInetAddress().getHostAddress(), plain.getPort(), true);
        tls.setUseClientMode(false);
        tls.startHandshake();
        connections.add(tls);
        return tls;
    }

    private static BufferedReader reader(Socket socket) throws IOException {
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
    }

    private static void send(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket socket : connections) {
            socket.close();
        }
    }
}
