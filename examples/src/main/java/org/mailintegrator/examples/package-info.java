/**
 * Runnable programs that show how to use Mail Integrator; copy from them.
 *
 * <ul>
 *   <li>{@link org.mailintegrator.examples.IntegrateAccount}: integrates a real account from the command line, or,
 *       with no arguments, runs a demo against an embedded server with IMAP stopped.</li>
 *   <li>{@link org.mailintegrator.examples.CustomPolicyExample}: a preference policy of your own, as a lambda.</li>
 * </ul>
 */
@NullMarked
package org.mailintegrator.examples;

import org.jspecify.annotations.NullMarked;
