package org.mailintegrator.interop;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.mailintegrator.core.Attempt;
import org.mailintegrator.core.IntegrationResult;
import org.mailintegrator.core.Integrator;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.strategies.Policies;

/**
 * Run by {@link SystemResolverInteropTest} inside a network namespace of its own whose {@code /etc/resolv.conf}
 * names 127.0.0.1 as the only DNS server: binds UDP port 53 there and never answers, then integrates an account
 * whose domain only DNS could resolve, through the JDK's own resolver (glibc), with a connect timeout of
 * {@code args[0]} ms. Prints one line per attempt ({@code OUTCOME PHASE}) and {@code elapsed <ms>}.
 */
public final class SilentDnsProbe {
    private SilentDnsProbe() {
    }

    public static void main(String[] args) throws Exception {
        Duration connectTimeout = Duration.ofMillis(Long.parseLong(args[0]));
        try (DatagramSocket silentDns = new DatagramSocket(new InetSocketAddress("127.0.0.1", 53))) {
            Integrator integrator = Integrator.builder().policy(Policies.blackBerry())
                    .connectTimeout(connectTimeout).readTimeout(Duration.ofSeconds(2)).build();
            MailAccount account = MailAccount.builder("alice@mail.silent-resolver.test").password("secret").build();

            IntegrationResult result = integrator.integrate(account);

            for (Attempt attempt : result.attempts()) {
                System.out.println(attempt.outcome() + " " + attempt.phase() + " " + attempt.detail());
            }
            System.out.println("elapsed " + result.elapsed().toMillis());
            System.out.flush();
        }
        // the JDK's lookup threads are still waiting for glibc's own timeout; they must not hold the answer up
        System.exit(0);
    }
}
