/**
 * The POP3 driver, with the filter that distrusts what a POP3 server says before STLS.
 *
 * <p>Not API: this package is not exported from the module and may change in any release.
 */
@NullMarked
package org.mailintegrator.core.internal.protocol.pop3;

import org.jspecify.annotations.NullMarked;
