/**
 * Worker policies: which bindings, values, outbound hosts and limits a worker may have.
 */
@NullMarked
package dev.workerloader.policy;

import org.jspecify.annotations.NullMarked;
