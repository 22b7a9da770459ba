/**
 * Guest console output forwarded to the host's logging.
 */
@NullMarked
package dev.workerloader.logging;

import org.jspecify.annotations.NullMarked;
