package dev.workerloader.policy;

import java.time.Duration;
import java.util.Objects;

/**
 * The limits a worker is held to. Quotas ({@code cpuTime}, {@code wallTime},
 * {@code memory}, {@code output}, {@code statements}) apply per invocation; sizes are
 * checked before anything is compiled.
 *
 * @param cpuTime CPU time of one invocation
 * @param wallTime elapsed time of one invocation, including awaiting host calls
 * @param memory bytes one invocation may allocate (garbage included)
 * @param output bytes of one result, as JSON
 * @param statements guest statements a worker may execute, or 0 for no statement limit
 * @param codeSize total characters of all modules
 * @param modules number of modules
 * @param envSize characters of the env data, as JSON
 * @param logSize bytes of console output kept per invocation
 * @param nestingDepth deepest bracket nesting of any module
 * @author Worker Loader team
 * @since 0.1.0
 */
public record WorkerLimits(Duration cpuTime, Duration wallTime, long memory, long output, long statements,
		long codeSize, int modules, long envSize, long logSize, int nestingDepth) {

	/**
	 * The default limits: 1 s CPU, 10 s wall time, 256 MiB allocated, 1 MiB output, no
	 * statement limit, 1 MiB of code in at most 64 modules, 64 KiB env, 64 KiB logs and a
	 * nesting depth of 128.
	 */
	public static final WorkerLimits DEFAULTS = new WorkerLimits(Duration.ofSeconds(1), Duration.ofSeconds(10),
			256L * 1024 * 1024, 1024 * 1024, 0, 1024 * 1024, 64, 64 * 1024, 64 * 1024, 128);

	public WorkerLimits {
		Objects.requireNonNull(cpuTime, "'cpuTime' must not be null");
		Objects.requireNonNull(wallTime, "'wallTime' must not be null");
	}

	/**
	 * Returns a copy with another CPU time limit.
	 * @param cpuTime the limit
	 * @return the new limits
	 */
	public WorkerLimits withCpuTime(Duration cpuTime) {
		return new WorkerLimits(cpuTime, this.wallTime, this.memory, this.output, this.statements, this.codeSize,
				this.modules, this.envSize, this.logSize, this.nestingDepth);
	}

	/**
	 * Returns a copy with another wall time limit.
	 * @param wallTime the limit
	 * @return the new limits
	 */
	public WorkerLimits withWallTime(Duration wallTime) {
		return new WorkerLimits(this.cpuTime, wallTime, this.memory, this.output, this.statements, this.codeSize,
				this.modules, this.envSize, this.logSize, this.nestingDepth);
	}

	/**
	 * Returns the lower of each limit of these and {@code other} (issue 19): what a
	 * worker's code or one call asks for can lower a policy's limit, never raise it. A
	 * statement limit of 0 means none, so any other value is lower.
	 * @param other the other limits
	 * @return the lowest of both, limit by limit
	 */
	public WorkerLimits lowest(WorkerLimits other) {
		long statementLimit = (this.statements == 0) ? other.statements
				: (other.statements == 0) ? this.statements : Math.min(this.statements, other.statements);
		return new WorkerLimits(min(this.cpuTime, other.cpuTime), min(this.wallTime, other.wallTime),
				Math.min(this.memory, other.memory), Math.min(this.output, other.output), statementLimit,
				Math.min(this.codeSize, other.codeSize), Math.min(this.modules, other.modules),
				Math.min(this.envSize, other.envSize), Math.min(this.logSize, other.logSize),
				Math.min(this.nestingDepth, other.nestingDepth));
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

	/**
	 * Returns a copy with another memory budget.
	 * @param memory the limit in bytes
	 * @return the new limits
	 */
	public WorkerLimits withMemory(long memory) {
		return new WorkerLimits(this.cpuTime, this.wallTime, memory, this.output, this.statements, this.codeSize,
				this.modules, this.envSize, this.logSize, this.nestingDepth);
	}

	/**
	 * Returns a copy with another statement limit.
	 * @param statements the limit, or 0 for none
	 * @return the new limits
	 */
	public WorkerLimits withStatements(long statements) {
		return new WorkerLimits(this.cpuTime, this.wallTime, this.memory, this.output, statements, this.codeSize,
				this.modules, this.envSize, this.logSize, this.nestingDepth);
	}

	/**
	 * Returns a copy with another log size.
	 * @param logSize the limit in bytes
	 * @return the new limits
	 */
	public WorkerLimits withLogSize(long logSize) {
		return new WorkerLimits(this.cpuTime, this.wallTime, this.memory, this.output, this.statements, this.codeSize,
				this.modules, this.envSize, logSize, this.nestingDepth);
	}

}
