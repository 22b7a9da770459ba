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
	const stringSlice = String.prototype.slice;
	// Issue 13: what the host reads of a thrown value is clipped here, before it crosses,
	// so a 20-million-character error name costs nothing to report.
	const MAX_NAME = 100;
	const MAX_MESSAGE = 4000;
	const MAX_STACK = 16384;

	function clipText(text, max) {
		return text.length > max ? apply(stringSlice, text, [0, max]) : text;
	}

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
				name = clipText(StringCtor(error.name === undefined ? 'Error' : error.name), MAX_NAME);
				message = clipText(StringCtor(error.message === undefined ? '' : error.message), MAX_MESSAGE);
				stack = typeof error.stack === 'string' ? clipText(error.stack, MAX_STACK) : '';
			} else {
				name = 'Error';
				message = clipText('Uncaught ' + StringCtor(error), MAX_MESSAGE);
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

	// Issue 13: serialising a result is bounded by the output quota. The replacer counts
	// (a little under) the characters written and stops the moment the quota is passed, so a
	// 30 MB result or a graph of shared references is an OUTPUT kill, not seconds of CPU.
	const outputExceeded = freeze(create(null));

	function boundedJson(value, limit) {
		let size = 0;
		const json = stringify(value, function (key, item) {
			size += key.length + (typeof item === 'string' ? item.length + 2 : 2);
			if (size > limit) {
				throw outputExceeded;
			}
			return item;
		});
		return json === undefined ? null : json;
	}

	function settleWith(settle, value, limit) {
		let json;
		try {
			json = boundedJson(value, limit);
		} catch (e) {
			if (e === outputExceeded) {
				settle('output', limit);
				return;
			}
			const [name, message] = describeError(e);
			settle(false, 'TypeError', 'The result is not JSON-serializable: ' + name + ': ' + message, '');
			return;
		}
		settle(true, json);
	}

	// ---- Issue 6: fetch(), Request, Response and Headers -------------------------------
	// A standard-shaped subset. The host does the network work (FetchHost) and decides
	// what may be reached; this shim only shapes values. fetchHost is installed per
	// worker by installFetch, before the worker's modules run.
	let fetchHost = null;
	const OwnMap = Map;
	const mapGet = Map.prototype.get;
	const mapSet = Map.prototype.set;
	const mapHas = Map.prototype.has;
	const mapDelete = Map.prototype.delete;
	const mapForEach = Map.prototype.forEach;
	const arrayPush = Array.prototype.push;
	const arraySort = Array.prototype.sort;
	const toLower = String.prototype.toLowerCase;
	const symbolIterator = Symbol.iterator;
	const isArray = Array.isArray;
	const promiseResolve = (value) => OwnPromise.resolve(value);
	const promiseReject = (error) => OwnPromise.reject(error);

	function headerName(name) {
		return apply(toLower, StringCtor(name), []);
	}

	class Headers {
		#map = new OwnMap();
		constructor(init) {
			if (init === undefined || init === null) {
				return;
			}
			if (init instanceof Headers) {
				init.forEach((value, name) => this.append(name, value));
			} else if (isArray(init)) {
				for (const pair of init) {
					this.append(pair[0], pair[1]);
				}
			} else if (typeof init === 'object') {
				for (const name of keys(init)) {
					this.append(name, init[name]);
				}
			}
		}
		append(name, value) {
			const key = headerName(name);
			const existing = apply(mapGet, this.#map, [key]);
			apply(mapSet, this.#map, [key, existing === undefined ? StringCtor(value) : existing + ', ' + StringCtor(value)]);
		}
		set(name, value) { apply(mapSet, this.#map, [headerName(name), StringCtor(value)]); }
		get(name) {
			const value = apply(mapGet, this.#map, [headerName(name)]);
			return value === undefined ? null : value;
		}
		has(name) { return apply(mapHas, this.#map, [headerName(name)]); }
		delete(name) { apply(mapDelete, this.#map, [headerName(name)]); }
		forEach(callback, thisArg) {
			for (const [name, value] of this.entries()) {
				apply(callback, thisArg, [value, name, this]);
			}
		}
		entries() {
			const pairs = [];
			apply(mapForEach, this.#map, [(value, name) => apply(arrayPush, pairs, [[name, value]])]);
			apply(arraySort, pairs, [(a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)]);
			return pairs[symbolIterator]();
		}
		keys() { return apply(arrayMap, [...this.entries()], [(pair) => pair[0]])[symbolIterator](); }
		values() { return apply(arrayMap, [...this.entries()], [(pair) => pair[1]])[symbolIterator](); }
		[Symbol.iterator]() { return this.entries(); }
	}

	function bodyText(body) {
		if (body === undefined || body === null) {
			return null;
		}
		if (typeof body === 'string') {
			return body;
		}
		throw new TypeErrorCtor('fetch() supports string bodies only: use JSON.stringify(value) for JSON');
	}

	class Request {
		constructor(input, init) {
			const options = init || {};
			const base = input instanceof Request ? input : null;
			this.url = base ? base.url : StringCtor(input && typeof input === 'object' && input.href !== undefined ? input.href : input);
			this.method = apply(String.prototype.toUpperCase, StringCtor(options.method || (base ? base.method : 'GET')), []);
			this.headers = new Headers(options.headers !== undefined ? options.headers : (base ? base.headers : undefined));
			this.body = options.body !== undefined ? bodyText(options.body) : (base ? base.body : null);
			this.redirect = StringCtor(options.redirect || (base ? base.redirect : 'follow'));
			if ((this.method === 'GET' || this.method === 'HEAD') && this.body !== null) {
				throw new TypeErrorCtor('Request with ' + this.method + ' method cannot have a body');
			}
		}
		async text() { return this.body === null ? '' : this.body; }
		async json() { return parse(await this.text()); }
		clone() { return new Request(this); }
	}

	class Response {
		#body;
		#used = false;
		constructor(body, init) {
			const options = init || {};
			this.#body = body === undefined || body === null ? '' : StringCtor(body);
			this.status = options.status === undefined ? 200 : options.status;
			this.statusText = options.statusText === undefined ? '' : StringCtor(options.statusText);
			this.headers = new Headers(options.headers);
			this.ok = this.status >= 200 && this.status <= 299;
			this.url = options.url === undefined ? '' : options.url;
			this.redirected = options.redirected === true;
			this.type = 'basic';
		}
		get bodyUsed() { return this.#used; }
		#take() {
			if (this.#used) {
				return promiseReject(new TypeErrorCtor('Body has already been consumed'));
			}
			this.#used = true;
			return promiseResolve(this.#body);
		}
		text() { return this.#take(); }
		json() { return apply(promiseThen, this.#take(), [parse]); }
		clone() {
			if (this.#used) {
				throw new TypeErrorCtor('Response body has already been consumed');
			}
			return new Response(this.#body, this);
		}
		static json(data, init) {
			const response = new Response(stringify(data), init);
			if (!response.headers.has('content-type')) {
				response.headers.set('content-type', 'application/json');
			}
			return response;
		}
	}

	function toResponse(reply) {
		if (reply[0] === 'E') {
			throw new TypeErrorCtor(reply.substring(1));
		}
		const data = parse(reply.substring(1));
		return new Response(data.body, { status: data.status, headers: data.headers, url: data.url,
			redirected: data.redirected });
	}

	function fetch(input, init) {
		let request;
		try {
			request = new Request(input, init);
		} catch (e) {
			return promiseReject(e);
		}
		const headers = [...request.headers.entries()];
		const reply = fetchHost(stringify({ url: request.url, method: request.method, headers,
			body: request.body, redirect: request.redirect }));
		if (typeof reply === 'string') {
			try {
				return promiseResolve(toResponse(reply));
			} catch (e) {
				return promiseReject(e);
			}
		}
		return apply(promiseThen, reply, [toResponse]);
	}

	function installFetch(host) {
		fetchHost = host;
		for (const [name, value] of [['fetch', fetch], ['Headers', Headers], ['Request', Request], ['Response', Response]]) {
			defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
		}
	}
	// ---- end of issue 6 block ------------------------------------------------------------

	// ---- Issue 12: env and its object members are never rendered by the engine ----------
	const OwnWeakMap = WeakMap;
	const weakMapGet = WeakMap.prototype.get;
	const weakMapSet = WeakMap.prototype.set;
	const objectHasOwn = Object.prototype.hasOwnProperty;
	const hasOwn = (object, key) => apply(objectHasOwn, object, [key]);
	const bind = (fn) => apply(Function.prototype.bind, fn, [null]);
	const symbolToPrimitive = Symbol.toPrimitive;
	const symbolToStringTag = Symbol.toStringTag;
	const quiet = freeze({ then: true, toJSON: true, constructor: true, valueOf: true, toString: true,
		inspect: true, asymmetricMatch: true, $$typeof: true, nodeType: true });
	// env records by Proxy target.
	const envs = new OwnWeakMap();
	const OwnArray = Array;
	const envToPrimitive = freeze(bind(() => '[object Env]'));
	const memberToPrimitive = freeze(bind(() => '[object Object]'));
	const arrayToPrimitive = freeze(bind(() => '[object Array]'));
	const refuse = bind(() => false);

	// The traps are bound functions, which the engine prints as "function bound() { [native
	// code] }": printing the Proxy shows neither the data nor this file's source.
	const envHandler = freeze({
		get: bind((target, key) => {
			const env = apply(weakMapGet, envs, [target]);
			if (typeof key === 'string' && hasOwn(env.values, key)) {
				return env.values[key];
			}
			if (key === symbolToPrimitive) {
				return envToPrimitive;
			}
			if (key === symbolToStringTag) {
				return 'Env';
			}
			if (typeof key !== 'string' || quiet[key] === true) {
				return undefined;
			}
			throw new TypeErrorCtor("env." + key + " is not granted to worker '" + env.workerId + "': policy '"
				+ env.policy + "' grants " + (env.granted.length === 0 ? 'nothing'
					: '[' + apply(arrayJoin, env.granted, [', ']) + ']'));
		}),
		has: bind((target, key) => typeof key === 'string' && hasOwn(apply(weakMapGet, envs, [target]).values, key)),
		ownKeys: bind((target) => [...apply(weakMapGet, envs, [target]).granted]),
		getOwnPropertyDescriptor: bind((target, key) => {
			if (typeof key === 'string' && hasOwn(apply(weakMapGet, envs, [target]).values, key)) {
				// Listed by Object.getOwnPropertyNames(env), but not enumerable and without
				// its value: reading a value takes env.NAME.
				return { value: undefined, writable: false, enumerable: false, configurable: true };
			}
			return undefined;
		}),
		getPrototypeOf: bind(() => null),
		set: refuse,
		defineProperty: refuse,
		deleteProperty: refuse,
		setPrototypeOf: refuse,
		preventExtensions: refuse
	});

	// An object member of env (data the caller passed), read with env.NAME: a frozen copy
	// whose properties are getters (bound functions), so that the engine prints
	// "{k: accessor}" instead of the values when the guest mis-uses it, and coercing it
	// to a string gives '[object Object]' (or '[object Array]'). Reading, Object.keys and
	// JSON.stringify work as on the frozen data.
	function hide(value) {
		if (value === null || typeof value !== 'object') {
			return value;
		}
		const array = isArray(value);
		const copy = array ? new OwnArray(value.length) : {};
		for (const key of keys(value)) {
			const inner = hide(value[key]);
			defineProperty(copy, key, { get: bind(() => inner), enumerable: true, configurable: false });
		}
		defineProperty(copy, symbolToPrimitive, { value: array ? arrayToPrimitive : memberToPrimitive });
		return freeze(copy);
	}

	// ---- end of issue 12 block -----------------------------------------------------------

	return freeze({
		// Issue 6: installs fetch() and friends with the worker's FetchHost.
		installFetch,

		// Calls exports[exportName][method](param, env, ctx) and reports through settle(ok, ...).
		// Returns a string status when the export or method does not exist.
		invoke(namespace, exportName, method, paramJson, env, propsJson, settle, outputLimit) {
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
						(value) => settleWith(settle, value, outputLimit),
						(error) => {
							const [name, message, stack] = describeError(error);
							settle(false, name, message, stack);
						}]);
					return 'pending';
				}
			}
			settleWith(settle, result, outputLimit);
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

		// Builds env: data entries (JSON) and binding stubs calling the host. Issue 12: env is
		// a Proxy over an empty object, so the engine, which prints a Proxy's target in its
		// own error messages ("... is not iterable", "... is not a function"), has nothing
		// to print; its entries are not enumerable (JSON.stringify(env), Object.entries(env),
		// {...env} and console.log(env) show no value), and only env.NAME reads one.
		makeEnv(dataJson, bindingsJson, hostCall, workerId, policy) {
			const data = parse(dataJson);
			const bindings = parse(bindingsJson);
			const values = create(null);
			for (const name of keys(data)) {
				values[name] = hide(data[name]);
			}
			for (const name of keys(bindings)) {
				const stub = {};
				for (const method of bindings[name]) {
					stub[method] = function (...args) {
						return unwrap(hostCall(name, method, stringify(args)));
					};
				}
				values[name] = freeze(stub);
			}
			const granted = keys(values);
			const target = create(null);
			apply(weakMapSet, envs, [target, { values, granted, workerId, policy }]);
			return new ProxyCtor(target, envHandler);
		}
	});


	// Host replies are tagged strings: 'R' + JSON for a value, 'E' + message for an error,
	// 'D' + message for a call the caller was denied,
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
		if (reply[0] === 'D') {
			// The binding's security rules refused the caller (issue 15).
			const denied = new ErrorCtor(reply.substring(1));
			denied.name = 'AccessDeniedError';
			throw denied;
		}
		const json = reply.substring(1);
		return json === '' ? undefined : parse(json);
	}
})
