/**
 * The {@code workerloader} health indicator.
 */
@NullMarked
package dev.workerloader.actuate.health;

import org.jspecify.annotations.NullMarked;
