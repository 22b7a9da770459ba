/**
 * Code Mode: describe the API a worker may call as compact TypeScript declarations that
 * language models write code against.
 */
@NullMarked
package dev.workerloader.codemode;

import org.jspecify.annotations.NullMarked;
