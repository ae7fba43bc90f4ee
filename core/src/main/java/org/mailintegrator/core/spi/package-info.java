/**
 * Extension points of the integrator: implement these to change how it reaches servers (name resolution today).
 *
 * <p>All arguments and return values are non-null unless a method says otherwise.
 */
package org.mailintegrator.core.spi;
