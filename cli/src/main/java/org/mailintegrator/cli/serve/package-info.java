/**
 * {@code mailintegrator serve}: a help-desk page on 127.0.0.1 that takes an address and a password or token and
 * draws the negotiation as it happens, from the integrator's listener events sent to the page as server-sent events.
 */
@NullMarked
package org.mailintegrator.cli.serve;

import org.jspecify.annotations.NullMarked;
