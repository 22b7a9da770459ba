package dev.workerloader.sandbox;

import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyExecutable;
import org.jspecify.annotations.Nullable;

/**
 * The timer queue of one worker's event loop (issue 19): {@code setTimeout} and
 * {@code setInterval} of the guest runtime schedule here, and the invocation that runs on
 * the sandbox thread fires what is due while it awaits its result. Nothing runs on
 * another thread: a timer is a deadline the awaiting loop honours, so it keeps an
 * invocation alive only within the invocation's wall-time limit, and every timer dies
 * when the invocation ends or the worker is closed.
 * <p>
 * The guest calls {@code ("set", delayMs, repeat)}, answered with the timer id, or with a
 * message tagged {@code 'R'} (over the cap: a {@code RangeError}) or {@code 'E'} (timers
 * are not available now: an {@code Error}); and {@code ("clear", id)}. Thread-safe:
 * {@link #clear()} is called by {@code close()} from any thread.
 *
 * @author Worker Loader team
 */
final class GuestTimers implements ProxyExecutable {

	/**
	 * Timers one invocation may set, {@code setTimeout} and {@code setInterval} together.
	 */
	static final int MAX_PER_INVOCATION = 10_000;

	/** The shortest period of an interval: a 0 ms interval would spin the loop. */
	private static final long MIN_INTERVAL_NANOS = 1_000_000L;

	/** The longest delay, as in browsers and workerd (a signed 32-bit count of ms). */
	private static final long MAX_DELAY_MS = Integer.MAX_VALUE;

	private final String workerId;

	private final String policy;

	private final PriorityQueue<Timer> queue = new PriorityQueue<>();

	private final Map<Integer, Timer> active = new HashMap<>();

	private State state = State.LOADING;

	private int created;

	private int nextId = 1;

	private long sequence;

	GuestTimers(String workerId, String policy) {
		this.workerId = workerId;
		this.policy = policy;
	}

	@Override
	public synchronized @Nullable Object execute(Value... arguments) {
		String op = arguments[0].asString();
		if ("clear".equals(op)) {
			Timer timer = this.active.remove(arguments[1].asInt());
			if (timer != null) {
				this.queue.remove(timer);
			}
			return null;
		}
		if (this.state == State.LOADING) {
			return "EWorker '" + this.workerId + "' set a timer in global scope, while its modules load: timers run"
					+ " only inside an invocation, as on Cloudflare Workers. Set it in a method of an export.";
		}
		if (this.state == State.IDLE) {
			// Set after the invocation ended (by a callback of a promise it left behind):
			// it will never run, and never reaches the next invocation.
			return 0;
		}
		if (this.created >= MAX_PER_INVOCATION) {
			return "RWorker '" + this.workerId + "' set more than " + MAX_PER_INVOCATION + " timers in one invocation"
					+ " (setTimeout and setInterval together), the limit of every worker under policy '" + this.policy
					+ "'. Clear timers it no longer needs, or do the work in fewer timers.";
		}
		this.created++;
		double delay = arguments[1].asDouble();
		long delayMs = (delay > 0) ? (long) Math.min(delay, MAX_DELAY_MS) : 0;
		boolean repeat = arguments[2].asBoolean();
		long period = repeat ? Math.max(delayMs * 1_000_000L, MIN_INTERVAL_NANOS) : 0;
		int id = this.nextId++;
		if (this.nextId <= 0) {
			this.nextId = 1;
		}
		Timer timer = new Timer(id, System.nanoTime() + (repeat ? period : delayMs * 1_000_000L), this.sequence++,
				period);
		this.active.put(id, timer);
		this.queue.add(timer);
		return id;
	}

	/** Timers may be set from now on: an invocation starts. */
	synchronized void begin() {
		this.state = State.RUNNING;
		this.created = 0;
	}

	/**
	 * The invocation ended: its pending timers are dropped.
	 * @return whether the invocation set any timer (the guest's callbacks are dropped
	 * too)
	 */
	synchronized boolean end() {
		this.state = State.IDLE;
		clear();
		return this.created > 0;
	}

	/** Drops every pending timer (the worker closes). */
	synchronized void clear() {
		this.queue.clear();
		this.active.clear();
	}

	/**
	 * Takes the first timer due at {@code now}; an interval is scheduled again at once,
	 * so that the callback can clear it.
	 * @param now the current {@link System#nanoTime()}
	 * @return the id of the timer to fire, or 0 if none is due
	 */
	synchronized int takeDue(long now) {
		Timer first = this.queue.peek();
		if (first == null || first.due - now > 0) {
			return 0;
		}
		this.queue.poll();
		if (first.period > 0) {
			Timer again = new Timer(first.id, now + first.period, this.sequence++, first.period);
			this.active.put(first.id, again);
			this.queue.add(again);
		}
		else {
			this.active.remove(first.id);
		}
		return first.id;
	}

	/**
	 * Returns how long until the next timer is due.
	 * @param now the current {@link System#nanoTime()}
	 * @return nanoseconds (0 if one is due), or {@link Long#MAX_VALUE} when no timer is
	 * pending
	 */
	synchronized long nanosUntilNext(long now) {
		Timer first = this.queue.peek();
		return (first != null) ? Math.max(0, first.due - now) : Long.MAX_VALUE;
	}

	synchronized int pending() {
		return this.active.size();
	}

	private enum State {

		LOADING, RUNNING, IDLE

	}

	private record Timer(int id, long due, long sequence, long period) implements Comparable<Timer> {

		@Override
		public int compareTo(Timer other) {
			int byDue = Long.compare(this.due - other.due, 0);
			return (byDue != 0) ? byDue : Long.compare(this.sequence, other.sequence);
		}

	}

}
