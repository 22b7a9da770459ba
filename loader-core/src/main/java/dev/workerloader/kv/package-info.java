/**
 * The KV binding: a small key-value store each worker sees as {@code env.KV}, scoped to
 * the worker, behind the {@link dev.workerloader.kv.KvStore} SPI.
 */
@NullMarked
package dev.workerloader.kv;

import org.jspecify.annotations.NullMarked;
