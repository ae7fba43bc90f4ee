/**
 * Programs that show how to use Mail Integrator; copy from them. The command-line tool is the {@code cli} module.
 *
 * <ul>
 *   <li>{@link org.mailintegrator.examples.CustomPolicyExample}: a preference policy of your own, as a lambda.</li>
 *   <li>{@link org.mailintegrator.examples.MicrometerListener}: metrics built on the integration listener.</li>
 * </ul>
 */
@NullMarked
package org.mailintegrator.examples;

import org.jspecify.annotations.NullMarked;
