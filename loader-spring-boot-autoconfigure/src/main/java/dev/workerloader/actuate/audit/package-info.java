/**
 * The audit trail of worker loads and invocations.
 */
@NullMarked
package dev.workerloader.actuate.audit;

import org.jspecify.annotations.NullMarked;
