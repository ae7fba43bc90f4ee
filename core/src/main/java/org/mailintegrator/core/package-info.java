/**
 * The model and the negotiation of Mail Integrator: a {@link org.mailintegrator.core.MailAccount}, a
 * {@link org.mailintegrator.core.PreferencePolicy} that lists {@link org.mailintegrator.core.ProtocolCandidate}s
 * in preference order, the {@link org.mailintegrator.core.Integrator} that tries them, and the
 * {@link org.mailintegrator.core.IntegrationResult} that explains every {@link org.mailintegrator.core.Attempt}.
 *
 * <p>All arguments and return values are non-null ({@code @NullMarked}) unless marked {@code @Nullable}.
 */
@NullMarked
package org.mailintegrator.core;

import org.jspecify.annotations.NullMarked;
