/**
 * Finds an account's incoming-mail servers from its address alone, for
 * {@code Integrator.builder().discovery(Discovery.standard())}: the provider's autoconfig, DNS SRV records
 * (RFC 6186), Mozilla's ISPDB, the MX records, and guesses, each server with its provenance and trust.
 *
 * <p>All arguments and return values are non-null ({@code @NullMarked}) unless marked {@code @Nullable}.
 */
@NullMarked
package org.mailintegrator.discovery;

import org.jspecify.annotations.NullMarked;
