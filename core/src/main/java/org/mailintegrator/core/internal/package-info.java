/**
 * The engine's shared vocabulary: the wording of every attempt detail, the time seam (Timeline), the listener guard and the credentials as the engine carries them.
 *
 * <p>Not API: this package is not exported from the module and may change in any release.
 */
@NullMarked
package org.mailintegrator.core.internal;

import org.jspecify.annotations.NullMarked;
