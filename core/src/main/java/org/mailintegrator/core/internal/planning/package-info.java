/**
 * Planning: a policy's chain turned into routes (minimum security applied, the server each counts against), the
 * host lookups of one integration, each bounded by the connect timeout, and the integrator's opt-in memory of
 * unreachable endpoints ({@link org.mailintegrator.core.internal.planning.UnreachableMemory}).
 *
 * <p>Not API: this package is not exported from the module and may change in any release.
 */
@NullMarked
package org.mailintegrator.core.internal.planning;

import org.jspecify.annotations.NullMarked;
