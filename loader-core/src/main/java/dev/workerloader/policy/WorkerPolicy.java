package dev.workerloader.policy;

import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import dev.workerloader.egress.OutboundLimits;
import org.jspecify.annotations.Nullable;

/**
 * A named policy: the allowlist a worker is checked against before its sandbox is
 * created.
 *
 * @param name the policy name
 * @param bindings the binding names a worker may receive in {@code env}
 * @param vars read-only configuration strings every worker of this policy gets as
 * {@code env.NAME}: the engine never prints {@code env}, but a var the guest read is an
 * ordinary string; use {@code secrets} for values that must never leave the sandbox
 * @param limits the limits
 * @param allowedHosts hosts {@code fetch()} may reach: exact names or
 * {@code *.example.com} patterns, optionally with scheme and port
 * @param outboundHandler the name of the {@code OutboundHandler} bean that sees every
 * request, if any
 * @param outboundLimits the bounds on {@code fetch()}
 * @param rateLimit the token bucket each client's loads and calls take from, or
 * {@code null} for no rate limit
 * @param secrets strings every worker of this policy can read as {@code env.NAME}, and
 * that are redacted from every text leaving its sandbox: errors, logs, audit events, the
 * host log and results (issue 12); at least {@value #MIN_SECRET_LENGTH} characters each
 * @param revealSecretsInResults whether secrets may appear in the results of calls (they
 * are still redacted from errors and logs)
 * @param isolation where the workers run: in this JVM, or in worker host processes (issue
 * 16)
 * @param timeZone the default time zone of the guest's {@code Date} and {@code Intl}, or
 * {@code null} for UTC, as on Cloudflare (issue 19)
 * @author Worker Loader team
 * @since 0.1.0
 */
public record WorkerPolicy(String name, Set<String> bindings, Map<String, String> vars, WorkerLimits limits,
		List<String> allowedHosts, @Nullable String outboundHandler, OutboundLimits outboundLimits,
		@Nullable RateLimit rateLimit, Map<String, String> secrets, boolean revealSecretsInResults,
		WorkerIsolation isolation, @Nullable ZoneId timeZone) {

	/**
	 * The shortest secret value: shorter ones are too likely to be ordinary text, which
	 * redaction would then mangle.
	 */
	public static final int MIN_SECRET_LENGTH = 8;

	public WorkerPolicy {
		Objects.requireNonNull(name, "'name' must not be null");
		bindings = Set.copyOf(bindings);
		vars = Map.copyOf(vars);
		secrets = Map.copyOf(secrets);
		for (Map.Entry<String, String> secret : secrets.entrySet()) {
			if (vars.containsKey(secret.getKey())) {
				throw new IllegalArgumentException("Policy '" + name + "' defines '" + secret.getKey()
						+ "' both as a var and as a secret; keep one of them.");
			}
			if (secret.getValue().length() < MIN_SECRET_LENGTH) {
				throw new IllegalArgumentException("Secret '" + secret.getKey() + "' of policy '" + name + "' is "
						+ secret.getValue().length() + " characters long; secrets must be at least " + MIN_SECRET_LENGTH
						+ " so that redacting them does not mangle ordinary text. Use a var"
						+ " for a value that is not secret.");
			}
		}
		Objects.requireNonNull(limits, "'limits' must not be null");
		allowedHosts = List.copyOf(allowedHosts);
		Objects.requireNonNull(outboundLimits, "'outboundLimits' must not be null");
		Objects.requireNonNull(isolation, "'isolation' must not be null");
	}

	/**
	 * Creates a policy whose workers run in this JVM.
	 * @param name the policy name
	 * @param bindings the binding names
	 * @param vars the vars
	 * @param limits the limits
	 * @param allowedHosts the hosts {@code fetch()} may reach
	 * @param outboundHandler the outbound handler bean name, if any
	 * @param outboundLimits the bounds on {@code fetch()}
	 * @param rateLimit the per-client rate limit, or {@code null}
	 * @param secrets the secrets
	 * @param revealSecretsInResults whether secrets may appear in results
	 */
	public WorkerPolicy(String name, Set<String> bindings, Map<String, String> vars, WorkerLimits limits,
			List<String> allowedHosts, @Nullable String outboundHandler, OutboundLimits outboundLimits,
			@Nullable RateLimit rateLimit, Map<String, String> secrets, boolean revealSecretsInResults) {
		this(name, bindings, vars, limits, allowedHosts, outboundHandler, outboundLimits, rateLimit, secrets,
				revealSecretsInResults, WorkerIsolation.IN_PROCESS, null);
	}

	/**
	 * Creates a policy without secrets.
	 * @param name the policy name
	 * @param bindings the binding names
	 * @param vars the vars
	 * @param limits the limits
	 * @param allowedHosts the hosts {@code fetch()} may reach
	 * @param outboundHandler the outbound handler bean name, if any
	 * @param outboundLimits the bounds on {@code fetch()}
	 * @param rateLimit the per-client rate limit, or {@code null}
	 */
	public WorkerPolicy(String name, Set<String> bindings, Map<String, String> vars, WorkerLimits limits,
			List<String> allowedHosts, @Nullable String outboundHandler, OutboundLimits outboundLimits,
			@Nullable RateLimit rateLimit) {
		this(name, bindings, vars, limits, allowedHosts, outboundHandler, outboundLimits, rateLimit, Map.of(), false);
	}

	/**
	 * Creates a policy with the default outbound limits and no rate limit.
	 * @param name the policy name
	 * @param bindings the binding names
	 * @param vars the vars
	 * @param limits the limits
	 * @param allowedHosts the hosts {@code fetch()} may reach
	 * @param outboundHandler the outbound handler bean name, if any
	 */
	public WorkerPolicy(String name, Set<String> bindings, Map<String, String> vars, WorkerLimits limits,
			List<String> allowedHosts, @Nullable String outboundHandler) {
		this(name, bindings, vars, limits, allowedHosts, outboundHandler, OutboundLimits.DEFAULTS, null);
	}

	/**
	 * Returns a policy granting no bindings, no vars and no network, with the given
	 * limits.
	 * @param name the policy name
	 * @param limits the limits
	 * @return the policy
	 */
	public static WorkerPolicy of(String name, WorkerLimits limits) {
		return new WorkerPolicy(name, Set.of(), Map.of(), limits, List.of(), null);
	}

	/**
	 * Returns a copy that also grants the given bindings.
	 * @param names the binding names
	 * @return the new policy
	 */
	public WorkerPolicy withBindings(String... names) {
		Set<String> all = new TreeSet<>(this.bindings);
		all.addAll(List.of(names));
		return new WorkerPolicy(this.name, all, this.vars, this.limits, this.allowedHosts, this.outboundHandler,
				this.outboundLimits, this.rateLimit, this.secrets, this.revealSecretsInResults, this.isolation,
				this.timeZone);
	}

	/**
	 * Returns a copy with the given vars.
	 * @param vars the vars
	 * @return the new policy
	 */
	public WorkerPolicy withVars(Map<String, String> vars) {
		return new WorkerPolicy(this.name, this.bindings, vars, this.limits, this.allowedHosts, this.outboundHandler,
				this.outboundLimits, this.rateLimit, this.secrets, this.revealSecretsInResults, this.isolation,
				this.timeZone);
	}

	/**
	 * Returns a copy with other limits.
	 * @param limits the limits
	 * @return the new policy
	 */
	public WorkerPolicy withLimits(WorkerLimits limits) {
		return new WorkerPolicy(this.name, this.bindings, this.vars, limits, this.allowedHosts, this.outboundHandler,
				this.outboundLimits, this.rateLimit, this.secrets, this.revealSecretsInResults, this.isolation,
				this.timeZone);
	}

	/**
	 * Returns a copy whose {@code fetch()} may reach the given hosts, through the given
	 * handler.
	 * @param allowedHosts exact hosts or {@code *.example.com} patterns, optionally with
	 * scheme and port
	 * @param outboundHandler the name of the handler bean, or {@code null}
	 * @return the new policy
	 */
	public WorkerPolicy withOutbound(List<String> allowedHosts, @Nullable String outboundHandler) {
		return new WorkerPolicy(this.name, this.bindings, this.vars, this.limits, allowedHosts, outboundHandler,
				this.outboundLimits, this.rateLimit, this.secrets, this.revealSecretsInResults, this.isolation,
				this.timeZone);
	}

	/**
	 * Returns a copy with other bounds on {@code fetch()}.
	 * @param outboundLimits the bounds
	 * @return the new policy
	 */
	public WorkerPolicy withOutboundLimits(OutboundLimits outboundLimits) {
		return new WorkerPolicy(this.name, this.bindings, this.vars, this.limits, this.allowedHosts,
				this.outboundHandler, outboundLimits, this.rateLimit, this.secrets, this.revealSecretsInResults,
				this.isolation, this.timeZone);
	}

	/**
	 * Returns a copy with a per-client rate limit.
	 * @param rateLimit the token bucket, or {@code null} for none
	 * @return the new policy
	 */
	public WorkerPolicy withRateLimit(@Nullable RateLimit rateLimit) {
		return new WorkerPolicy(this.name, this.bindings, this.vars, this.limits, this.allowedHosts,
				this.outboundHandler, this.outboundLimits, rateLimit, this.secrets, this.revealSecretsInResults,
				this.isolation, this.timeZone);
	}

	/**
	 * Returns a copy with the given secrets.
	 * @param secrets the secrets, by name
	 * @return the new policy
	 */
	public WorkerPolicy withSecrets(Map<String, String> secrets) {
		return new WorkerPolicy(this.name, this.bindings, this.vars, this.limits, this.allowedHosts,
				this.outboundHandler, this.outboundLimits, this.rateLimit, secrets, this.revealSecretsInResults,
				this.isolation, this.timeZone);
	}

	/**
	 * Returns a copy that lets secrets appear in the results of calls, or not.
	 * @param reveal whether results may hold secrets
	 * @return the new policy
	 */
	public WorkerPolicy withRevealSecretsInResults(boolean reveal) {
		return new WorkerPolicy(this.name, this.bindings, this.vars, this.limits, this.allowedHosts,
				this.outboundHandler, this.outboundLimits, this.rateLimit, this.secrets, reveal, this.isolation,
				this.timeZone);
	}

	/**
	 * Returns this policy with its workers in the given tier.
	 * @param isolation the isolation
	 * @return a new policy
	 */
	public WorkerPolicy withIsolation(WorkerIsolation isolation) {
		return new WorkerPolicy(this.name, this.bindings, this.vars, this.limits, this.allowedHosts,
				this.outboundHandler, this.outboundLimits, this.rateLimit, this.secrets, this.revealSecretsInResults,
				isolation, this.timeZone);
	}

	/**
	 * Returns a copy whose workers see {@code timeZone} as their default time zone in
	 * {@code Date} and {@code Intl} (issue 19); {@code null} is UTC, as on Cloudflare.
	 * @param timeZone the time zone
	 * @return the new policy
	 */
	public WorkerPolicy withTimeZone(@Nullable ZoneId timeZone) {
		return new WorkerPolicy(this.name, this.bindings, this.vars, this.limits, this.allowedHosts,
				this.outboundHandler, this.outboundLimits, this.rateLimit, this.secrets, this.revealSecretsInResults,
				this.isolation, timeZone);
	}

	@Override
	public String toString() {
		// Var and secret values are never printed: their names only.
		return "WorkerPolicy[name=" + this.name + ", bindings=" + new TreeSet<>(this.bindings) + ", vars="
				+ new TreeSet<>(this.vars.keySet()) + ", limits=" + this.limits + ", allowedHosts=" + this.allowedHosts
				+ ", outboundHandler=" + this.outboundHandler + ", outboundLimits=" + this.outboundLimits
				+ ", rateLimit=" + this.rateLimit + ", secrets=" + new TreeSet<>(this.secrets.keySet())
				+ ", revealSecretsInResults=" + this.revealSecretsInResults + ", isolation=" + this.isolation + "]";
	}

}
