package org.mailintegrator.core.internal.attempt;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.Test;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Security;
import org.mailintegrator.core.internal.ManualTimeline;

/** RFC 8305 section 4: the first address as the resolver gave it, then the families alternate. */
class AddressOrderTest {
    private final AttemptTransport transport = new AttemptTransport(
            ProtocolCandidate.of(MailProtocol.IMAP, Security.IMPLICIT_TLS, "mail.example.com", 993),
            Duration.ofMillis(250), new ManualTimeline(), Duration.ofSeconds(30),
            (SSLSocketFactory) SSLSocketFactory.getDefault(), false, () -> { });

    @Test
    void familiesAreInterleavedStartingWithTheResolversFirstAddress() throws UnknownHostException {
        transport.addresses(addresses("2001:db8::1", "2001:db8::2", "2001:db8::3", "192.0.2.1", "192.0.2.2"));

        assertThat(literals()).containsExactly("2001:db8:0:0:0:0:0:1", "192.0.2.1", "2001:db8:0:0:0:0:0:2",
                "192.0.2.2", "2001:db8:0:0:0:0:0:3");
        assertThat(transport.targets()).allSatisfy(target -> assertThat(target.getPort()).isEqualTo(993));
    }

    @Test
    void anIpv4FirstAnswerStartsWithIpv4() throws UnknownHostException {
        transport.addresses(addresses("192.0.2.1", "192.0.2.2", "2001:db8::1"));

        assertThat(literals()).containsExactly("192.0.2.1", "2001:db8:0:0:0:0:0:1", "192.0.2.2");
        assertThat(transport.connectHost()).isEqualTo("192.0.2.1");
    }

    private List<String> literals() {
        List<String> literals = new ArrayList<>();
        for (InetSocketAddress target : transport.targets()) {
            literals.add(target.getAddress().getHostAddress());
        }
        return literals;
    }

    private static List<InetAddress> addresses(String... literals) throws UnknownHostException {
        List<InetAddress> addresses = new ArrayList<>();
        for (String literal : literals) {
            addresses.add(InetAddress.getByName(literal));
        }
        return addresses;
    }
}
