package org.mailintegrator.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

class MailServerExtensionTest {
    @Nested
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class OnAStaticField {
        @RegisterExtension
        static final MailServerExtension server = MailServerExtension.with(MailServerFixture.builder());
        static int previousPort;

        @Test
        @Order(1)
        void aTestMayStopAService() {
            previousPort = server.get().port(Service.IMAP);
            server.get().stop(Service.IMAP);
        }

        @Test
        @Order(2)
        void theNextTestGetsTheSameServerReset() throws IOException {
            assertThat(server.get().port(Service.IMAP)).isEqualTo(previousPort);
            assertThat(server.get().fault(Service.IMAP)).isEmpty();
            connect(server.get().host(), previousPort);
        }
    }

    @Nested
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class OnAnInstanceField {
        @RegisterExtension
        final MailServerExtension server = MailServerExtension.with(MailServerFixture.builder());
        static int previousPort;

        @Test
        @Order(1)
        void eachTestGetsItsOwnServer() {
            previousPort = server.get().port(Service.POP3);
        }

        @Test
        @Order(2)
        void theServerOfThePreviousTestIsClosed() {
            assertThatThrownBy(() -> connect(server.get().host(), previousPort)).isInstanceOf(ConnectException.class);
        }
    }

    private static void connect(String host, int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 1_000);
        }
    }
}
