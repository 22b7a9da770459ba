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

	// Issue 19: every console method of Workers exists and never throws. Labels of
	// count() and time() are bounded, as is the indentation of group().
	const dateNow = Date.now;
	const MAX_LABELS = 1000;
	const MAX_GROUP_DEPTH = 32;
	const stringRepeat = String.prototype.repeat;
	const counters = new Map();
	const timersByLabel = new Map();
	let groupDepth = 0;
	const console = create(null);

	function emit(level, args) {
		let text;
		try {
			text = apply(arrayJoin, apply(arrayMap, args, [format]), [' ']);
		} catch (e) {
			text = '[unprintable]';
		}
		if (groupDepth > 0) {
			text = apply(stringRepeat, '  ', [groupDepth]) + text;
		}
		hostLog(level, text);
	}

	function labelOf(label) {
		try {
			return label === undefined ? 'default' : clipText(StringCtor(label), MAX_NAME);
		} catch (e) {
			return 'default';
		}
	}

	function guarded(fn) {
		return function (...args) {
			try {
				apply(fn, undefined, args);
			} catch (e) {
				// Never throws (issue 19): a console call must not change what a program does.
			}
		};
	}

	for (const level of ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'dirxml', 'table']) {
		const target = level === 'trace' ? 'debug' : (level === 'dir' || level === 'dirxml' || level === 'table') ? 'log' : level;
		console[level] = guarded((...args) => emit(target, level === 'dir' || level === 'table' ? [args[0]] : args));
	}
	console.assert = guarded((condition, ...args) => {
		if (!condition) {
			emit('error', ['Assertion failed' + (args.length > 0 ? ':' : ''), ...args]);
		}
	});
	console.count = guarded((label) => {
		const key = labelOf(label);
		const count = (apply(mapGet, counters, [key]) || 0) + 1;
		if (count > 1 || counters.size < MAX_LABELS) {
			apply(mapSet, counters, [key, count]);
		}
		emit('info', [key + ': ' + count]);
	});
	console.countReset = guarded((label) => { apply(mapDelete, counters, [labelOf(label)]); });
	console.time = guarded((label) => {
		const key = labelOf(label);
		if (timersByLabel.size < MAX_LABELS) {
			apply(mapSet, timersByLabel, [key, dateNow()]);
		}
	});
	function elapsed(label, end, args) {
		const key = labelOf(label);
		const start = apply(mapGet, timersByLabel, [key]);
		if (start === undefined) {
			emit('warn', ["Timer '" + key + "' does not exist"]);
			return;
		}
		if (end) {
			apply(mapDelete, timersByLabel, [key]);
		}
		emit('info', [key + ': ' + (dateNow() - start) + 'ms', ...args]);
	}
	console.timeLog = guarded((label, ...args) => elapsed(label, false, args));
	console.timeEnd = guarded((label) => elapsed(label, true, []));
	console.group = guarded((...args) => {
		if (args.length > 0) {
			emit('log', args);
		}
		groupDepth = groupDepth < MAX_GROUP_DEPTH ? groupDepth + 1 : groupDepth;
	});
	console.groupCollapsed = console.group;
	console.groupEnd = guarded(() => { groupDepth = groupDepth > 0 ? groupDepth - 1 : 0; });
	for (const quietMethod of ['clear', 'profile', 'profileEnd', 'timeStamp']) {
		console[quietMethod] = guarded(() => {});
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
	const mapClear = Map.prototype.clear;
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
			this.signal = options.signal !== undefined && options.signal !== null ? options.signal
				: (base ? base.signal : null);
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
		const signal = request.signal;
		if (signal !== null && signal.aborted) {
			return promiseReject(signal.reason);
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
		const response = apply(promiseThen, reply, [toResponse]);
		if (signal === null) {
			return response;
		}
		// Issue 19: an abort rejects at once; the host's reply, when it comes, is ignored.
		return new OwnPromise((resolve, reject) => {
			signal.addEventListener('abort', () => reject(signal.reason), { once: true });
			apply(promiseThen, response, [resolve, reject]);
		});
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

	// ---- Issue 19: web-standard globals, implemented here, in the sandbox ---------------
	const RangeErrorCtor = RangeError;
	const fromCharCode = String.fromCharCode;
	const charCodeAt = String.prototype.charCodeAt;
	const stringReplace = String.prototype.replace;
	const mathMin = Math.min;
	const numberCtor = Number;
	const objectGetPrototypeOf = Object.getPrototypeOf;
	const objectPrototype = Object.prototype;
	const arrayPrototype = Array.prototype;

	function defineGlobal(name, value) {
		defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
	}

	function reportUncaught(where, error) {
		try {
			const [name, message] = describeError(error);
			hostLog('error', 'Uncaught ' + name + (message === '' ? '' : ': ' + message) + ' (in ' + where + ')');
		} catch (e) {
			// nothing to report with
		}
	}

	// Timers: the host keeps the deadlines (GuestTimers), this map the callbacks.
	let timerHost = null;
	const timerCallbacks = new OwnMap();
	let fakeTimerId = 0;

	function scheduleTimer(name, callback, delay, args, repeat) {
		if (typeof callback !== 'function') {
			throw new TypeErrorCtor(name + '() takes a function: strings of code are not evaluated');
		}
		let ms = numberCtor(delay);
		if (!(ms > 0)) {
			ms = 0;
		}
		const id = timerHost('set', ms, repeat);
		if (typeof id === 'string') {
			throw id[0] === 'R' ? new RangeErrorCtor(id.substring(1)) : new ErrorCtor(id.substring(1));
		}
		if (id === 0) {
			// Set after its invocation ended: it never runs.
			return --fakeTimerId;
		}
		apply(mapSet, timerCallbacks, [id, { callback, args, repeat }]);
		return id;
	}

	function cancelTimer(id) {
		if (typeof id === 'number' && apply(mapHas, timerCallbacks, [id])) {
			apply(mapDelete, timerCallbacks, [id]);
			timerHost('clear', id);
		}
	}

	function fireTimer(id) {
		const entry = apply(mapGet, timerCallbacks, [id]);
		if (entry === undefined) {
			return;
		}
		if (!entry.repeat) {
			apply(mapDelete, timerCallbacks, [id]);
		}
		try {
			apply(entry.callback, globalThis, entry.args);
		} catch (e) {
			reportUncaught(entry.repeat ? 'setInterval callback' : 'setTimeout callback', e);
		}
	}

	defineGlobal('setTimeout', function setTimeout(callback, delay, ...args) {
		return scheduleTimer('setTimeout', callback, delay, args, false);
	});
	defineGlobal('setInterval', function setInterval(callback, delay, ...args) {
		return scheduleTimer('setInterval', callback, delay, args, true);
	});
	defineGlobal('clearTimeout', function clearTimeout(id) { cancelTimer(id); });
	defineGlobal('clearInterval', function clearInterval(id) { cancelTimer(id); });
	defineGlobal('queueMicrotask', function queueMicrotask(callback) {
		if (typeof callback !== 'function') {
			throw new TypeErrorCtor('queueMicrotask() takes a function');
		}
		apply(promiseThen, OwnPromise.resolve(), [() => {
			try {
				callback();
			} catch (e) {
				reportUncaught('queueMicrotask callback', e);
			}
		}]);
	});

	// performance.now(): as coarse as Date (js.timer-resolution), from the realm's start.
	const timeOrigin = dateNow();
	const performance = {};
	performance.now = function now() { return dateNow() - timeOrigin; };
	defineProperty(performance, 'timeOrigin', { value: timeOrigin, enumerable: true });
	performance.toJSON = function toJSON() { return { timeOrigin }; };
	defineGlobal('performance', freeze(performance));

	// DOMException with the legacy codes of WebIDL.
	const domCodes = freeze({ IndexSizeError: 1, HierarchyRequestError: 3, WrongDocumentError: 4,
		InvalidCharacterError: 5, NoModificationAllowedError: 7, NotFoundError: 8, NotSupportedError: 9,
		InvalidStateError: 11, SyntaxError: 12, InvalidModificationError: 13, NamespaceError: 14,
		InvalidAccessError: 15, TypeMismatchError: 17, SecurityError: 18, NetworkError: 19, AbortError: 20,
		URLMismatchError: 21, QuotaExceededError: 22, TimeoutError: 23, InvalidNodeTypeError: 24,
		DataCloneError: 25 });

	class DOMException extends ErrorCtor {
		#name;
		constructor(message, options) {
			super(message === undefined ? '' : StringCtor(message));
			const name = typeof options === 'object' && options !== null ? options.name : options;
			this.#name = name === undefined ? 'Error' : StringCtor(name);
			if (typeof options === 'object' && options !== null && 'cause' in options) {
				defineProperty(this, 'cause', { value: options.cause, writable: true, configurable: true });
			}
		}
		get name() { return this.#name; }
		get code() { return hasOwn(domCodes, this.#name) ? domCodes[this.#name] : 0; }
	}
	for (const name of keys(domCodes)) {
		let constant = '';
		for (const ch of name) {
			constant += ch >= 'A' && ch <= 'Z' && constant !== '' ? '_' + ch : apply(String.prototype.toUpperCase, ch, []);
		}
		constant = apply(stringReplace, constant, ['_ERROR', '_ERR']);
		defineProperty(DOMException, constant, { value: domCodes[name], enumerable: true });
	}
	defineGlobal('DOMException', DOMException);

	// atob / btoa (forgiving base64, as in HTML).
	const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
	const B64_VALUES = new Int16Array(128).fill(-1);
	for (let i = 0; i < 64; i++) {
		B64_VALUES[apply(charCodeAt, B64, [i])] = i;
	}

	function chunkedString(codes, length) {
		let out = '';
		for (let i = 0; i < length; i += 8192) {
			out += apply(fromCharCode, null, codes.subarray(i, mathMin(i + 8192, length)));
		}
		return out;
	}

	defineGlobal('btoa', function btoa(data) {
		if (arguments.length === 0) {
			throw new TypeErrorCtor("btoa() takes 1 argument, but none was given");
		}
		const text = StringCtor(data);
		const n = text.length;
		const out = new Uint8Array(((n + 2) / 3 | 0) * 4);
		let o = 0;
		for (let i = 0; i < n; i += 3) {
			const a = apply(charCodeAt, text, [i]);
			const b = i + 1 < n ? apply(charCodeAt, text, [i + 1]) : 0;
			const c = i + 2 < n ? apply(charCodeAt, text, [i + 2]) : 0;
			if (a > 255 || b > 255 || c > 255) {
				throw new DOMException('btoa() was given a character outside of Latin1: encode the text as UTF-8 first',
					'InvalidCharacterError');
			}
			const triple = (a << 16) | (b << 8) | c;
			out[o++] = apply(charCodeAt, B64, [triple >> 18]);
			out[o++] = apply(charCodeAt, B64, [(triple >> 12) & 63]);
			out[o++] = i + 1 < n ? apply(charCodeAt, B64, [(triple >> 6) & 63]) : 61;
			out[o++] = i + 2 < n ? apply(charCodeAt, B64, [triple & 63]) : 61;
		}
		return chunkedString(out, o);
	});

	function base64Bytes(data) {
		let text = apply(stringReplace, StringCtor(data), [/[\t\n\f\r ]/g, '']);
		if (text.length % 4 === 0) {
			text = apply(stringReplace, text, [/==?$/, '']);
		}
		if (text.length % 4 === 1 || /[^A-Za-z0-9+/]/.test(text)) {
			throw new DOMException('atob() was given a string that is not correctly base64-encoded',
				'InvalidCharacterError');
		}
		const n = text.length;
		const out = new Uint8Array((n * 3) >> 2);
		let o = 0;
		let buffer = 0;
		let bits = 0;
		for (let i = 0; i < n; i++) {
			buffer = (buffer << 6) | B64_VALUES[apply(charCodeAt, text, [i])];
			bits += 6;
			if (bits >= 8) {
				bits -= 8;
				out[o++] = (buffer >> bits) & 255;
			}
		}
		return out.subarray(0, o);
	}

	defineGlobal('atob', function atob(data) {
		if (arguments.length === 0) {
			throw new TypeErrorCtor("atob() takes 1 argument, but none was given");
		}
		const bytes = base64Bytes(data);
		return chunkedString(bytes, bytes.length);
	});

	// Event, CustomEvent, EventTarget.
	class Event {
		#type;
		#bubbles;
		#cancelable;
		#composed;
		#defaultPrevented = false;
		#stop = false;
		constructor(type, options) {
			if (arguments.length === 0) {
				throw new TypeErrorCtor("Event() takes a type, but none was given");
			}
			const init = options || {};
			this.#type = StringCtor(type);
			this.#bubbles = !!init.bubbles;
			this.#cancelable = !!init.cancelable;
			this.#composed = !!init.composed;
			this.timeStamp = dateNow() - timeOrigin;
			this.target = null;
			this.currentTarget = null;
			this.eventPhase = 0;
			this.isTrusted = false;
		}
		get type() { return this.#type; }
		get bubbles() { return this.#bubbles; }
		get cancelable() { return this.#cancelable; }
		get composed() { return this.#composed; }
		get defaultPrevented() { return this.#defaultPrevented; }
		get returnValue() { return !this.#defaultPrevented; }
		get cancelBubble() { return this.#stop; }
		preventDefault() {
			if (this.#cancelable) {
				this.#defaultPrevented = true;
			}
		}
		stopPropagation() { this.#stop = true; }
		stopImmediatePropagation() { this.#stop = true; stopped.add(this); }
		composedPath() { return this.currentTarget === null ? [] : [this.currentTarget]; }
	}
	const stopped = new WeakSet();
	defineProperty(Event, 'NONE', { value: 0 });
	defineProperty(Event, 'AT_TARGET', { value: 2 });

	class CustomEvent extends Event {
		#detail;
		constructor(type, options) {
			super(type, options);
			this.#detail = options && options.detail !== undefined ? options.detail : null;
		}
		get detail() { return this.#detail; }
	}

	class EventTarget {
		#listeners = new OwnMap();
		addEventListener(type, listener, options) {
			if (listener === null || listener === undefined) {
				return;
			}
			const once = typeof options === 'object' && options !== null && !!options.once;
			const signal = typeof options === 'object' && options !== null ? options.signal : undefined;
			if (signal !== undefined && signal.aborted) {
				return;
			}
			const key = StringCtor(type);
			let list = apply(mapGet, this.#listeners, [key]);
			if (list === undefined) {
				list = [];
				apply(mapSet, this.#listeners, [key, list]);
			}
			for (const entry of list) {
				if (entry.listener === listener) {
					return;
				}
			}
			apply(arrayPush, list, [{ listener, once }]);
			if (signal !== undefined) {
				signal.addEventListener('abort', () => this.removeEventListener(key, listener), { once: true });
			}
		}
		removeEventListener(type, listener) {
			const list = apply(mapGet, this.#listeners, [StringCtor(type)]);
			if (list === undefined) {
				return;
			}
			for (let i = 0; i < list.length; i++) {
				if (list[i].listener === listener) {
					list[i].removed = true;
					apply(Array.prototype.splice, list, [i, 1]);
					return;
				}
			}
		}
		dispatchEvent(event) {
			if (!(event instanceof Event)) {
				throw new TypeErrorCtor('dispatchEvent() takes an Event');
			}
			event.target = this;
			event.currentTarget = this;
			event.eventPhase = 2;
			const list = apply(mapGet, this.#listeners, [event.type]);
			if (list !== undefined) {
				for (const entry of [...list]) {
					if (entry.removed) {
						continue;
					}
					if (entry.once) {
						this.removeEventListener(event.type, entry.listener);
					}
					try {
						if (typeof entry.listener === 'function') {
							apply(entry.listener, this, [event]);
						} else if (entry.listener && typeof entry.listener.handleEvent === 'function') {
							entry.listener.handleEvent(event);
						}
					} catch (e) {
						reportUncaught(event.type + ' listener', e);
					}
					if (stopped.has(event)) {
						break;
					}
				}
			}
			event.currentTarget = null;
			event.eventPhase = 0;
			return !event.defaultPrevented;
		}
	}
	defineGlobal('Event', Event);
	defineGlobal('CustomEvent', CustomEvent);
	defineGlobal('EventTarget', EventTarget);

	// AbortController and AbortSignal (timeout() runs on the invocation's timers).
	const signalToken = freeze(create(null));
	const signalAbort = new OwnWeakMap();

	class AbortSignal extends EventTarget {
		#aborted = false;
		#reason = undefined;
		constructor(token) {
			if (token !== signalToken) {
				throw new TypeErrorCtor('Illegal constructor: use new AbortController().signal or AbortSignal.abort()');
			}
			super();
			this.onabort = null;
			apply(weakMapSet, signalAbort, [this, (reason) => {
				if (this.#aborted) {
					return;
				}
				this.#aborted = true;
				this.#reason = reason === undefined ? new DOMException('This operation was aborted', 'AbortError') : reason;
				const event = new Event('abort');
				if (typeof this.onabort === 'function') {
					try {
						apply(this.onabort, this, [event]);
					} catch (e) {
						reportUncaught('onabort', e);
					}
				}
				this.dispatchEvent(event);
			}]);
		}
		get aborted() { return this.#aborted; }
		get reason() { return this.#reason; }
		throwIfAborted() {
			if (this.#aborted) {
				throw this.#reason;
			}
		}
		static abort(reason) {
			const signal = new AbortSignal(signalToken);
			apply(weakMapGet, signalAbort, [signal])(reason);
			return signal;
		}
		static timeout(ms) {
			const signal = new AbortSignal(signalToken);
			scheduleTimer('AbortSignal.timeout', () => apply(weakMapGet, signalAbort, [signal])(
				new DOMException('The operation was aborted due to timeout', 'TimeoutError')), ms, [], false);
			return signal;
		}
		static any(signals) {
			const signal = new AbortSignal(signalToken);
			const abort = apply(weakMapGet, signalAbort, [signal]);
			for (const source of signals) {
				if (source.aborted) {
					abort(source.reason);
					return signal;
				}
			}
			for (const source of signals) {
				source.addEventListener('abort', () => abort(source.reason), { once: true });
			}
			return signal;
		}
	}

	class AbortController {
		#signal = new AbortSignal(signalToken);
		get signal() { return this.#signal; }
		abort(reason) { apply(weakMapGet, signalAbort, [this.#signal])(reason); }
	}
	defineGlobal('AbortSignal', AbortSignal);
	defineGlobal('AbortController', AbortController);

	// structuredClone: iterative (a deep graph cannot overflow the stack), cycles and
	// shared references kept; a huge graph costs the invocation's CPU and memory quotas.
	const typedArrayProto = objectGetPrototypeOf(Uint8Array.prototype);
	const typedArrayTag = Object.getOwnPropertyDescriptor(typedArrayProto, Symbol.toStringTag).get;
	const typedArrays = { Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array,
		Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array };
	const errorTypes = { Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError };
	const arrayBufferSlice = ArrayBuffer.prototype.slice;
	const dateGetTime = Date.prototype.getTime;
	const objectToString = Object.prototype.toString;

	function cloneError(message) {
		return new DOMException(message, 'DataCloneError');
	}

	defineGlobal('structuredClone', function structuredClone(value, options) {
		if (options !== undefined && options !== null && options.transfer !== undefined && options.transfer.length > 0) {
			throw cloneError('structuredClone() cannot transfer objects in this runtime');
		}
		const memo = new OwnMap();
		const work = [];
		function copy(input) {
			if (typeof input === 'symbol') {
				throw cloneError('Symbol() could not be cloned');
			}
			if (typeof input === 'function') {
				throw cloneError((input.name || 'function') + ' could not be cloned');
			}
			if (input === null || typeof input !== 'object') {
				return input;
			}
			const seen = apply(mapGet, memo, [input]);
			if (seen !== undefined) {
				return seen;
			}
			const tag = apply(objectToString, input, []);
			let output;
			let fill = false;
			if (tag === '[object Date]') {
				output = new Date(apply(dateGetTime, input, []));
			} else if (tag === '[object RegExp]') {
				output = new RegExp(input.source, input.flags);
			} else if (tag === '[object ArrayBuffer]') {
				output = apply(arrayBufferSlice, input, [0]);
			} else if (tag === '[object DataView]') {
				output = new DataView(copy(input.buffer), input.byteOffset, input.byteLength);
			} else if (ArrayBuffer.isView(input)) {
				const ctor = typedArrays[apply(typedArrayTag, input, [])];
				output = new ctor(copy(input.buffer), input.byteOffset, input.length);
			} else if (tag === '[object Map]') {
				output = new OwnMap();
				fill = 'map';
			} else if (tag === '[object Set]') {
				output = new Set();
				fill = 'set';
			} else if (tag === '[object Error]') {
				const ctor = hasOwn(errorTypes, input.name) ? errorTypes[input.name] : ErrorCtor;
				output = new ctor(input.message);
				if (typeof input.stack === 'string') {
					output.stack = input.stack;
				}
			} else if (tag === '[object Boolean]' || tag === '[object Number]' || tag === '[object String]'
				|| tag === '[object BigInt]') {
				output = Object(input.valueOf());
			} else if (tag === '[object Promise]' || tag === '[object WeakMap]' || tag === '[object WeakSet]'
				|| input instanceof EventTarget) {
				throw cloneError(tag.slice(8, -1) + ' object could not be cloned');
			} else if (isArray(input)) {
				output = new OwnArray(input.length);
				fill = 'object';
			} else {
				output = {};
				fill = 'object';
			}
			apply(mapSet, memo, [input, output]);
			if (fill) {
				apply(arrayPush, work, [input, output, fill]);
			}
			return output;
		}
		const result = copy(value);
		while (work.length > 0) {
			const kind = work.pop();
			const output = work.pop();
			const input = work.pop();
			if (kind === 'map') {
				for (const [k, v] of input) {
					apply(mapSet, output, [copy(k), copy(v)]);
				}
			} else if (kind === 'set') {
				for (const v of input) {
					output.add(copy(v));
				}
			} else {
				for (const key of keys(input)) {
					output[key] = copy(input[key]);
				}
			}
		}
		return result;
	});
	// ---- end of issue 19 globals ---------------------------------------------------------


	return freeze({
		// Issue 6: installs fetch() and friends with the worker's FetchHost.
		installFetch,

		// Issue 19: the worker's timer queue (GuestTimers), and the calls of its loop.
		installTimers(host) {
			timerHost = host;
		},
		fireTimer,
		dropTimers() {
			apply(mapClear, timerCallbacks, []);
		},

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
