/**
 * Extension points of the integrator: implement these to change how it finds servers ({@link HostDiscovery}, with
 * the {@link DiscoveryContext} the integrator lends it) and how it resolves their names ({@link HostResolver}).
 *
 * <p>All arguments and return values are non-null ({@code @NullMarked}) unless marked {@code @Nullable}.
 */
@NullMarked
package org.mailintegrator.core.spi;

import org.jspecify.annotations.NullMarked;
