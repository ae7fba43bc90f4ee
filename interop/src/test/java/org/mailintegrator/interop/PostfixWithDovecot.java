package org.mailintegrator.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Consumer;
import org.mailintegrator.testkit.TestCertificates;

/**
 * A {@link PostfixServer} whose SASL goes through a {@link DovecotServer} with one user, both with the same
 * certificates: Postfix starts first (it makes the directory of the auth socket), Dovecot second, and
 * {@link #close()} stops them in reverse order after checking that Postfix queued no message. Thread-safe as its two
 * servers are.
 */
final class PostfixWithDovecot implements AutoCloseable {
    private final PostfixServer postfix;
    private final DovecotServer dovecot;

    private PostfixWithDovecot(PostfixServer postfix, DovecotServer dovecot) {
        this.postfix = postfix;
        this.dovecot = dovecot;
    }

    /** Starts both servers, each as {@code postfixSetup} and {@code dovecotSetup} further describe it. */
    static PostfixWithDovecot start(TestCertificates certificates, String user, String password,
            Consumer<PostfixServer.Builder> postfixSetup, Consumer<DovecotServer.Builder> dovecotSetup) {
        PostfixServer.Builder builder = PostfixServer.builder().tls(certificates);
        postfixSetup.accept(builder);
        PostfixServer postfix = builder.start();
        try {
            DovecotServer.Builder dovecotBuilder = DovecotServer.builder().user(user, password).tls(certificates)
                    .postfixAuthSocket(postfix.saslSocket());
            dovecotSetup.accept(dovecotBuilder);
            return new PostfixWithDovecot(postfix, dovecotBuilder.start());
        } catch (RuntimeException | Error e) {
            postfix.close();
            throw e;
        }
    }

    PostfixServer postfix() {
        return postfix;
    }

    DovecotServer dovecot() {
        return dovecot;
    }

    /** Checks that Postfix's queue is empty, then stops Dovecot and Postfix, even when the check fails. */
    @Override
    public void close() {
        try {
            assertThat(postfix.queueListing()).isEqualTo("Mail queue is empty");
        } finally {
            try {
                dovecot.close();
            } finally {
                postfix.close();
            }
        }
    }
}
