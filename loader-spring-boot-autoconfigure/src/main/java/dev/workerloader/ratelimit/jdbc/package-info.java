/**
 * Rate-limit buckets in PostgreSQL (Bucket4j), shared by every application instance.
 */
@NullMarked
package dev.workerloader.ratelimit.jdbc;

import org.jspecify.annotations.NullMarked;
