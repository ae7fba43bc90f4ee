package org.mailintegrator.discovery;

import java.io.Closeable;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;

/**
 * A small authoritative DNS server for tests, on UDP at 127.0.0.1 and an ephemeral port: it answers from the
 * records the test adds (A, AAAA, MX, SRV), NOERROR without records for a known name and another type, and
 * NXDOMAIN for any other name. A name can be made to answer SERVFAIL, or never to answer (to test timeouts), and
 * answers can carry the AD flag (as a validating resolver sets it). Messages are parsed and built with dnsjava's
 * {@link Message}.
 *
 * <p>UDP only: the answers are small, and dnsjava falls back to TCP only for a truncated answer.
 *
 * <pre>{@code
 * try (TestDnsServer dns = TestDnsServer.start()) {
 *     dns.srv("_imaps._tcp.example.test", 0, 1, 993, "imap.example.test");
 *     DnsClient client = DnsClient.using(List.of(dns.address()));
 * }
 * }</pre>
 *
 * <p>Thread-safe: records may be added while the server answers; one daemon thread receives and answers.
 * {@link #close()} closes the socket and ends that thread.
 */
final class TestDnsServer implements Closeable {
    private static final long TTL = 60;

    private final DatagramSocket socket;
    private final Thread thread;
    private final Map<Name, List<Record>> records = new ConcurrentHashMap<>();
    private final Set<Name> silent = ConcurrentHashMap.newKeySet();
    private final Set<Name> failing = ConcurrentHashMap.newKeySet();
    private final AtomicInteger queries = new AtomicInteger();
    private volatile boolean authenticated;

    private TestDnsServer(DatagramSocket socket) {
        this.socket = socket;
        this.thread = new Thread(this::serve, "test-dns-" + socket.getLocalPort());
        this.thread.setDaemon(true);
    }

    /** Starts a server on 127.0.0.1 at a free port; it answers as soon as this returns. */
    static TestDnsServer start() throws IOException {
        TestDnsServer server = new TestDnsServer(
                new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
        server.thread.start();
        return server;
    }

    /** The address to send queries to. */
    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort());
    }

    /** Adds an A record. */
    TestDnsServer a(String name, String ipv4) throws IOException {
        return add(new ARecord(name(name), DClass.IN, TTL, InetAddress.getByName(ipv4)));
    }

    /** Adds an AAAA record. */
    TestDnsServer aaaa(String name, String ipv6) throws IOException {
        return add(new AAAARecord(name(name), DClass.IN, TTL, InetAddress.getByName(ipv6)));
    }

    /** Adds an MX record; {@code host} {@code "."} makes a null MX. */
    TestDnsServer mx(String name, int preference, String host) throws IOException {
        return add(new MXRecord(name(name), DClass.IN, TTL, preference, name(host)));
    }

    /** Adds an SRV record; {@code target} {@code "."} says the service is not offered. */
    TestDnsServer srv(String name, int priority, int weight, int port, String target) throws IOException {
        return add(new SRVRecord(name(name), DClass.IN, TTL, priority, weight, port, name(target)));
    }

    /** Queries for {@code name} (any type) are received and never answered. */
    TestDnsServer neverAnswer(String name) throws IOException {
        silent.add(name(name));
        return this;
    }

    /** Queries for {@code name} (any type) are answered SERVFAIL. */
    TestDnsServer serverFailure(String name) throws IOException {
        failing.add(name(name));
        return this;
    }

    /** Whether answers carry the AD flag ("DNSSEC-authenticated"), as a validating resolver would set it. */
    TestDnsServer authenticated(boolean on) {
        this.authenticated = on;
        return this;
    }

    /** How many queries the server has received. */
    int queries() {
        return queries.get();
    }

    @Override
    public void close() {
        socket.close(); // ends the receive loop
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private TestDnsServer add(Record record) {
        records.computeIfAbsent(record.getName(), key -> new CopyOnWriteArrayList<>()).add(record);
        return this;
    }

    private static Name name(String name) throws TextParseException {
        return Name.fromString(name.toLowerCase(Locale.ROOT), Name.root);
    }

    private void serve() {
        byte[] buffer = new byte[65_535];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (SocketException closed) {
                return;
            } catch (IOException e) {
                continue;
            }
            queries.incrementAndGet();
            Message query;
            try {
                query = new Message(Arrays.copyOf(packet.getData(), packet.getLength()));
            } catch (IOException malformed) {
                continue;
            }
            Message response = answer(query);
            if (response == null) {
                continue;
            }
            byte[] wire = response.toWire(512);
            try {
                socket.send(new DatagramPacket(wire, wire.length, packet.getSocketAddress()));
            } catch (IOException e) {
                // the client is gone; nothing to do
            }
        }
    }

    /** The response to {@code query}, or null to stay silent. */
    private Message answer(Message query) {
        Record question = query.getQuestion();
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.AA);
        if (query.getHeader().getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
        }
        if (question == null || query.getHeader().getOpcode() != Opcode.QUERY) {
            response.getHeader().setRcode(Rcode.FORMERR);
            return response;
        }
        response.addRecord(question, Section.QUESTION);
        Name name = lowerCase(question.getName());
        if (silent.contains(name)) {
            return null;
        }
        if (failing.contains(name)) {
            response.getHeader().setRcode(Rcode.SERVFAIL);
            return response;
        }
        List<Record> known = records.get(name);
        if (known == null) {
            response.getHeader().setRcode(Rcode.NXDOMAIN);
            return response;
        }
        for (Record record : known) {
            if (record.getType() == question.getType()) {
                response.addRecord(record, Section.ANSWER);
            }
        }
        if (authenticated) {
            response.getHeader().setFlag(Flags.AD);
        }
        return response;
    }

    private static Name lowerCase(Name name) {
        try {
            return Name.fromString(name.toString().toLowerCase(Locale.ROOT));
        } catch (TextParseException e) {
            return name;
        }
    }
}
