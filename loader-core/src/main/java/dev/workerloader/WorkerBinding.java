package dev.workerloader;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes an object available to workers as an {@code env} binding. On a Spring bean class
 * or {@code @Bean} method, the bean is registered under {@link #value()}; on any class,
 * an instance passed to {@link WorkerCode.Builder#env(String, Object)} becomes a binding
 * rather than data.
 * <p>
 * What a guest may call is explicit: the methods of {@link #exposedAs()} when it is set,
 * otherwise only the methods annotated {@link WorkerMethod}. Nothing else is reachable.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface WorkerBinding {

	/**
	 * The binding name, as the guest sees it: {@code env.NAME}. Empty means the bean
	 * name.
	 * @return the binding name
	 */
	String value() default "";

	/**
	 * The interface whose methods the guest may call. {@code void.class} means the
	 * methods annotated {@link WorkerMethod}.
	 * @return the exposed interface
	 */
	Class<?> exposedAs() default void.class;

}
