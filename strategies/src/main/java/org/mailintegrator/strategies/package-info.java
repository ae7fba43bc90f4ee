/**
 * Ready preference policies ({@link org.mailintegrator.strategies.Policies}) and the building block for ordered
 * policies of your own. All arguments and return values are non-null.
 */
@NullMarked
package org.mailintegrator.strategies;

import org.jspecify.annotations.NullMarked;
