package org.mailintegrator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.strategies.Policies;
import picocli.CommandLine;

/** The options' parsing and checks, in the JVM; the jar itself is run by {@link CommandLineIT}. */
class IntegrationOptionsTest {
    private final MailAccount account = MailAccount.builder("alice@example.com").password("pw").build();

    @Test
    void portsMoveEveryCandidateOfAStandardPortByNumberOrName() {
        List<ProtocolCandidate> moved = PortMap.parse(List.of("993=3993", "pop3s=3995"))
                .apply(Policies.blackBerry()).candidates(account);

        assertThat(moved).extracting(ProtocolCandidate::port).containsExactly(3993, 3995, 143, 110);
        assertThat(moved).extracting(ProtocolCandidate::host).containsOnly("example.com");
    }

    @Test
    void aWrongPortEntrySaysWhatIsWrong() {
        assertThatThrownBy(() -> PortMap.parse(List.of("993"))).hasMessageContaining("STANDARD=PORT");
        assertThatThrownBy(() -> PortMap.parse(List.of("imap=0"))).hasMessageContaining("1-65535");
        assertThatThrownBy(() -> PortMap.parse(List.of("imapz=1"))).hasMessageContaining("imaps");
        assertThatThrownBy(() -> PortMap.parse(List.of("993=1", "imaps=2"))).hasMessageContaining("twice");
    }

    @Test
    void durationsAreShortOrIsoAndLongerThanZero() {
        IntegrationOptions.DurationConverter converter = new IntegrationOptions.DurationConverter();
        assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(converter.convert("2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(converter.convert("1m")).isEqualTo(Duration.ofMinutes(1));
        assertThat(converter.convert("PT3S")).isEqualTo(Duration.ofSeconds(3));
        assertThatThrownBy(() -> converter.convert("0s")).isInstanceOf(CommandLine.TypeConversionException.class);
        assertThatThrownBy(() -> converter.convert("ten")).hasMessageContaining("500ms, 10s or 2m");
    }

    @Test
    void resolveDnsServerAndTrustAreCheckedWhenTheIntegratorIsBuilt() {
        assertThatThrownBy(() -> options("--resolve", "mail.example.com=not-an-address").integrator())
                .hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> options("--dns-server", "dns.example.com").integrator())
                .hasMessageContaining("IP address");
        assertThatThrownBy(() -> options("--ca-file", "a.pem", "--trust-store", "b.p12").integrator())
                .hasMessageContaining("do not go together");
        assertThatThrownBy(() -> options("--policy", "fastest").integrator()).hasMessageContaining("blackberry");
        assertThat(options("--resolve", "mail.example.com=127.0.0.1", "--dns-server", "127.0.0.1:5353")
                .integrator().build().policy()).isNotNull();
    }

    private static IntegrationOptions options(String... arguments) {
        IntegrationOptions options = new IntegrationOptions();
        new CommandLine(options).parseArgs(arguments);
        return options;
    }
}
