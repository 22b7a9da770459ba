package dev.workerloader.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the start-up warm-up (issue 18): a synthetic workload through the real load
 * and call path before the instance reports itself ready to take traffic.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
@ConfigurationProperties(WorkerLoaderWarmUpProperties.CONFIG_PREFIX)
public class WorkerLoaderWarmUpProperties {

	/**
	 * Prefix of the warm-up properties.
	 */
	public static final String CONFIG_PREFIX = "worker-loader.warm-up";

	/**
	 * Whether the application warms the engine and the loader's code paths at start-up,
	 * before its readiness state becomes ACCEPTING_TRAFFIC.
	 */
	private boolean enabled = true;

	/**
	 * Most synthetic workers the warm-up loads and calls.
	 */
	private int loads = 400;

	/**
	 * Longest the warm-up may take; start-up goes on when it is reached.
	 */
	private Duration maxTime = Duration.ofSeconds(10);

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public int getLoads() {
		return this.loads;
	}

	public void setLoads(int loads) {
		this.loads = loads;
	}

	public Duration getMaxTime() {
		return this.maxTime;
	}

	public void setMaxTime(Duration maxTime) {
		this.maxTime = maxTime;
	}

}
