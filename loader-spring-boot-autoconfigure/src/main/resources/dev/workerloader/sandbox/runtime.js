// The guest runtime of one sandbox, evaluated once when the context is created, before any
// guest code. It captures the built-ins the host relies on, so that a guest replacing
// JSON.parse or Promise only affects itself, installs a bounded console, and returns the
// functions the host calls. Nothing here is reachable from guest code: the returned object
// is held by the host only.
(function (hostLog) {
	'use strict';
	const parse = JSON.parse;
	const stringify = JSON.stringify;
	const freeze = Object.freeze;
	const defineProperty = Object.defineProperty;
	const create = Object.create;
	const keys = Object.keys;
	const apply = Reflect.apply;
	const OwnPromise = Promise;
	const promiseThen = Promise.prototype.then;
	const ErrorCtor = Error;
	const TypeErrorCtor = TypeError;
	const ProxyCtor = Proxy;
	const StringCtor = String;
	const arrayJoin = Array.prototype.join;
	const arrayMap = Array.prototype.map;
	const errorToString = Error.prototype.toString;

	function format(value) {
		if (typeof value === 'string') {
			return value;
		}
		if (value instanceof ErrorCtor) {
			try {
				return apply(errorToString, value, []);
			} catch (e) {
				return 'Error';
			}
		}
		if (value !== null && typeof value === 'object') {
			try {
				const json = stringify(value);
				return json === undefined ? StringCtor(value) : json;
			} catch (e) {
				return '[object]';
			}
		}
		return StringCtor(value);
	}

	const console = create(null);
	for (const level of ['log', 'info', 'warn', 'error', 'debug', 'trace']) {
		const target = level === 'trace' ? 'debug' : level;
		console[level] = function (...args) {
			hostLog(target, apply(arrayJoin, apply(arrayMap, args, [format]), [' ']));
		};
	}
	// GraalJS-specific global: runtime version details a guest has no use for.
	delete globalThis.Graal;
	defineProperty(globalThis, 'console', { value: freeze(console), writable: true, configurable: true, enumerable: false });

	function describeError(error) {
		let name = 'Error';
		let message = '';
		let stack = '';
		try {
			if (error !== null && (typeof error === 'object' || typeof error === 'function')) {
				name = StringCtor(error.name === undefined ? 'Error' : error.name);
				message = StringCtor(error.message === undefined ? '' : error.message);
				stack = typeof error.stack === 'string' ? error.stack : '';
			} else {
				name = 'Error';
				message = 'Uncaught ' + StringCtor(error);
			}
		} catch (e) {
			message = 'the thrown value could not be described';
		}
		return [name, message, stack];
	}

	function toJson(value) {
		const json = stringify(value);
		return json === undefined ? null : json;
	}

	function settleWith(settle, value) {
		let json;
		try {
			json = toJson(value);
		} catch (e) {
			const [name, message] = describeError(e);
			settle(false, 'TypeError', 'The result is not JSON-serializable: ' + name + ': ' + message, '');
			return;
		}
		settle(true, json);
	}

	return freeze({
		// Calls exports[exportName][method](param, env, ctx) and reports through settle(ok, ...).
		// Returns a string status when the export or method does not exist.
		invoke(namespace, exportName, method, paramJson, env, propsJson, settle) {
			const target = namespace[exportName];
			if (target === undefined || target === null) {
				return 'no-export';
			}
			const fn = target[method];
			if (typeof fn !== 'function') {
				return 'no-method';
			}
			let result;
			try {
				const param = paramJson === null ? undefined : parse(paramJson);
				const ctx = freeze({ props: freeze(parse(propsJson)) });
				result = apply(fn, target, [param, env, ctx]);
			} catch (e) {
				const [name, message, stack] = describeError(e);
				settle(false, name, message, stack);
				return 'done';
			}
			if (result !== null && (typeof result === 'object' || typeof result === 'function')) {
				let then;
				try {
					then = result.then;
				} catch (e) {
					then = undefined;
				}
				if (typeof then === 'function') {
					apply(promiseThen, OwnPromise.resolve(result), [
						(value) => settleWith(settle, value),
						(error) => {
							const [name, message, stack] = describeError(error);
							settle(false, name, message, stack);
						}]);
					return 'pending';
				}
			}
			settleWith(settle, result);
			return 'done';
		},

		exportNames(namespace) {
			return toJson(keys(namespace));
		},

		// A Promise plus its resolve and reject functions, for host calls that complete later.
		deferred() {
			let resolve, reject;
			const promise = new OwnPromise((res, rej) => { resolve = res; reject = rej; });
			return [promise, resolve, reject];
		},

		// Builds the frozen env object: data entries (JSON) and binding stubs calling the host.
		makeEnv(dataJson, bindingsJson, hostCall, workerId, policy) {
			const data = parse(dataJson);
			const bindings = parse(bindingsJson);
			const env = create(null);
			for (const name of keys(data)) {
				env[name] = deepFreeze(data[name]);
			}
			for (const name of keys(bindings)) {
				const stub = {};
				for (const method of bindings[name]) {
					stub[method] = function (...args) {
						return unwrap(hostCall(name, method, stringify(args)));
					};
				}
				env[name] = freeze(stub);
			}
			freeze(env);
			const granted = keys(env);
			const quiet = { then: true, toJSON: true, constructor: true, valueOf: true, toString: true,
				inspect: true, asymmetricMatch: true, $$typeof: true, nodeType: true };
			return new ProxyCtor(env, {
				get(target, key) {
					if (typeof key !== 'string' || key in target || quiet[key] === true) {
						return target[key];
					}
					throw new TypeErrorCtor("env." + key + " is not granted to worker '" + workerId + "': policy '" + policy
						+ "' grants " + (granted.length === 0 ? 'nothing' : '[' + apply(arrayJoin, granted, [', ']) + ']'));
				},
				set() { return false; },
				defineProperty() { return false; },
				deleteProperty() { return false; },
				setPrototypeOf() { return false; }
			});
		}
	});

	function deepFreeze(value) {
		if (value !== null && typeof value === 'object') {
			for (const key of keys(value)) {
				deepFreeze(value[key]);
			}
			freeze(value);
		}
		return value;
	}

	// Host replies are tagged strings: 'R' + JSON for a value, 'E' + message for an error,
	// or a Promise settling with such a string.
	function unwrap(reply) {
		if (typeof reply === 'string') {
			return unwrapString(reply);
		}
		return apply(promiseThen, reply, [unwrapString]);
	}

	function unwrapString(reply) {
		if (reply[0] === 'E') {
			throw new ErrorCtor(reply.substring(1));
		}
		const json = reply.substring(1);
		return json === '' ? undefined : parse(json);
	}
})
