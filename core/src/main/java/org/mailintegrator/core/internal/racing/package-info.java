/**
 * Racing: the rules of an integration (who starts, who may authenticate, who is given up, deadlines, busy backoff) and the per-server connection limit. No I/O; time comes from a Timeline.
 *
 * <p>Not API: this package is not exported from the module and may change in any release.
 */
@NullMarked
package org.mailintegrator.core.internal.racing;

import org.jspecify.annotations.NullMarked;
