package org.mailintegrator.testkit;

import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The JUnit 5 layer over {@link MailServerFixture}. Registered on a static field, one server serves the whole test
 * class and is {@linkplain MailServerFixture#restore() restored} as built after each test (services a test stopped
 * or broke serve again, received commands and logins are forgotten); on an instance field, each test gets a
 * fresh server. The fixture lives in JUnit's extension store under a namespace unique to this extension instance,
 * so JUnit closes it when its class or test ends, even when a test fails, and two extensions never share one.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final MailServerExtension server = MailServerExtension.with(
 *         MailServerFixture.builder().user("alice@example.com", "secret"));
 *
 * @Test
 * void fallsBackToPopWhenImapIsStopped() {
 *     server.get().stop(Service.IMAPS);
 *     ...
 * }
 * }</pre>
 *
 * <p>Not thread-safe: use it from the test's thread.
 */
public final class MailServerExtension
        implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, Supplier<MailServerFixture> {
    private final MailServerFixture.Builder builder;
    private final ExtensionContext.Namespace namespace;
    private @Nullable MailServerFixture fixture;
    private boolean perClass;

    private MailServerExtension(MailServerFixture.Builder builder) {
        this.builder = builder;
        this.namespace = ExtensionContext.Namespace.create(MailServerExtension.class, new Object());
    }

    /** An extension that starts servers configured by {@code builder}. */
    public static MailServerExtension with(MailServerFixture.Builder builder) {
        return new MailServerExtension(Objects.requireNonNull(builder, "builder"));
    }

    /**
     * The running server.
     *
     * @throws IllegalStateException outside a test
     */
    @Override
    public MailServerFixture get() {
        if (fixture == null) {
            throw new IllegalStateException("the mail server runs only while a test runs");
        }
        return fixture;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        perClass = true;
        fixture = start(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!perClass) {
            fixture = start(context);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (perClass) {
            get().restore();
        }
    }

    private MailServerFixture start(ExtensionContext context) {
        MailServerFixture started = builder.start();
        // JUnit closes AutoCloseable values when the store of the context that put them is closed
        context.getStore(namespace).put(MailServerFixture.class, started);
        return started;
    }
}
