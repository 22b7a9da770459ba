package dev.workerloader.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.beans.factory.annotation.Qualifier;

/**
 * Qualifier for the {@link javax.sql.DataSource} that the Worker Loader's JDBC features
 * (the KV store) use instead of the application's own, as Spring Session's
 * {@code @SpringSessionDataSource}. Mark one {@code DataSource} bean with it to keep
 * worker data out of the application's database: annotate its {@code @Bean} method with
 * both {@code @Bean} and {@code @WorkerLoaderDataSource}.
 * <p>
 * A {@code DataSource} marked with it is not the application's primary one unless it is
 * also {@code @Primary}; with {@code defaultCandidate = false} on its {@code @Bean} it
 * does not even compete with it.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
@Target({ ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.TYPE, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Qualifier
public @interface WorkerLoaderDataSource {

}
