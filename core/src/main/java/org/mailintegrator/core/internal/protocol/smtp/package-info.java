/**
 * The SMTP submission driver: greeting, EHLO, STARTTLS, AUTH and QUIT through Angus Mail's SMTP transport, never a
 * message.
 *
 * <p>Not API: this package is not exported from the module and may change in any release.
 */
@NullMarked
package org.mailintegrator.core.internal.protocol.smtp;

import org.jspecify.annotations.NullMarked;
