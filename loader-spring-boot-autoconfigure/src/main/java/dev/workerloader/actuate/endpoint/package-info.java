/**
 * The {@code workerloader} actuator endpoint.
 */
@NullMarked
package dev.workerloader.actuate.endpoint;

import org.jspecify.annotations.NullMarked;
