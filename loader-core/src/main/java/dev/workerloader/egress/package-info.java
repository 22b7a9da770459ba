/**
 * Egress: what a worker's {@code fetch()} may reach: the outbound handler SPI, the
 * outbound request and limits, and the address guard.
 */
@NullMarked
package dev.workerloader.egress;

import org.jspecify.annotations.NullMarked;
