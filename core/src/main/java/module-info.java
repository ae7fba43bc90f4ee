/**
 * Mail Integrator's engine: the API ({@code org.mailintegrator.core}), the extension points
 * ({@code org.mailintegrator.core.spi}) and the bridge to Jakarta Mail ({@code org.mailintegrator.core.jakarta}).
 * The {@code internal} packages are the engine's and are not exported, but to the discovery module (whose deadlines
 * run on the engine's clock and whose lookups run on its thread pools) and to the examples' batch tool (which writes
 * its lines with the engine's JSON).
 */
module org.mailintegrator.core {
    requires transitive jakarta.mail;
    requires org.eclipse.angus.mail;
    requires org.slf4j;
    requires static org.jspecify;

    exports org.mailintegrator.core;
    exports org.mailintegrator.core.spi;
    exports org.mailintegrator.core.jakarta;
    exports org.mailintegrator.core.internal to org.mailintegrator.discovery, org.mailintegrator.examples;
}
