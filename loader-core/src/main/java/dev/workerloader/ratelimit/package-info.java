/**
 * Per-client rate limits on worker loads and calls, as token buckets.
 */
@NullMarked
package dev.workerloader.ratelimit;

import org.jspecify.annotations.NullMarked;
