package org.mailintegrator.testkit;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.spi.HostResolver;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Address;
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
import org.xbill.DNS.Type;

/**
 * A small authoritative DNS server for tests of discovery, on UDP at 127.0.0.1 and a free port: it answers from the
 * records the test adds (A, AAAA, MX, SRV), NOERROR without records for a known name and another type, and
 * NXDOMAIN for any other name. A name can be made to answer SERVFAIL, or never to answer (to test timeouts), and
 * answers can carry the AD flag, as a validating resolver sets it. Point discovery at it with
 * {@code Discovery.builder().dnsServers(List.of(dns.address()))}, and the integrator's connections at the same
 * A and AAAA records with {@code Integrator.builder().resolver(dns.resolver())}.
 *
 * <pre>{@code
 * try (TestDnsServer dns = TestDnsServer.start()) {
 *     dns.srv("_imaps._tcp.example.test", 0, 1, 993, "imap.example.test")
 *             .a("imap.example.test", "127.0.0.1")
 *             .srv("_pop3s._tcp.example.test", 0, 0, 0, ".");      // the service is not offered
 *     ...
 * }
 * }</pre>
 *
 * <p>UDP only: the answers are small, and a client falls back to TCP only for a truncated answer. Names are
 * compared ignoring case; a trailing dot is optional. Messages are parsed and built with dnsjava, a dependency of
 * the testkit.
 *
 * <p>Thread-safe: records may be added while the server answers; one daemon thread receives and answers.
 * {@link #close()} closes the socket and ends that thread.
 */
public final class TestDnsServer implements AutoCloseable {
    private static final long TTL = 60;
    private static final long NEVER_ANSWER_BOUND_SECONDS = 60;

    private final DatagramSocket socket;
    private final Thread thread;
    private final Map<Name, List<Record>> records = new ConcurrentHashMap<>();
    private final Set<Name> silent = ConcurrentHashMap.newKeySet();
    private final Set<Name> failing = ConcurrentHashMap.newKeySet();
    private final AtomicInteger queries = new AtomicInteger();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final HostResolver resolver = this::resolve;
    private volatile boolean authenticated;

    private TestDnsServer(DatagramSocket socket) {
        this.socket = socket;
        this.thread = new Thread(this::serve, "testkit-dns-" + socket.getLocalPort());
        this.thread.setDaemon(true);
    }

    /**
     * Starts a server on 127.0.0.1 at a free port, without records; it answers as soon as this returns.
     *
     * @throws IOException if no UDP socket can be bound on loopback
     */
    public static TestDnsServer start() throws IOException {
        TestDnsServer server = new TestDnsServer(
                new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
        server.thread.start();
        return server;
    }

    /** The address to send queries to, for {@code Discovery.builder().dnsServers(List.of(dns.address()))}. */
    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort());
    }

    /**
     * Adds an A record.
     *
     * @throws IllegalArgumentException if {@code name} is not a domain name or {@code ipv4} not an IPv4 literal
     */
    public TestDnsServer a(String name, String ipv4) {
        InetAddress address = literal(ipv4, Address.IPv4);
        return add(new ARecord(name(name), DClass.IN, TTL, address));
    }

    /**
     * Adds an AAAA record.
     *
     * @throws IllegalArgumentException if {@code name} is not a domain name or {@code ipv6} not an IPv6 literal
     */
    public TestDnsServer aaaa(String name, String ipv6) {
        InetAddress address = literal(ipv6, Address.IPv6);
        return add(new AAAARecord(name(name), DClass.IN, TTL, address));
    }

    /**
     * Adds an MX record; {@code host} {@code "."} makes a null MX (RFC 7505: the domain accepts no mail).
     *
     * @throws IllegalArgumentException if a name is not a domain name or the preference is outside 0..65535
     */
    public TestDnsServer mx(String name, int preference, String host) {
        return add(new MXRecord(name(name), DClass.IN, TTL, preference, name(host)));
    }

    /**
     * Adds an SRV record (RFC 2782), e.g. {@code srv("_imaps._tcp.example.test", 0, 1, 993, "imap.example.test")};
     * {@code target} {@code "."} says the service is not offered at the domain (RFC 6186).
     *
     * @throws IllegalArgumentException if a name is not a domain name or a number is outside 0..65535
     */
    public TestDnsServer srv(String name, int priority, int weight, int port, String target) {
        return add(new SRVRecord(name(name), DClass.IN, TTL, priority, weight, port, name(target)));
    }

    /**
     * Queries for {@code name} (any type) are received, counted and never answered, so that a client's timeout is
     * what ends them; {@link #resolver()} waits for such a name until it is interrupted or the server is closed.
     */
    public TestDnsServer neverAnswer(String name) {
        silent.add(name(name));
        return this;
    }

    /**
     * Queries for {@code name} (any type) are answered SERVFAIL, as when the domain's servers are broken;
     * {@link #resolver()} throws {@link UnknownHostException} for it.
     */
    public TestDnsServer serverFailure(String name) {
        failing.add(name(name));
        return this;
    }

    /** Whether answers carry the AD flag ("DNSSEC-authenticated"), as a validating resolver would set it. */
    public TestDnsServer authenticated(boolean on) {
        this.authenticated = on;
        return this;
    }

    /** How many queries the server has received, answered or not. */
    public int queries() {
        return queries.get();
    }

    /**
     * The same records as a {@link HostResolver}, for {@code Integrator.builder().resolver(...)}: the addresses of
     * the A and AAAA records of a name, in the order they were added; an IP literal as itself; and
     * {@link UnknownHostException} for any other name and for a name that answers SERVFAIL. For a name that never
     * answers it waits until the calling thread is interrupted, the server is closed, or a minute has passed, then
     * throws {@link UnknownHostException}. It asks no real DNS server, so that a test never reaches a real host.
     */
    public HostResolver resolver() {
        return resolver;
    }

    /** Closes the socket and waits (at most 5 s) for the server's thread to end. Idempotent. */
    @Override
    public void close() {
        closed.countDown();
        socket.close(); // ends the receive loop
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "TestDnsServer{" + address() + ", names=" + records.size() + ", queries=" + queries.get() + "}";
    }

    private TestDnsServer add(Record record) {
        records.computeIfAbsent(record.getName(), key -> new CopyOnWriteArrayList<>()).add(record);
        return this;
    }

    private static Name name(String name) {
        Objects.requireNonNull(name, "name");
        try {
            return Name.fromString(name.toLowerCase(Locale.ROOT), Name.root);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("not a domain name: \"" + name + "\"", e);
        }
    }

    private static InetAddress literal(String address, int family) {
        Objects.requireNonNull(address, "address");
        byte[] bytes = Address.toByteArray(address, family);
        if (bytes == null) {
            throw new IllegalArgumentException("not an IPv" + (family == Address.IPv4 ? "4" : "6") + " literal: \""
                    + address + "\"");
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP literal: \"" + address + "\"", e);
        }
    }

    private List<InetAddress> resolve(String host) throws UnknownHostException {
        Objects.requireNonNull(host, "host");
        InetAddress literal = ipLiteral(host);
        if (literal != null) {
            return List.of(literal);
        }
        Name name;
        try {
            name = name(host);
        } catch (IllegalArgumentException e) {
            throw new UnknownHostException(host);
        }
        if (silent.contains(name)) {
            awaitClose(host);
        }
        if (failing.contains(name)) {
            throw new UnknownHostException(host + " (SERVFAIL)");
        }
        List<InetAddress> addresses = new ArrayList<>();
        for (Record record : records.getOrDefault(name, List.of())) {
            if (record instanceof ARecord a) {
                addresses.add(a.getAddress());
            } else if (record instanceof AAAARecord aaaa) {
                addresses.add(aaaa.getAddress());
            }
        }
        if (addresses.isEmpty()) {
            throw new UnknownHostException(host);
        }
        return List.copyOf(addresses);
    }

    private void awaitClose(String host) throws UnknownHostException {
        try {
            closed.await(NEVER_ANSWER_BOUND_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new UnknownHostException(host + " (no answer)");
    }

    private static @Nullable InetAddress ipLiteral(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        byte[] bytes = Address.toByteArray(bare, Address.IPv4);
        if (bytes == null) {
            bytes = Address.toByteArray(bare, Address.IPv6);
        }
        if (bytes == null) {
            return null;
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private void serve() {
        byte[] buffer = new byte[65_535];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (SocketException closedSocket) {
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
    private @Nullable Message answer(Message query) {
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
            if (record.getType() == question.getType() || question.getType() == Type.ANY) {
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
