/**
 * Host objects as {@code env} bindings: which methods a guest may call, and the SPI that
 * finds bindings by name.
 */
@NullMarked
package dev.workerloader.binding;

import org.jspecify.annotations.NullMarked;
