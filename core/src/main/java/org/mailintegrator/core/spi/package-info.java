/**
 * Extension points of the integrator: implement these to change how it reaches servers (name resolution today).
 *
 * <p>All arguments and return values are non-null ({@code @NullMarked}) unless marked {@code @Nullable}.
 */
@NullMarked
package org.mailintegrator.core.spi;

import org.jspecify.annotations.NullMarked;
