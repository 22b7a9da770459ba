/**
 * The process-isolation tier (issue 16): workers in child JVMs ("worker hosts") behind
 * the same {@link dev.workerloader.WorkerLoader} API, and the loader that routes each
 * policy to its tier.
 */
@NullMarked
package dev.workerloader.process;

import org.jspecify.annotations.NullMarked;
