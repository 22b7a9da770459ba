/**
 * The Worker Loader API: load untrusted JavaScript into isolated sandboxes and call its
 * entrypoints. Nothing in this package depends on Spring or GraalVM.
 */
@NullMarked
package dev.workerloader;

import org.jspecify.annotations.NullMarked;
