package dev.workerloader;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a public method of a {@link WorkerBinding} as callable by guests. Arguments and
 * results cross as deep-copied JSON-like values; a method returning a
 * {@link java.util.concurrent.CompletionStage} appears to the guest as a Promise.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface WorkerMethod {

}
