/**
 * Serving HTTP through a worker's {@code fetch()} handler from Spring MVC: mapping
 * between Spring's {@code RequestEntity}/{@code ResponseEntity} and the core's
 * {@link dev.workerloader.WorkerRequest}/{@link dev.workerloader.WorkerResponse}.
 */
@NullMarked
package dev.workerloader.web;

import org.jspecify.annotations.NullMarked;
