/**
 * A {@link dev.workerloader.kv.KvStore} on a relational database through Spring's
 * {@code JdbcClient}.
 */
@NullMarked
package dev.workerloader.kv.jdbc;

import org.jspecify.annotations.NullMarked;
