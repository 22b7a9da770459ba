package dev.workerloader.process;

import java.util.Objects;
import java.util.function.Supplier;

import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerLoader;
import dev.workerloader.policy.PolicyResolver;
import dev.workerloader.policy.WorkerPolicy;

/**
 * The {@link WorkerLoader} of an application with process-isolated policies (issue 16):
 * routes {@code load} and {@code get} by the isolation of the code's policy, to the
 * in-process loader or to the {@link ProcessWorkerLoader}. In-process policies are not
 * affected: their workers are loaded exactly as without this loader. Thread-safe.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public final class TieredWorkerLoader implements WorkerLoader {

	private final WorkerLoader inProcess;

	private final ProcessWorkerLoader process;

	private final PolicyResolver policies;

	/**
	 * Creates a loader over both tiers.
	 * @param inProcess the loader of in-process policies
	 * @param process the loader of process policies
	 * @param policies the policies, to read each one's isolation
	 */
	public TieredWorkerLoader(WorkerLoader inProcess, ProcessWorkerLoader process, PolicyResolver policies) {
		this.inProcess = Objects.requireNonNull(inProcess, "'inProcess' must not be null");
		this.process = Objects.requireNonNull(process, "'process' must not be null");
		this.policies = Objects.requireNonNull(policies, "'policies' must not be null");
	}

	/**
	 * Returns the in-process tier.
	 * @return the in-process loader
	 */
	public WorkerLoader inProcess() {
		return this.inProcess;
	}

	/**
	 * Returns the process tier.
	 * @return the process loader
	 */
	public ProcessWorkerLoader process() {
		return this.process;
	}

	private boolean isProcess(WorkerCode code) {
		WorkerPolicy policy = this.policies.find(code.policy());
		return policy != null && policy.isolation().isProcess();
	}

	@Override
	public Worker load(WorkerCode code) {
		Objects.requireNonNull(code, "'code' must not be null");
		return isProcess(code) ? this.process.load(code) : this.inProcess.load(code);
	}

	@Override
	public Worker get(String id, Supplier<WorkerCode> code) {
		Objects.requireNonNull(id, "'id' must not be null");
		Objects.requireNonNull(code, "'code' must not be null");
		Worker kept = this.process.findKept(id);
		if (kept != null) {
			return kept;
		}
		try {
			return this.inProcess.get(id, () -> {
				WorkerCode workerCode = code.get();
				if (isProcess(workerCode)) {
					// The supplier is called once: hand its code to the process tier.
					throw new ProcessTier(workerCode);
				}
				return workerCode;
			});
		}
		catch (ProcessTier routed) {
			return this.process.get(id, () -> routed.code);
		}
	}

	@Override
	public Worker get(String id, WorkerCode code) {
		Objects.requireNonNull(id, "'id' must not be null");
		Objects.requireNonNull(code, "'code' must not be null");
		return isProcess(code) ? this.process.get(id, code) : this.inProcess.get(id, code);
	}

	@Override
	public boolean evict(String id) {
		boolean inProcess = this.inProcess.evict(id);
		return this.process.evict(id) || inProcess;
	}

	/** Carries code of a process policy out of the in-process loader's supplier. */
	private static final class ProcessTier extends RuntimeException {

		private static final long serialVersionUID = 1L;

		private final transient WorkerCode code;

		ProcessTier(WorkerCode code) {
			super(null, null, false, false);
			this.code = code;
		}

	}

}
