package dev.workerloader.autoconfigure;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import dev.workerloader.WorkerBinding;
import dev.workerloader.binding.BindingProvider;
import dev.workerloader.binding.ExposedBinding;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.scope.ScopedProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.type.MethodMetadata;

/**
 * The {@link BindingProvider} over Spring beans: beans whose class or {@code @Bean}
 * method is annotated {@link WorkerBinding}, and {@code worker-loader.bindings.*}.
 * <p>
 * Bindings are found from bean definitions, without creating beans, and the beans are
 * only looked up once every singleton exists, so a binding may depend on the
 * {@code LOADER} bean without a cycle. Every binding is then exposed eagerly, so that a
 * bean that cannot be a binding fails startup rather than the first worker. Calls go
 * through the bean as the container holds it, so AOP advice (transactions, security)
 * applies.
 *
 * @author Worker Loader team
 */
final class SpringBeanBindingProvider implements BindingProvider, SmartInitializingSingleton {

	private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");

	private final ConfigurableListableBeanFactory beanFactory;

	private final Map<String, WorkerLoaderProperties.Binding> configured;

	private final Map<String, ExposedBinding> exposed = new ConcurrentHashMap<>();

	private volatile @Nullable Map<String, Registration> registrations;

	SpringBeanBindingProvider(ConfigurableListableBeanFactory beanFactory, WorkerLoaderProperties properties) {
		this.beanFactory = beanFactory;
		this.configured = new LinkedHashMap<>(properties.getBindings());
		this.configured.forEach(this::checkConfigured);
	}

	private void checkConfigured(String name, WorkerLoaderProperties.Binding binding) {
		String bean = binding.getBean();
		if (!IDENTIFIER.matcher(name).matches()) {
			throw new InvalidConfigurationPropertyValueException(PropertiesPolicyResolver.bindingKey(name, "bean"),
					bean,
					"Binding name '" + name + "' is not a JavaScript identifier; workers read it as env.NAME, so use"
							+ " letters, digits, '_' and '$' such as 'CHAT_ROOM'.");
		}
		if (bean == null || bean.isBlank()) {
			throw new InvalidConfigurationPropertyValueException(PropertiesPolicyResolver.bindingKey(name, "bean"),
					bean, "The name of the bean behind binding '" + name + "' must be set.");
		}
		if (!this.beanFactory.containsBean(bean)) {
			throw new InvalidConfigurationPropertyValueException(PropertiesPolicyResolver.bindingKey(name, "bean"),
					bean, "No bean named '" + bean + "' is defined.");
		}
		Class<?> exposedAs = binding.getExposedAs();
		if (exposedAs != null && !exposedAs.isInterface()) {
			throw new InvalidConfigurationPropertyValueException(
					PropertiesPolicyResolver.bindingKey(name, "exposed-as"), exposedAs.getName(), "Binding '" + name
							+ "' must be exposed as an interface, so that exactly its" + " methods are callable.");
		}
	}

	@Override
	public @Nullable ExposedBinding find(String name) {
		Registration registration = registrations().get(name);
		if (registration == null) {
			return null;
		}
		return this.exposed.computeIfAbsent(name, (key) -> expose(registration));
	}

	@Override
	public Set<String> names() {
		return registrations().keySet();
	}

	@Override
	public void afterSingletonsInstantiated() {
		Map<String, Registration> all = scan();
		this.registrations = all;
		for (String name : all.keySet()) {
			find(name);
		}
	}

	private Map<String, Registration> registrations() {
		Map<String, Registration> all = this.registrations;
		// Before every singleton exists, bean types may still be predicted only: scan
		// again on each call, and keep the result once the context is refreshed.
		return (all != null) ? all : scan();
	}

	private Map<String, Registration> scan() {
		Map<String, Registration> result = new LinkedHashMap<>();
		for (String beanName : this.beanFactory.getBeanDefinitionNames()) {
			if (ScopedProxyUtils.isScopedTarget(beanName)) {
				continue;
			}
			BeanDefinition definition = this.beanFactory.getBeanDefinition(beanName);
			if (definition.isAbstract()) {
				continue;
			}
			Registration registration = annotated(beanName, definition);
			if (registration == null) {
				continue;
			}
			if (!IDENTIFIER.matcher(registration.name).matches()) {
				throw new InvalidWorkerBindingException(beanName, registration.name,
						"Bean '" + beanName + "' is annotated @WorkerBinding(\"" + registration.name
								+ "\"), which is not a JavaScript identifier: workers read bindings as env.NAME.",
						"Name the binding with letters, digits, '_' and '$', such as @WorkerBinding(\"CHAT_ROOM\").");
			}
			Registration previous = result.putIfAbsent(registration.name, registration);
			if (previous != null) {
				throw new InvalidWorkerBindingException(beanName, registration.name,
						"Beans '" + previous.beanName + "' and '" + beanName + "' are both annotated @WorkerBinding(\""
								+ registration.name + "\"); a binding name must be unique.",
						"Rename the binding of one of them.");
			}
		}
		this.configured.forEach((name, binding) -> {
			Registration previous = result.get(name);
			if (previous != null) {
				throw new InvalidConfigurationPropertyValueException(PropertiesPolicyResolver.bindingKey(name, "bean"),
						binding.getBean(), "Binding '" + name + "' is already provided by bean '" + previous.beanName
								+ "', annotated @WorkerBinding. Remove the annotation or this property.");
			}
			result.put(name, new Registration(name, binding.getBean(), binding.getExposedAs(), true));
		});
		return java.util.Collections.unmodifiableMap(result);
	}

	private @Nullable Registration annotated(String beanName, BeanDefinition definition) {
		if (definition instanceof AnnotatedBeanDefinition annotated) {
			MethodMetadata factoryMethod = annotated.getFactoryMethodMetadata();
			if (factoryMethod != null) {
				MergedAnnotation<WorkerBinding> annotation = factoryMethod.getAnnotations().get(WorkerBinding.class);
				if (annotation.isPresent()) {
					return registration(beanName, annotation.getString("value"), annotation.getClass("exposedAs"));
				}
			}
		}
		WorkerBinding annotation = this.beanFactory.findAnnotationOnBean(beanName, WorkerBinding.class, false);
		if (annotation != null) {
			return registration(beanName, annotation.value(), annotation.exposedAs());
		}
		return null;
	}

	private static Registration registration(String beanName, String value, Class<?> exposedAs) {
		return new Registration(value.isEmpty() ? beanName : value, beanName,
				(exposedAs != void.class) ? exposedAs : null, false);
	}

	private ExposedBinding expose(Registration registration) {
		Object bean = this.beanFactory.getBean(registration.beanName);
		if (registration.exposedAs == null && AopUtils.isJdkDynamicProxy(bean)) {
			throw refused(registration,
					"it is a JDK dynamic proxy, which hides its @WorkerMethod methods. Set"
							+ " exposedAs to one of its interfaces " + Arrays.toString(bean.getClass().getInterfaces())
							+ ", or proxy the target class");
		}
		try {
			return ExposedBinding.of(registration.name, bean, registration.exposedAs);
		}
		catch (IllegalArgumentException ex) {
			throw refused(registration, ex.getMessage());
		}
	}

	private RuntimeException refused(Registration registration, @Nullable String why) {
		if (registration.configured) {
			String property = (registration.exposedAs != null) ? "exposed-as" : "bean";
			Object value = (registration.exposedAs != null) ? registration.exposedAs.getName() : registration.beanName;
			return new InvalidConfigurationPropertyValueException(
					PropertiesPolicyResolver.bindingKey(registration.name, property), value,
					"Bean '" + registration.beanName + "' cannot be binding '" + registration.name + "': " + why + ".");
		}
		return new InvalidWorkerBindingException(registration.beanName, registration.name,
				"Bean '" + registration.beanName + "' is annotated @WorkerBinding(\"" + registration.name
						+ "\") but cannot be a binding: " + why + ".",
				"Annotate the methods workers may call with @WorkerMethod, or set exposedAs to an interface the bean"
						+ " implements.");
	}

	@Override
	public String toString() {
		return "SpringBeanBindingProvider" + names();
	}

	private record Registration(String name, String beanName, @Nullable Class<?> exposedAs, boolean configured) {
	}

}
