/**
 * Classification: a failed attempt's exception turned into an outcome by an ordered list of rules, the failure kept as a redacted cause.
 *
 * <p>Not API: this package is not exported from the module and may change in any release.
 */
@NullMarked
package org.mailintegrator.core.internal.classify;

import org.jspecify.annotations.NullMarked;
