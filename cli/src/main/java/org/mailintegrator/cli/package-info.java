/**
 * The {@code mailintegrator} command: integrates one account or a batch of them from a terminal, and serves a
 * help-desk page that draws the negotiation as it happens. Not an API: the classes are the tool's parts.
 */
@NullMarked
package org.mailintegrator.cli;

import org.jspecify.annotations.NullMarked;
