/**
 * Spring Boot auto-configuration of the Worker Loader: the {@code LOADER} bean, policies
 * from {@code worker-loader.*} properties and Spring beans as {@code env} bindings.
 */
@NullMarked
package dev.workerloader.autoconfigure;

import org.jspecify.annotations.NullMarked;
