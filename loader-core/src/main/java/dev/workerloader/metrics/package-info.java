/**
 * Micrometer observations and meters of the Worker Loader ({@code worker.loader.*}).
 */
@NullMarked
package dev.workerloader.metrics;

import org.jspecify.annotations.NullMarked;
