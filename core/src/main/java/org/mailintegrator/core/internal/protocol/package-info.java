/**
 * Protocol drivers: what the engine knows of each mail protocol, one driver per protocol, and the Jakarta Mail sessions built from it.
 *
 * <p>Not API: this package is not exported from the module and may change in any release.
 */
@NullMarked
package org.mailintegrator.core.internal.protocol;

import org.jspecify.annotations.NullMarked;
