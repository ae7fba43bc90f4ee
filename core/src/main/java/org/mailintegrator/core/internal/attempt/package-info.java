/**
 * Attempts: one try of one candidate through Jakarta Mail, on sockets the attempt owns (the address race, TLS layering, the credential gate, read limits).
 *
 * <p>Not API: this package is not exported from the module and may change in any release.
 */
@NullMarked
package org.mailintegrator.core.internal.attempt;

import org.jspecify.annotations.NullMarked;
