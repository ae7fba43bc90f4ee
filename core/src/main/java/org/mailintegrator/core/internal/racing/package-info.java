/**
 * Racing: an integration's race ({@link org.mailintegrator.core.internal.racing.Race}, the coordinator that holds
 * the lock and runs what it decided after letting go of it, {@code Decisions}) over its lanes ({@code Lane}: one
 * candidate's state and transitions, asking the race through {@code LaneHost} what looks at more than one lane) and
 * small rules that decide on values: who starts ({@code Launch}), who may authenticate and who is stopped for it
 * ({@code Turns}), the deadlines ({@code Deadlines}), the "not now" backoff ({@code NotNow}), and the per-server
 * connection limit. No I/O; time comes from a Timeline.
 *
 * <p>Not API: this package is not exported from the module and may change in any release.
 */
@NullMarked
package org.mailintegrator.core.internal.racing;

import org.jspecify.annotations.NullMarked;
