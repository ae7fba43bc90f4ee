/**
 * Wires one integrator's engine: plans a policy's chain, races it, and runs the attempts on the executor.
 *
 * <p>Not API: this package is not exported from the module and may change in any release.
 */
@NullMarked
package org.mailintegrator.core.internal.engine;

import org.jspecify.annotations.NullMarked;
