/**
 * Test fixtures for applications that use Mail Integrator: {@link org.mailintegrator.testkit.MailServerFixture}
 * (IMAP, IMAPS, POP3 and POP3S with faults, STARTTLS and a record of received commands),
 * {@link org.mailintegrator.testkit.MailServerExtension} for JUnit 5, {@link org.mailintegrator.testkit.Routing},
 * {@link org.mailintegrator.testkit.TestCertificates}, {@link org.mailintegrator.testkit.TestDnsServer} and
 * {@link org.mailintegrator.testkit.AutoconfigServer} for tests of discovery, AssertJ assertions in
 * {@link org.mailintegrator.testkit.MailIntegratorAssertions}, and
 * {@link org.mailintegrator.testkit.PreferencePolicyContract} for policy authors.
 *
 * <p>All arguments and return values are non-null ({@code @NullMarked}) unless marked {@code @Nullable}.
 */
@NullMarked
package org.mailintegrator.testkit;

import org.jspecify.annotations.NullMarked;
