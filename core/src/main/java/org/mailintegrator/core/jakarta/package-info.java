/**
 * The bridge to Jakarta Mail: opening the mailbox an integration selected, and the session properties behind it.
 * The only exported package whose API exposes Jakarta Mail types.
 *
 * <p>All arguments and return values are non-null ({@code @NullMarked}) unless marked {@code @Nullable}.
 */
@NullMarked
package org.mailintegrator.core.jakarta;

import org.jspecify.annotations.NullMarked;
