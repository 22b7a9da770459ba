/**
 * Code Mode as a Spring AI tool: a {@code ToolCallback} that runs a model's JavaScript in
 * a fresh worker and answers with its result, logs and error as JSON.
 */
@NullMarked
package dev.workerloader.ai;

import org.jspecify.annotations.NullMarked;
