/** Ready-made preference policies for Mail Integrator: the BlackBerry order, POP only, secure only, and a builder. */
module org.mailintegrator.strategies {
    requires transitive org.mailintegrator.core;
    requires static org.jspecify;

    exports org.mailintegrator.strategies;
}
