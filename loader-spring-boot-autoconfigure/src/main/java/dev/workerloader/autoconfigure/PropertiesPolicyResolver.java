package dev.workerloader.autoconfigure;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;

import dev.workerloader.autoconfigure.WorkerLoaderProperties.Limits;
import dev.workerloader.autoconfigure.WorkerLoaderProperties.Policy;
import dev.workerloader.binding.BindingProvider;
import dev.workerloader.policy.PolicyResolver;
import dev.workerloader.policy.WorkerIsolation;
import dev.workerloader.policy.WorkerLimits;
import dev.workerloader.policy.WorkerPolicy;
import dev.workerloader.process.ProcessWorkerLoader;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.unit.DataSize;

/**
 * The {@link PolicyResolver} over {@code worker-loader.policies.*}. Resolves
 * {@code base-policy} inheritance once, at startup, and validates every policy: unknown
 * or cyclic base policies, limits that are not positive and handler beans that do not
 * exist fail with {@link InvalidConfigurationPropertyValueException}; binding names that
 * no bean provides fail once all singletons exist (beans may be registered late).
 *
 * @author Worker Loader team
 */
final class PropertiesPolicyResolver implements PolicyResolver, SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(PropertiesPolicyResolver.class);

	static final String WILDCARD = "*";

	private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");

	private static final Pattern UNIFORM_KEY = Pattern.compile("[a-z0-9][a-z0-9-]*");

	private final Map<String, Policy> configured;

	private final Map<String, WorkerPolicy> policies;

	private final ObjectProvider<BindingProvider> bindings;

	PropertiesPolicyResolver(WorkerLoaderProperties properties, ListableBeanFactory beanFactory,
			ObjectProvider<BindingProvider> bindings) {
		this.configured = new LinkedHashMap<>(properties.getPolicies());
		this.bindings = bindings;
		Map<String, WorkerPolicy> resolved = new LinkedHashMap<>();
		for (String name : this.configured.keySet()) {
			resolved.put(name, resolve(name, new LinkedHashSet<>()));
		}
		for (WorkerPolicy policy : resolved.values()) {
			validate(policy, beanFactory);
		}
		this.policies = Collections.unmodifiableMap(resolved);
		warnAboutWideningSettings();
	}

	@Override
	public @Nullable WorkerPolicy find(String name) {
		return this.policies.get(name);
	}

	@Override
	public Collection<WorkerPolicy> policies() {
		return this.policies.values();
	}

	/**
	 * Checks, once every singleton exists, that each binding a policy lists is provided
	 * by a bean: a misspelt name would otherwise only show when a worker asks for it.
	 */
	@Override
	public void afterSingletonsInstantiated() {
		BindingProvider provider = this.bindings.getIfUnique(() -> BindingProvider.NONE);
		Set<String> available = provider.names();
		this.configured.forEach((name, policy) -> {
			List<String> listed = policy.getBindings();
			if (listed == null) {
				return;
			}
			for (int i = 0; i < listed.size(); i++) {
				String binding = listed.get(i);
				if (!WILDCARD.equals(binding) && !available.contains(binding)) {
					throw new InvalidConfigurationPropertyValueException(key(name, "bindings[" + i + "]"), binding,
							"No bean provides binding '" + binding + "' (provided: " + new TreeSet<>(available)
									+ "). Annotate a bean with @WorkerBinding(\"" + binding + "\"), or set "
									+ bindingKey(binding, "bean") + ".");
				}
			}
		});
	}

	private WorkerPolicy resolve(String name, LinkedHashSet<String> path) {
		Policy policy = this.configured.get(name);
		path.add(name);
		WorkerPolicy base = null;
		String baseName = policy.getBasePolicy();
		if (baseName != null && !baseName.isEmpty()) {
			if (!this.configured.containsKey(baseName)) {
				throw new InvalidConfigurationPropertyValueException(key(name, "base-policy"), baseName,
						"No policy named '" + baseName + "' is defined (defined: " + this.configured.keySet() + ").");
			}
			if (path.contains(baseName)) {
				List<String> cycle = new ArrayList<>(path);
				cycle = cycle.subList(cycle.indexOf(baseName), cycle.size());
				cycle.add(baseName);
				throw new InvalidConfigurationPropertyValueException(key(name, "base-policy"), baseName,
						"Base policies form a cycle: " + String.join(" -> ", cycle)
								+ ". Remove base-policy from one of them.");
			}
			base = resolve(baseName, path);
		}
		path.remove(name);
		return merge(name, policy, base);
	}

	private static WorkerPolicy merge(String name, Policy policy, @Nullable WorkerPolicy base) {
		WorkerLimits inherited = (base != null) ? base.limits() : WorkerLimits.DEFAULTS;
		Limits limits = policy.getLimits();
		checkLimits(name, limits);
		WorkerLimits effective = new WorkerLimits(or(limits.getCpuTime(), inherited.cpuTime()),
				or(limits.getWallTime(), inherited.wallTime()), bytes(limits.getMemory(), inherited.memory()),
				bytes(limits.getOutput(), inherited.output()), or(limits.getStatements(), inherited.statements()),
				or(limits.getCodeSize(), inherited.codeSize()), or(limits.getModules(), inherited.modules()),
				or(limits.getEnvSize(), inherited.envSize()), bytes(limits.getLogSize(), inherited.logSize()),
				or(limits.getNestingDepth(), inherited.nestingDepth()));
		Set<String> bindings = (policy.getBindings() != null) ? new TreeSet<>(policy.getBindings())
				: (base != null) ? base.bindings() : Set.of();
		Map<String, String> vars = (policy.getVars() != null) ? policy.getVars()
				: (base != null) ? base.vars() : Map.of();
		List<String> hosts = (policy.getOutbound().getAllowedHosts() != null) ? policy.getOutbound().getAllowedHosts()
				: (base != null) ? base.allowedHosts() : List.of();
		String handler = (policy.getOutbound().getHandler() != null) ? policy.getOutbound().getHandler()
				: (base != null) ? base.outboundHandler() : null;
		Map<String, String> secrets = (policy.getSecrets() != null) ? policy.getSecrets()
				: (base != null) ? base.secrets() : Map.of();
		boolean reveal = (policy.getRevealSecretsInResults() != null) ? policy.getRevealSecretsInResults()
				: (base != null) && base.revealSecretsInResults();
		checkSecrets(name, vars, secrets);
		if (reveal) {
			logger.warn("Policy '" + name + "' reveals secrets in results (" + key(name, "reveal-secrets-in-results")
					+ "=true): callers see every secret its workers return.");
		}
		return new WorkerPolicy(name, bindings, vars, effective, hosts, handler,
				EgressPolicies.outboundLimits(name, policy.getOutbound(), base),
				EgressPolicies.rateLimit(name, policy.getRateLimit(), base), secrets, reveal,
				isolation(name, policy, base), timeZone(name, policy, base));
	}

	private static @Nullable ZoneId timeZone(String name, Policy policy, @Nullable WorkerPolicy base) {
		String zone = policy.getTimeZone();
		if (zone == null) {
			return (base != null) ? base.timeZone() : null;
		}
		try {
			return ZoneId.of(zone);
		}
		catch (DateTimeException ex) {
			throw new InvalidConfigurationPropertyValueException(key(name, "time-zone"), zone,
					"Not a time zone: use a region id such as 'Europe/Paris' or 'America/New_York', or an offset such"
							+ " as '+02:00'; leave it unset for UTC.");
		}
	}

	private static WorkerIsolation isolation(String name, Policy policy, @Nullable WorkerPolicy base) {
		WorkerIsolation inherited = (base != null) ? base.isolation() : WorkerIsolation.IN_PROCESS;
		WorkerIsolation.Mode mode = (policy.getIsolation() == null) ? inherited.mode()
				: (policy.getIsolation() == WorkerLoaderProperties.Isolation.PROCESS) ? WorkerIsolation.Mode.PROCESS
						: WorkerIsolation.Mode.IN_PROCESS;
		DataSize heap = policy.getProcess().getMaxHeap();
		long bytes = (heap != null) ? heap.toBytes() : inherited.hostHeap();
		if (bytes < WorkerIsolation.MIN_HOST_HEAP) {
			throw new InvalidConfigurationPropertyValueException(key(name, "process.max-heap"), heap,
					"A worker host needs a heap of at least 64MB.");
		}
		return new WorkerIsolation(mode, bytes);
	}

	private static void checkSecrets(String policy, Map<String, String> vars, Map<String, String> secrets) {
		for (Map.Entry<String, String> secret : secrets.entrySet()) {
			if (vars.containsKey(secret.getKey())) {
				throw new InvalidConfigurationPropertyValueException(key(policy, "secrets." + secret.getKey()),
						"[secret]",
						"'" + secret.getKey() + "' is also defined in " + key(policy, "vars") + "; keep one of them.");
			}
			if (secret.getValue().length() < WorkerPolicy.MIN_SECRET_LENGTH) {
				// The value is not shown: it is a secret, however short.
				throw new InvalidConfigurationPropertyValueException(key(policy, "secrets." + secret.getKey()),
						"[secret]",
						"A secret must be at least " + WorkerPolicy.MIN_SECRET_LENGTH
								+ " characters long, so that redacting it does not mangle ordinary text. Use "
								+ key(policy, "vars") + " for a value that is not secret.");
			}
		}
	}

	private static void checkLimits(String policy, Limits limits) {
		positive(policy, "cpu-time", limits.getCpuTime(), (d) -> !d.isNegative() && !d.isZero());
		positive(policy, "wall-time", limits.getWallTime(), (d) -> !d.isNegative() && !d.isZero());
		positive(policy, "memory", limits.getMemory(), (s) -> s.toBytes() > 0);
		positive(policy, "output", limits.getOutput(), (s) -> s.toBytes() > 0);
		positive(policy, "code-size", limits.getCodeSize(), (n) -> n > 0);
		positive(policy, "modules", limits.getModules(), (n) -> n > 0);
		positive(policy, "env-size", limits.getEnvSize(), (n) -> n > 0);
		positive(policy, "log-size", limits.getLogSize(), (s) -> s.toBytes() > 0);
		positive(policy, "nesting-depth", limits.getNestingDepth(), (n) -> n > 0);
		Long statements = limits.getStatements();
		if (statements != null && statements < 0) {
			throw new InvalidConfigurationPropertyValueException(key(policy, "limits.statements"), statements,
					"The statement limit must not be negative; use 0 for no statement limit.");
		}
	}

	private static <T> void positive(String policy, String limit, @Nullable T value, Function<T, Boolean> isPositive) {
		if (value != null && !isPositive.apply(value)) {
			throw new InvalidConfigurationPropertyValueException(key(policy, "limits." + limit), value,
					"The " + limit.replace("cpu-", "CPU ").replace('-', ' ') + " limit must be positive.");
		}
	}

	private static void validate(WorkerPolicy policy, ListableBeanFactory beanFactory) {
		validateNames(policy, "vars", "Var", policy.vars().keySet());
		validateNames(policy, "secrets", "Secret", policy.secrets().keySet());
		String handler = policy.outboundHandler();
		if (handler != null && !beanFactory.containsBean(handler)) {
			throw new InvalidConfigurationPropertyValueException(key(policy.name(), "outbound.handler"), handler,
					"No bean named '" + handler + "' is defined; name an OutboundHandler bean.");
		}
		EgressPolicies.validate(policy, beanFactory);
	}

	private static void validateNames(WorkerPolicy policy, String group, String kind, Set<String> names) {
		for (String name : names) {
			// The value may be a secret: the exception carries the var's name only.
			if (!IDENTIFIER.matcher(name).matches()) {
				throw new InvalidConfigurationPropertyValueException(key(policy.name(), group), name,
						kind + " name '" + name + "' is not a JavaScript identifier; workers read it as env.NAME, so"
								+ " use letters, digits, '_' and '$' such as 'API_URL'.");
			}
			if (policy.bindings().contains(name)) {
				throw new InvalidConfigurationPropertyValueException(key(policy.name(), group), name,
						kind + " '" + name + "' has the name of a binding the policy lists, so env." + name
								+ " would be ambiguous. Rename the " + kind.toLowerCase(java.util.Locale.ROOT)
								+ ", or remove the binding from " + key(policy.name(), "bindings") + ".");
			}
		}
	}

	private void warnAboutWideningSettings() {
		for (WorkerPolicy policy : this.policies.values()) {
			if (policy.bindings().contains(WILDCARD)) {
				logger.warn("Policy '" + policy.name() + "' grants every binding ('*') to untrusted workers: each"
						+ " @WorkerBinding bean becomes callable by guest code. List the bindings it needs in "
						+ key(policy.name(), "bindings") + " instead.");
			}
			if (policy.allowedHosts().contains(WILDCARD)) {
				logger.warn("Policy '" + policy.name() + "' lets untrusted workers fetch from any host ('*'). List"
						+ " the hosts they need in " + key(policy.name(), "outbound.allowed-hosts") + " instead.");
			}
		}
	}

	private static <T> T or(@Nullable T value, T inherited) {
		return (value != null) ? value : inherited;
	}

	private static long bytes(@Nullable DataSize value, long inherited) {
		return (value != null) ? value.toBytes() : inherited;
	}

	static String key(String policy, String suffix) {
		return WorkerLoaderProperties.CONFIG_PREFIX + ".policies" + mapKey(policy) + "." + suffix;
	}

	static String bindingKey(String binding, String suffix) {
		return WorkerLoaderProperties.CONFIG_PREFIX + ".bindings" + mapKey(binding) + "." + suffix;
	}

	/**
	 * Returns a map key in the form Boot reports it: {@code .name} for lowercase kebab
	 * keys, {@code [NAME]} for keys that bind only in bracket notation.
	 */
	static String mapKey(String key) {
		return UNIFORM_KEY.matcher(key).matches() ? "." + key : "[" + key + "]";
	}

	@Override
	public String toString() {
		return "PropertiesPolicyResolver" + this.policies.keySet();
	}

}
