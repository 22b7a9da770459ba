/**
 * The GraalJS sandbox engine behind {@link dev.workerloader.WorkerLoader}: the only
 * package that uses {@code org.graalvm} types.
 */
@NullMarked
package dev.workerloader.sandbox;

import org.jspecify.annotations.NullMarked;
