/**
 * The IMAP driver.
 *
 * <p>Not API: this package is not exported from the module and may change in any release.
 */
@NullMarked
package org.mailintegrator.core.internal.protocol.imap;

import org.jspecify.annotations.NullMarked;
