// The guest runtime of one sandbox, evaluated once when the context is created, before any
// guest code. It captures the built-ins the host relies on, so that a guest replacing
// JSON.parse or Promise only affects itself, installs a bounded console, and returns the
// functions the host calls. Nothing here is reachable from guest code: the returned object
// is held by the host only.
(function (hostLog, libraryHost, cryptoHost) {
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
	const StackErrorCtor = RangeError;
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

	// What the runtime builds on first use (issue 18), once per realm, by key.
	const builtOnce = create(null);
	function built(key, make) {
		const value = builtOnce[key];
		return value !== undefined ? value : (builtOnce[key] = make());
	}

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
	// Built when the guest first reads it (issue 18), like the other globals below.
	const dateNow = Date.now;
	const MAX_LABELS = 1000;
	const MAX_GROUP_DEPTH = 32;
	const stringRepeat = String.prototype.repeat;
	function makeConsole() {
	const counters = new OwnMap();
	const timersByLabel = new OwnMap();
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

	// Index loops, not for-of: the console is built after guest code may have replaced the
	// array iterator.
	const levels = ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'dirxml', 'table'];
	for (let i = 0; i < levels.length; i++) {
		const level = levels[i];
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
	const quietMethods = ['clear', 'profile', 'profileEnd', 'timeStamp'];
	for (let i = 0; i < quietMethods.length; i++) {
		console[quietMethods[i]] = guarded(() => {});
	}
	return freeze(console);
	}
	// GraalJS-specific global: runtime version details a guest has no use for.
	delete globalThis.Graal;

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
	const toUpper = String.prototype.toUpperCase;
	const symbolIterator = Symbol.iterator;
	const isArray = Array.isArray;
	const promiseResolve = (value) => OwnPromise.resolve(value);
	const promiseReject = (error) => OwnPromise.reject(error);

	function headerName(name) {
		return apply(toLower, StringCtor(name), []);
	}

	// Issue 19: bodies of Request and Response hold text, bytes or a stream: usable
	// without a network (await new Response(text).json()), binary in fetch().
	const NULL_BODY_STATUS = freeze({ 101: true, 103: true, 204: true, 205: true, 304: true });

	function isStream(value) {
		return loaded.streams !== undefined && value instanceof loaded.streams.ReadableStream;
	}

	function formBoundary() {
		let boundary = '----WorkerLoaderFormBoundary';
		const random = cryptoReply(cryptoHost('random', 12));
		for (let i = 0; i < random.length; i++) {
			boundary += (random[i] & 15).toString(16) + (random[i] >> 4).toString(16);
		}
		return boundary;
	}

	function multipart(form) {
		const boundary = formBoundary();
		const parts = [];
		const escapeName = (name) => apply(stringReplace, apply(stringReplace, name, [/"/g, '%22']), [/\r?\n|\r/g, '%0D%0A']);
		for (const [name, value] of form) {
			let head = '--' + boundary + '\r\nContent-Disposition: form-data; name="' + escapeName(name) + '"';
			if (value instanceof blobs().File) {
				head += '; filename="' + escapeName(value.name) + '"\r\nContent-Type: '
					+ (value.type === '' ? 'application/octet-stream' : value.type);
				apply(arrayPush, parts, [utf8Encode(head + '\r\n\r\n'), blobBytes(value), utf8Encode('\r\n')]);
			} else {
				apply(arrayPush, parts, [utf8Encode(head + '\r\n\r\n' + value + '\r\n')]);
			}
		}
		apply(arrayPush, parts, [utf8Encode('--' + boundary + '--\r\n')]);
		return [{ bytes: concatBytes(parts) }, 'multipart/form-data; boundary=' + boundary];
	}

	// [source, content type] of a body init.
	function extractBody(init) {
		if (init === undefined || init === null) {
			return [null, null];
		}
		if (typeof init === 'string') {
			return [{ text: init }, 'text/plain;charset=UTF-8'];
		}
		if (init instanceof OwnArrayBuffer || isView(init)) {
			return [{ bytes: toBytes(init, 'A body') }, null];
		}
		if (builtOnce.blobs !== undefined && init instanceof builtOnce.blobs.Blob) {
			return [{ bytes: blobBytes(init) }, init.type === '' ? null : init.type];
		}
		if (builtOnce.blobs !== undefined && init instanceof builtOnce.blobs.FormData) {
			return multipart(init);
		}
		if (loaded.url !== undefined && init instanceof loaded.url.URLSearchParams) {
			return [{ text: init.toString() }, 'application/x-www-form-urlencoded;charset=UTF-8'];
		}
		if (isStream(init)) {
			return [{ stream: init }, null];
		}
		return [{ text: StringCtor(init) }, 'text/plain;charset=UTF-8'];
	}

	async function readAll(stream) {
		const reader = stream.getReader();
		const chunks = [];
		for (;;) {
			const { done, value } = await reader.read();
			if (done) {
				break;
			}
			apply(arrayPush, chunks, [typeof value === 'string' ? utf8Encode(value) : toBytes(value, 'A body stream chunk')]);
		}
		return concatBytes(chunks);
	}

	function bytesStream(bytes) {
		const { ReadableStream } = library('streams');
		return new ReadableStream({
			type: 'bytes',
			start(controller) {
				if (bytes.length > 0) {
					controller.enqueue(apply(u8Slice, bytes, []));
				}
				controller.close();
			}
		});
	}

	function absoluteUrl(input) {
		const text = StringCtor(input && typeof input === 'object' && input.href !== undefined ? input.href : input);
		try {
			return new (library('url').URL)(text).href;
		} catch (e) {
			throw new TypeErrorCtor("Invalid URL '" + clipText(text, 200) + "': a Request needs an absolute URL");
		}
	}

	// Issue 19: the classes are built on first use, so that a worker that never touches
	// them keeps none of their functions.
	function fetchClasses() {
		return built('fetch', makeFetchClasses);
	}
	function makeFetchClasses() {
	const STANDARD_METHODS = freeze({ DELETE: true, GET: true, HEAD: true, OPTIONS: true, POST: true, PUT: true,
		PATCH: true });
	const REDIRECT_STATUS = freeze({ 301: true, 302: true, 303: true, 307: true, 308: true });
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

	class Body {
		#source;
		#stream = null;
		#used = false;
		constructor(source) {
			this.#source = source;
		}
		get body() {
			if (this.#source === null) {
				return null;
			}
			if (this.#stream === null) {
				this.#stream = this.#source.stream !== undefined ? this.#source.stream
					: bytesStream(this.#source.bytes !== undefined ? this.#source.bytes : utf8Encode(this.#source.text));
			}
			return this.#stream;
		}
		get bodyUsed() { return this.#used || (this.#stream !== null && this.#stream.locked); }
		async #take() {
			if (this.bodyUsed) {
				throw new TypeErrorCtor('Body has already been consumed');
			}
			this.#used = true;
			const source = this.#source;
			if (source === null) {
				return { text: '' };
			}
			if (this.#stream !== null || source.stream !== undefined) {
				return { bytes: await readAll(this.body) };
			}
			return source;
		}
		async text() {
			const source = await this.#take();
			return source.text !== undefined ? source.text : utf8Text(source.bytes);
		}
		async json() { return parse(await this.text()); }
		async bytes() {
			const source = await this.#take();
			return source.bytes !== undefined ? apply(u8Slice, source.bytes, []) : utf8Encode(source.text);
		}
		async arrayBuffer() { return (await this.bytes()).buffer; }
		async blob() {
			const type = this.headers.get('content-type');
			return new (blobs().Blob)([await this.bytes()], { type: type === null ? '' : type });
		}
		async formData() {
			const type = this.headers.get('content-type') || '';
			if (!/^application\/x-www-form-urlencoded/i.test(type)) {
				throw new TypeErrorCtor('formData() reads application/x-www-form-urlencoded bodies only in this runtime');
			}
			const form = new (blobs().FormData)();
			for (const [name, value] of new (library('url').URLSearchParams)(await this.text())) {
				form.append(name, value);
			}
			return form;
		}
		// The body for the host: text, base64 bytes, or a promise of either (a stream).
		_payload() {
			const source = this.#source;
			if (source === null) {
				return { body: null };
			}
			if (this.#stream !== null || source.stream !== undefined) {
				return apply(promiseThen, this.bytes(), [(bytes) => ({ body: btoa(chunkedString(bytes, bytes.length)),
					bodyBase64: true })]);
			}
			if (source.text !== undefined) {
				return { body: source.text };
			}
			return { body: btoa(chunkedString(source.bytes, source.bytes.length)), bodyBase64: true };
		}
		_cloneSource() {
			if (this.bodyUsed) {
				throw new TypeErrorCtor('The body has already been consumed');
			}
			if (this.#source === null || (this.#stream === null && this.#source.stream === undefined)) {
				return this.#source;
			}
			const [one, two] = this.body.tee();
			this.#stream = one;
			this.#source = { stream: one };
			return { stream: two };
		}
	}

	class Request extends Body {
		constructor(input, init) {
			const options = init || {};
			const base = input instanceof Request ? input : null;
			const method = StringCtor(options.method || (base ? base.method : 'GET'));
			const upper = apply(toUpper, method, []);
			const normalized = hasOwn(STANDARD_METHODS, upper) ? upper : method;
			let source;
			let contentType = null;
			if (options.body !== undefined && options.body !== null) {
				[source, contentType] = extractBody(options.body);
			} else {
				source = base ? base._cloneSource() : null;
			}
			if ((normalized === 'GET' || normalized === 'HEAD') && source !== null) {
				throw new TypeErrorCtor('Request with ' + normalized + ' method cannot have a body');
			}
			super(source);
			this.url = base ? base.url : absoluteUrl(input);
			this.method = normalized;
			this.headers = new Headers(options.headers !== undefined ? options.headers : (base ? base.headers : undefined));
			if (contentType !== null && !this.headers.has('content-type')) {
				this.headers.set('content-type', contentType);
			}
			this.redirect = StringCtor(options.redirect || (base ? base.redirect : 'follow'));
			this.signal = options.signal !== undefined && options.signal !== null ? options.signal
				: (base ? base.signal : null);
			this.cf = options.cf !== undefined ? options.cf : (base ? base.cf : undefined);
		}
		clone() { return new Request(this); }
	}

	class Response extends Body {
		constructor(body, init) {
			const options = init || {};
			const status = options.status === undefined ? 200 : numberCtor(options.status);
			if (!(status >= 200 && status <= 599) && !options._internal) {
				throw new RangeErrorCtor('Response status ' + status + ' is not in the range 200 to 599');
			}
			const [source, contentType] = extractBody(body);
			if (source !== null && hasOwn(NULL_BODY_STATUS, status)) {
				throw new TypeErrorCtor('Response with status ' + status + ' cannot have a body');
			}
			super(source);
			this.status = status;
			this.statusText = options.statusText === undefined ? '' : StringCtor(options.statusText);
			this.headers = new Headers(options.headers);
			if (contentType !== null && !this.headers.has('content-type')) {
				this.headers.set('content-type', contentType);
			}
			this.ok = this.status >= 200 && this.status <= 299;
			this.url = options.url === undefined ? '' : options.url;
			this.redirected = options.redirected === true;
			this.type = options._type || 'default';
			this.webSocket = null;
		}
		clone() {
			const source = this._cloneSource();
			return new Response(source === null ? null : source.stream !== undefined ? source.stream
				: source.bytes !== undefined ? source.bytes : source.text, { status: this.status,
				statusText: this.statusText, headers: this.headers, url: this.url, redirected: this.redirected,
				_internal: true, _type: this.type });
		}
		static json(data, init) {
			const text = stringify(data);
			if (text === undefined) {
				throw new TypeErrorCtor('Response.json() was given a value that is not JSON-serializable');
			}
			const response = new Response(text, init);
			response.headers.set('content-type', init && new Headers(init.headers).has('content-type')
				? new Headers(init.headers).get('content-type') : 'application/json');
			return response;
		}
		static redirect(url, status) {
			const code = status === undefined ? 302 : numberCtor(status);
			if (!hasOwn(REDIRECT_STATUS, code)) {
				throw new RangeErrorCtor('Response.redirect() takes a redirect status (301, 302, 303, 307 or 308), not ' + code);
			}
			return new Response(null, { status: code, headers: { location: absoluteUrl(url) } });
		}
		static error() {
			return new Response(null, { status: 0, _internal: true, _type: 'error' });
		}
	}

		return { Headers, Request, Response };
	}

	function toResponse(reply) {
		if (reply[0] === 'E') {
			throw new TypeErrorCtor(reply.substring(1));
		}
		const data = parse(reply.substring(1));
		// A binary body arrives as base64 and becomes bytes again (issue 19).
		const raw = (typeof data.bodyBase64 === 'string') ? base64Bytes(data.bodyBase64) : data.body;
		const body = hasOwn(NULL_BODY_STATUS, data.status) || raw === '' || (raw !== undefined && raw.length === 0
			&& typeof raw !== 'string') ? null : raw;
		const response = new (fetchClasses().Response)(body, { status: data.status, headers: data.headers, url: data.url,
			redirected: data.redirected, _internal: true, _type: 'basic' });
		return response;
	}

	function fetch(input, init) {
		let request;
		let payload;
		try {
			request = new (fetchClasses().Request)(input, init);
			payload = request._payload();
		} catch (e) {
			return promiseReject(e);
		}
		const signal = request.signal;
		if (signal !== null && signal.aborted) {
			return promiseReject(signal.reason);
		}
		const send = (body) => {
			const headers = [...request.headers.entries()];
			const reply = fetchHost(stringify({ url: request.url, method: request.method, headers,
				body: body.body, bodyBase64: body.bodyBase64 === true, redirect: request.redirect }));
			return typeof reply === 'string' ? toResponse(reply) : apply(promiseThen, reply, [toResponse]);
		};
		let response;
		try {
			response = promiseResolve(typeof payload.then === 'function' ? apply(promiseThen, payload, [send]) : send(payload));
		} catch (e) {
			return promiseReject(e);
		}
		if (signal === null) {
			return response;
		}
		// An abort rejects at once; the host's reply, when it comes, is ignored.
		return new OwnPromise((resolve, reject) => {
			signal.addEventListener('abort', () => reject(signal.reason), { once: true });
			apply(promiseThen, response, [resolve, reject]);
		});
	}

	function installFetch(host) {
		fetchHost = host;
		defineGlobal('fetch', fetch);
		lazyGlobal('Headers', 'fetch');
		lazyGlobal('Request', 'fetch');
		lazyGlobal('Response', 'fetch');
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
	// env records by Proxy target.
	const envs = new OwnWeakMap();
	const OwnArray = Array;
	// Issue 18: the handler and the bound functions are made in a function of their own,
	// which the JIT compiles apart from the rest of the set-up.
	function makeEnvParts() {
	const quiet = freeze({ then: true, toJSON: true, constructor: true, valueOf: true, toString: true,
		inspect: true, asymmetricMatch: true, $$typeof: true, nodeType: true });
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
	return { envHandler, memberToPrimitive, arrayToPrimitive };
	}
	const envParts = makeEnvParts();

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
		defineProperty(copy, symbolToPrimitive, { value: array ? envParts.arrayToPrimitive : envParts.memberToPrimitive });
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

	// Installed by installGlobals() below, like btoa, atob and structuredClone.
	function setTimeout(callback, delay, ...args) {
		return scheduleTimer('setTimeout', callback, delay, args, false);
	}
	function setInterval(callback, delay, ...args) {
		return scheduleTimer('setInterval', callback, delay, args, true);
	}
	function clearTimeout(id) { cancelTimer(id); }
	function clearInterval(id) { cancelTimer(id); }
	function queueMicrotask(callback) {
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
	}

	// performance.now(): as coarse as Date (js.timer-resolution), from the realm's start.
	// Issue 18: this and the globals below that build objects or classes are made on first
	// use, so that a realm's set-up stays small (see RealmBenchmarks).
	const timeOrigin = dateNow();
	function makePerformance() {
		const performance = {};
		performance.now = function now() { return dateNow() - timeOrigin; };
		defineProperty(performance, 'timeOrigin', { value: timeOrigin, enumerable: true });
		performance.toJSON = function toJSON() { return { timeOrigin }; };
		return freeze(performance);
	}

	// DOMException with the legacy codes of WebIDL.
	function domException() {
		return built('dom', makeDOMException);
	}
	function makeDOMException() {
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
	// The legacy code constants, on the class and its prototype as in WebIDL. Written out:
	// this runs after guest code may have replaced the iterators or String methods, and
	// deriving them from the names got URLMismatchError wrong (U_R_L_MISMATCH_ERR).
	const constants = ['INDEX_SIZE_ERR', 'DOMSTRING_SIZE_ERR', 'HIERARCHY_REQUEST_ERR', 'WRONG_DOCUMENT_ERR',
		'INVALID_CHARACTER_ERR', 'NO_DATA_ALLOWED_ERR', 'NO_MODIFICATION_ALLOWED_ERR', 'NOT_FOUND_ERR',
		'NOT_SUPPORTED_ERR', 'INUSE_ATTRIBUTE_ERR', 'INVALID_STATE_ERR', 'SYNTAX_ERR', 'INVALID_MODIFICATION_ERR',
		'NAMESPACE_ERR', 'INVALID_ACCESS_ERR', 'VALIDATION_ERR', 'TYPE_MISMATCH_ERR', 'SECURITY_ERR', 'NETWORK_ERR',
		'ABORT_ERR', 'URL_MISMATCH_ERR', 'QUOTA_EXCEEDED_ERR', 'TIMEOUT_ERR', 'INVALID_NODE_TYPE_ERR',
		'DATA_CLONE_ERR'];
	for (let i = 0; i < constants.length; i++) {
		defineProperty(DOMException, constants[i], { value: i + 1, enumerable: true });
		defineProperty(DOMException.prototype, constants[i], { value: i + 1, enumerable: true });
	}
	return DOMException;
	}

	// atob / btoa (forgiving base64, as in HTML).
	const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
	function base64Values() {
		return built('base64', () => {
			// Not fill(): built on first use, after guest code may have replaced it.
			const values = new Int16Array(128);
			for (let i = 0; i < 128; i++) {
				values[i] = -1;
			}
			for (let i = 0; i < 64; i++) {
				values[apply(charCodeAt, B64, [i])] = i;
			}
			return values;
		});
	}

	function chunkedString(codes, length) {
		let out = '';
		for (let i = 0; i < length; i += 8192) {
			out += apply(fromCharCode, null, codes.subarray(i, mathMin(i + 8192, length)));
		}
		return out;
	}

	function btoa(data) {
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
				throw new (domException())('btoa() was given a character outside of Latin1: encode the text as UTF-8 first',
					'InvalidCharacterError');
			}
			const triple = (a << 16) | (b << 8) | c;
			out[o++] = apply(charCodeAt, B64, [triple >> 18]);
			out[o++] = apply(charCodeAt, B64, [(triple >> 12) & 63]);
			out[o++] = i + 1 < n ? apply(charCodeAt, B64, [(triple >> 6) & 63]) : 61;
			out[o++] = i + 2 < n ? apply(charCodeAt, B64, [triple & 63]) : 61;
		}
		return chunkedString(out, o);
	}

	function base64Bytes(data) {
		let text = apply(stringReplace, StringCtor(data), [/[\t\n\f\r ]/g, '']);
		if (text.length % 4 === 0) {
			text = apply(stringReplace, text, [/==?$/, '']);
		}
		if (text.length % 4 === 1 || /[^A-Za-z0-9+/]/.test(text)) {
			throw new (domException())('atob() was given a string that is not correctly base64-encoded',
				'InvalidCharacterError');
		}
		const n = text.length;
		const out = new Uint8Array((n * 3) >> 2);
		const values = base64Values();
		let o = 0;
		let buffer = 0;
		let bits = 0;
		for (let i = 0; i < n; i++) {
			buffer = (buffer << 6) | values[apply(charCodeAt, text, [i])];
			bits += 6;
			if (bits >= 8) {
				bits -= 8;
				out[o++] = (buffer >> bits) & 255;
			}
		}
		return out.subarray(0, o);
	}

	function atob(data) {
		if (arguments.length === 0) {
			throw new TypeErrorCtor("atob() takes 1 argument, but none was given");
		}
		const bytes = base64Bytes(data);
		return chunkedString(bytes, bytes.length);
	}

	// Event, CustomEvent, EventTarget, AbortController, AbortSignal: built on first use.
	function events() {
		return built('events', makeEvents);
	}
	function makeEvents() {
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
				this.#reason = reason === undefined ? new (domException())('This operation was aborted', 'AbortError') : reason;
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
				new (domException())('The operation was aborted due to timeout', 'TimeoutError')), ms, [], false);
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
		return { Event, CustomEvent, EventTarget, AbortSignal, AbortController };

	}

	// structuredClone: iterative (a deep graph cannot overflow the stack), cycles and
	// shared references kept; a huge graph costs the invocation's CPU and memory quotas.
	// The built-ins are captured now, the objects built on first use.
	const integerArrays = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
		BigInt64Array, BigUint64Array];
	const floatArrays = [Float32Array, Float64Array];
	const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
	const errorCtors = [EvalError, ReferenceError, SyntaxError, URIError];
	function cloneTables() {
		return built('clone', () => {
			const typedArrayProto = objectGetPrototypeOf(integerArrays[1].prototype);
			return {
				typedArrayTag: getOwnPropertyDescriptor(typedArrayProto, symbolToStringTag).get,
				typedArrays: { Int8Array: integerArrays[0], Uint8Array: integerArrays[1], Uint8ClampedArray: integerArrays[2],
					Int16Array: integerArrays[3], Uint16Array: integerArrays[4], Int32Array: integerArrays[5],
					Uint32Array: integerArrays[6], BigInt64Array: integerArrays[7], BigUint64Array: integerArrays[8],
					Float32Array: floatArrays[0], Float64Array: floatArrays[1] },
				errorTypes: { Error: ErrorCtor, EvalError: errorCtors[0], RangeError: RangeErrorCtor, ReferenceError: errorCtors[1],
					SyntaxError: errorCtors[2], TypeError: TypeErrorCtor, URIError: errorCtors[3] }
			};
		});
	}
	const arrayBufferSlice = ArrayBuffer.prototype.slice;
	const dateGetTime = Date.prototype.getTime;
	const objectToString = Object.prototype.toString;

	function cloneError(message) {
		return new (domException())(message, 'DataCloneError');
	}

	function structuredClone(value, options) {
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
			} else if (isView(input)) {
				const tables = cloneTables();
				const ctor = tables.typedArrays[apply(tables.typedArrayTag, input, [])];
				output = new ctor(copy(input.buffer), input.byteOffset, input.length);
			} else if (tag === '[object Map]') {
				output = new OwnMap();
				fill = 'map';
			} else if (tag === '[object Set]') {
				output = new Set();
				fill = 'set';
			} else if (tag === '[object Error]') {
				const errorTypes = cloneTables().errorTypes;
				const ctor = hasOwn(errorTypes, input.name) ? errorTypes[input.name] : ErrorCtor;
				output = new ctor(input.message);
				if (typeof input.stack === 'string') {
					output.stack = input.stack;
				}
			} else if (tag === '[object Boolean]' || tag === '[object Number]' || tag === '[object String]'
				|| tag === '[object BigInt]') {
				output = Object(input.valueOf());
			} else if (tag === '[object Promise]' || tag === '[object WeakMap]' || tag === '[object WeakSet]'
				|| (builtOnce.events !== undefined && input instanceof builtOnce.events.EventTarget)) {
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
	}
	// ---- end of issue 19 globals ---------------------------------------------------------

	// ---- Issue 19: bytes, text, crypto, Blob, File, FormData, lazy libraries -------------
	const OwnUint8Array = Uint8Array;
	const OwnArrayBuffer = ArrayBuffer;
	const isView = ArrayBuffer.isView;
	const u8Set = Uint8Array.prototype.set;
	const u8Subarray = Uint8Array.prototype.subarray;
	const u8Slice = Uint8Array.prototype.slice;
	const codePointAt = String.prototype.codePointAt;

	// What a library evaluates to, per context, loaded on first use (libraryHost parses
	// each library once per engine).
	const loaded = create(null);
	function library(name) {
		if (loaded[name] === undefined) {
			loaded[name] = libraryHost(name);
		}
		return loaded[name];
	}

	// A global built when the guest first reads it: nothing is made or loaded before.
	function lazyGlobal(name, group) {
		defineProperty(globalThis, name, {
			configurable: true,
			enumerable: false,
			get() {
				const value = lazyValue(group, name);
				defineGlobal(name, value);
				return value;
			},
			set(value) {
				defineGlobal(name, value);
			}
		});
	}

	// What a lazy global of a group is.
	function lazyValue(group, name) {
		switch (group) {
			case 'console': return built('console', makeConsole);
			case 'performance': return built('performance', makePerformance);
			case 'dom': return domException();
			case 'events': return events()[name];
			case 'codecs': return textCodecs()[name];
			case 'crypto': return cryptoGlobals()[name];
			case 'blobs': return blobs()[name];
			case 'fetch': return fetchClasses()[name];
			case 'textStreams': return built('textStreams', makeTextStreams)[name];
			default: return library(group)[name];
		}
	}

	// Bytes of a BufferSource (a copy, so later writes by the guest do not show).
	function toBytes(data, what) {
		if (data instanceof OwnArrayBuffer) {
			return new OwnUint8Array(apply(OwnArrayBuffer.prototype.slice, data, [0]));
		}
		if (isView(data)) {
			return new OwnUint8Array(apply(OwnArrayBuffer.prototype.slice, data.buffer,
				[data.byteOffset, data.byteOffset + data.byteLength]));
		}
		throw new TypeErrorCtor(what + ' takes an ArrayBuffer or a typed array');
	}

	function utf8Encode(text) {
		const input = StringCtor(text);
		const n = input.length;
		let out = new OwnUint8Array(n + 8);
		let o = 0;
		for (let i = 0; i < n; i++) {
			let c = apply(charCodeAt, input, [i]);
			if (c >= 0xd800 && c <= 0xdfff) {
				const d = i + 1 < n ? apply(charCodeAt, input, [i + 1]) : 0;
				if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
					c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
					i++;
				} else {
					c = 0xfffd;
				}
			}
			if (o + 4 > out.length) {
				const grown = new OwnUint8Array(out.length * 2 + 8);
				apply(u8Set, grown, [out]);
				out = grown;
			}
			if (c < 0x80) {
				out[o++] = c;
			} else if (c < 0x800) {
				out[o++] = 0xc0 | (c >> 6);
				out[o++] = 0x80 | (c & 63);
			} else if (c < 0x10000) {
				out[o++] = 0xe0 | (c >> 12);
				out[o++] = 0x80 | ((c >> 6) & 63);
				out[o++] = 0x80 | (c & 63);
			} else {
				out[o++] = 0xf0 | (c >> 18);
				out[o++] = 0x80 | ((c >> 12) & 63);
				out[o++] = 0x80 | ((c >> 6) & 63);
				out[o++] = 0x80 | (c & 63);
			}
		}
		return apply(u8Slice, out, [0, o]);
	}

	// Decodes UTF-8; returns [text, bytes left over (an incomplete sequence at the end)].
	function utf8Decode(bytes, fatal, keepTail) {
		const n = bytes.length;
		const units = new Uint16Array(n + 1);
		let u = 0;
		let out = '';
		let i = 0;
		const bad = () => {
			if (fatal) {
				throw new TypeErrorCtor('The encoded data was not valid UTF-8');
			}
			units[u++] = 0xfffd;
		};
		while (i < n) {
			if (u > 16384) {
				out += apply(fromCharCode, null, apply(u8Subarray, units, [0, u]));
				u = 0;
			}
			const b = bytes[i];
			if (b < 0x80) {
				units[u++] = b;
				i++;
				continue;
			}
			let need = 0;
			let c = 0;
			let lower = 0x80;
			let upper = 0xbf;
			if (b >= 0xc2 && b <= 0xdf) {
				need = 1; c = b & 31;
			} else if (b >= 0xe0 && b <= 0xef) {
				need = 2; c = b & 15;
				if (b === 0xe0) lower = 0xa0;
				if (b === 0xed) upper = 0x9f;
			} else if (b >= 0xf0 && b <= 0xf4) {
				need = 3; c = b & 7;
				if (b === 0xf0) lower = 0x90;
				if (b === 0xf4) upper = 0x8f;
			} else {
				bad();
				i++;
				continue;
			}
			if (i + need >= n) {
				// Possibly an incomplete sequence at the end.
				let valid = true;
				for (let k = 1; i + k < n; k++) {
					const x = bytes[i + k];
					if (x < (k === 1 ? lower : 0x80) || x > (k === 1 ? upper : 0xbf)) {
						valid = false;
						break;
					}
				}
				if (valid && keepTail) {
					out += apply(fromCharCode, null, apply(u8Subarray, units, [0, u]));
					return [out, apply(u8Slice, bytes, [i])];
				}
				if (valid) {
					bad();
					i = n;
					continue;
				}
			}
			let k = 1;
			for (; k <= need; k++) {
				const x = bytes[i + k];
				if (x === undefined || x < (k === 1 ? lower : 0x80) || x > (k === 1 ? upper : 0xbf)) {
					break;
				}
				c = (c << 6) | (x & 63);
			}
			if (k <= need) {
				bad();
				i += k;
				continue;
			}
			i += need + 1;
			if (c >= 0x10000) {
				c -= 0x10000;
				units[u++] = 0xd800 + (c >> 10);
				units[u++] = 0xdc00 + (c & 1023);
			} else {
				units[u++] = c;
			}
		}
		out += apply(fromCharCode, null, apply(u8Subarray, units, [0, u]));
		return [out, null];
	}

	function utf8Text(bytes) {
		const text = utf8Decode(bytes, false, false)[0];
		return text.length > 0 && apply(charCodeAt, text, [0]) === 0xfeff ? apply(stringSlice, text, [1]) : text;
	}

	function checkEncoding(label) {
		const name = apply(toLower, StringCtor(label), []).trim();
		if (name !== 'utf-8' && name !== 'utf8' && name !== 'unicode-1-1-utf-8') {
			throw new RangeErrorCtor("The encoding '" + name + "' is not supported: this runtime decodes UTF-8 only");
		}
	}

	function textCodecs() {
		return built('codecs', makeTextCodecs);
	}
	function makeTextCodecs() {
	class TextEncoder {
		get encoding() { return 'utf-8'; }
		encode(input) { return utf8Encode(input === undefined ? '' : input); }
		encodeInto(input, destination) {
			const bytes = utf8Encode(input);
			let n = mathMin(bytes.length, destination.length);
			// Never split a character.
			while (n > 0 && n < bytes.length && (bytes[n] & 0xc0) === 0x80) {
				n--;
			}
			apply(u8Set, destination, [apply(u8Subarray, bytes, [0, n])]);
			const read = utf8Decode(apply(u8Subarray, bytes, [0, n]), false, false)[0].length;
			return { read, written: n };
		}
	}

	class TextDecoder {
		#fatal;
		#ignoreBOM;
		#tail = null;
		#started = false;
		constructor(label, options) {
			if (label !== undefined) {
				checkEncoding(label);
			}
			this.#fatal = !!(options && options.fatal);
			this.#ignoreBOM = !!(options && options.ignoreBOM);
		}
		get encoding() { return 'utf-8'; }
		get fatal() { return this.#fatal; }
		get ignoreBOM() { return this.#ignoreBOM; }
		decode(input, options) {
			const stream = !!(options && options.stream);
			let bytes = input === undefined || input === null ? new OwnUint8Array(0) : toBytes(input, 'TextDecoder.decode()');
			if (this.#tail !== null) {
				const joined = new OwnUint8Array(this.#tail.length + bytes.length);
				apply(u8Set, joined, [this.#tail]);
				apply(u8Set, joined, [bytes, this.#tail.length]);
				bytes = joined;
				this.#tail = null;
			}
			const [text, tail] = utf8Decode(bytes, this.#fatal, stream);
			this.#tail = tail;
			let result = text;
			if (!this.#started && !this.#ignoreBOM && result.length > 0 && apply(charCodeAt, result, [0]) === 0xfeff) {
				result = apply(stringSlice, result, [1]);
			}
			this.#started = stream && (this.#started || result.length > 0);
			if (!stream) {
				this.#started = false;
			}
			return result;
		}
	}
	return freeze({ TextEncoder, TextDecoder });
	}

	// crypto: random values, UUIDs, digests and HMAC through one narrow host call that
	// takes and returns strings (CryptoHost); inputs are capped there and here.
	const MAX_CRYPTO_INPUT = 16 * 1024 * 1024;

	function cryptoReply(reply) {
		const tag = reply[0];
		const rest = apply(stringSlice, reply, [1]);
		if (tag === 'R') {
			const bytes = new OwnUint8Array(rest.length >> 1);
			for (let i = 0; i < bytes.length; i++) {
				bytes[i] = parseInt(apply(stringSlice, rest, [i * 2, i * 2 + 2]), 16);
			}
			return bytes;
		}
		if (tag === 'Q') {
			throw new (domException())(rest, 'QuotaExceededError');
		}
		if (tag === 'N') {
			throw new (domException())(rest, 'NotSupportedError');
		}
		throw new TypeErrorCtor(rest);
	}

	function cryptoGlobals() {
		return built('crypto', makeCrypto);
	}
	function makeCrypto() {
	const digestNames = freeze({ 'SHA-1': 'SHA-1', 'SHA1': 'SHA-1', 'SHA-256': 'SHA-256', 'SHA256': 'SHA-256',
		'SHA-384': 'SHA-384', 'SHA384': 'SHA-384', 'SHA-512': 'SHA-512', 'SHA512': 'SHA-512' });

	function latin1(bytes, what) {
		if (bytes.length > MAX_CRYPTO_INPUT) {
			throw new (domException())(what + ' was given ' + bytes.length + ' bytes, over the limit of ' + MAX_CRYPTO_INPUT
				+ ' bytes of one call. Digest the data in smaller parts.', 'QuotaExceededError');
		}
		return chunkedString(bytes, bytes.length);
	}

	function algorithmName(algorithm) {
		const name = typeof algorithm === 'string' ? algorithm : algorithm && algorithm.name;
		const key = apply(toUpper, StringCtor(name), []);
		return hasOwn(digestNames, key) ? digestNames[key] : key;
	}

	const keyToken = freeze(create(null));
	const keyBytes = new OwnWeakMap();
	class CryptoKey {
		constructor(token, algorithm, extractable, usages, bytes) {
			if (token !== keyToken) {
				throw new TypeErrorCtor('Illegal constructor: use crypto.subtle.importKey()');
			}
			this.type = 'secret';
			this.extractable = extractable;
			this.algorithm = algorithm;
			this.usages = usages;
			apply(weakMapSet, keyBytes, [this, bytes]);
			freeze(this);
		}
	}

	function hmacKey(key, usage) {
		const bytes = key instanceof CryptoKey ? apply(weakMapGet, keyBytes, [key]) : undefined;
		if (bytes === undefined || key.algorithm.name !== 'HMAC') {
			throw new (domException())('The key is not an HMAC key from crypto.subtle.importKey()', 'InvalidAccessError');
		}
		if (apply(Array.prototype.indexOf, key.usages, [usage]) < 0) {
			throw new (domException())("The key does not allow '" + usage + "'", 'InvalidAccessError');
		}
		return bytes;
	}

	async function sign(algorithm, key, data) {
		if (algorithmName(algorithm) !== 'HMAC') {
			throw new (domException())('Only HMAC signatures are supported', 'NotSupportedError');
		}
		const bytes = hmacKey(key, 'sign');
		return cryptoReply(cryptoHost('hmac', key.algorithm.hash.name, latin1(bytes, 'crypto.subtle.sign()'),
			latin1(toBytes(data, 'crypto.subtle.sign()'), 'crypto.subtle.sign()'))).buffer;
	}

	const subtle = {
		async digest(algorithm, data) {
			const name = algorithmName(algorithm);
			return cryptoReply(cryptoHost('digest', name, latin1(toBytes(data, 'crypto.subtle.digest()'),
				'crypto.subtle.digest()'))).buffer;
		},
		async importKey(format, keyData, algorithm, extractable, usages) {
			if (format !== 'raw' || algorithmName(algorithm) !== 'HMAC') {
				throw new (domException())("Only 'raw' HMAC keys can be imported in this runtime", 'NotSupportedError');
			}
			const hash = algorithmName(algorithm.hash);
			if (!hasOwn(digestNames, hash)) {
				throw new (domException())("Unrecognized HMAC hash '" + hash + "'", 'NotSupportedError');
			}
			const bytes = toBytes(keyData, 'crypto.subtle.importKey()');
			return new CryptoKey(keyToken, freeze({ name: 'HMAC', hash: freeze({ name: hash }), length: bytes.length * 8 }),
				!!extractable, freeze([...usages]), bytes);
		},
		sign,
		async verify(algorithm, key, signature, data) {
			if (algorithmName(algorithm) !== 'HMAC') {
				throw new (domException())('Only HMAC signatures are supported', 'NotSupportedError');
			}
			const bytes = hmacKey(key, 'verify');
			const expected = cryptoReply(cryptoHost('hmac', key.algorithm.hash.name, latin1(bytes, 'crypto.subtle.verify()'),
				latin1(toBytes(data, 'crypto.subtle.verify()'), 'crypto.subtle.verify()')));
			const given = toBytes(signature, 'crypto.subtle.verify()');
			let diff = expected.length ^ given.length;
			for (let i = 0; i < expected.length; i++) {
				diff |= expected[i] ^ (given[i] | 0);
			}
			return diff === 0;
		},
		async exportKey(format, key) {
			if (format !== 'raw' || !(key instanceof CryptoKey) || !key.extractable) {
				throw new (domException())('The key cannot be exported', 'InvalidAccessError');
			}
			return apply(u8Slice, apply(weakMapGet, keyBytes, [key]), []).buffer;
		}
	};
	// An index loop, not integerArrays.some(): the guest may have replaced Array methods.
	function isIntegerArray(array) {
		for (let i = 0; i < integerArrays.length; i++) {
			if (array instanceof integerArrays[i]) {
				return true;
			}
		}
		return false;
	}
	const cryptoObject = {
		getRandomValues(array) {
			if (!isView(array) || !isIntegerArray(array)) {
				throw new (domException())('getRandomValues() takes an integer typed array', 'TypeMismatchError');
			}
			const bytes = cryptoReply(cryptoHost('random', array.byteLength));
			apply(u8Set, new OwnUint8Array(array.buffer, array.byteOffset, array.byteLength), [bytes]);
			return array;
		},
		randomUUID() {
			const b = cryptoReply(cryptoHost('random', 16));
			b[6] = (b[6] & 0x0f) | 0x40;
			b[8] = (b[8] & 0x3f) | 0x80;
			let hex = '';
			for (let i = 0; i < 16; i++) {
				hex += (b[i] < 16 ? '0' : '') + b[i].toString(16);
				if (i === 3 || i === 5 || i === 7 || i === 9) {
					hex += '-';
				}
			}
			return hex;
		},
		subtle: freeze(subtle)
	};
	return freeze({ crypto: freeze(cryptoObject), CryptoKey });
	}

	// Blob and File: bytes held in the sandbox.
	function blobPartBytes(part) {
		if (builtOnce.blobs !== undefined && part instanceof builtOnce.blobs.Blob) {
			return blobBytes(part);
		}
		if (part instanceof OwnArrayBuffer || isView(part)) {
			return toBytes(part, 'Blob');
		}
		return utf8Encode(StringCtor(part));
	}
	function concatBytes(list) {
		let size = 0;
		for (const part of list) {
			size += part.length;
		}
		const out = new OwnUint8Array(size);
		let offset = 0;
		for (const part of list) {
			apply(u8Set, out, [part, offset]);
			offset += part.length;
		}
		return out;
	}
	const blobData = new OwnWeakMap();
	function blobBytes(blob) {
		return apply(weakMapGet, blobData, [blob]);
	}

	// Blob, File and FormData: built on first use.
	function blobs() {
		return built('blobs', makeBlobs);
	}
	function makeBlobs() {
	class Blob {
		#type;
		constructor(parts, options) {
			const list = [];
			if (parts !== undefined && parts !== null) {
				for (const part of parts) {
					apply(arrayPush, list, [blobPartBytes(part)]);
				}
			}
			apply(weakMapSet, blobData, [this, concatBytes(list)]);
			const type = options && options.type !== undefined ? StringCtor(options.type) : '';
			this.#type = /[^\u0020-\u007e]/.test(type) ? '' : apply(toLower, type, []);
		}
		get size() { return blobBytes(this).length; }
		get type() { return this.#type; }
		async text() { return utf8Decode(blobBytes(this), false, false)[0]; }
		async arrayBuffer() { return apply(u8Slice, blobBytes(this), []).buffer; }
		async bytes() { return apply(u8Slice, blobBytes(this), []); }
		slice(start, end, type) {
			const bytes = blobBytes(this);
			const size = bytes.length;
			const from = start === undefined ? 0 : start < 0 ? Math.max(size + start, 0) : mathMin(start, size);
			const to = end === undefined ? size : end < 0 ? Math.max(size + end, 0) : mathMin(end, size);
			return new Blob([apply(u8Slice, bytes, [from, Math.max(from, to)])], { type: type === undefined ? '' : type });
		}
		stream() { return bytesStream(blobBytes(this)); }
		get [Symbol.toStringTag]() { return 'Blob'; }
	}

	class File extends Blob {
		#name;
		#lastModified;
		constructor(parts, name, options) {
			if (arguments.length < 2) {
				throw new TypeErrorCtor('File() takes parts and a name');
			}
			super(parts, options);
			this.#name = StringCtor(name);
			this.#lastModified = options && options.lastModified !== undefined ? numberCtor(options.lastModified) : dateNow();
		}
		get name() { return this.#name; }
		get lastModified() { return this.#lastModified; }
		get [Symbol.toStringTag]() { return 'File'; }
	}

	class FormData {
		#entries = [];
		constructor(form) {
			if (form !== undefined) {
				throw new TypeErrorCtor('FormData() takes no form in this runtime: there is no DOM');
			}
		}
		#entry(name, value, filename) {
			if (value instanceof Blob) {
				const fileName = filename !== undefined ? StringCtor(filename) : value instanceof File ? value.name : 'blob';
				const file = value instanceof File && filename === undefined ? value
					: new File([value], fileName, { type: value.type });
				return [StringCtor(name), file];
			}
			return [StringCtor(name), StringCtor(value)];
		}
		append(name, value, filename) { apply(arrayPush, this.#entries, [this.#entry(name, value, filename)]); }
		set(name, value, filename) {
			const entry = this.#entry(name, value, filename);
			const index = this.#entries.findIndex((e) => e[0] === entry[0]);
			this.delete(entry[0]);
			apply(Array.prototype.splice, this.#entries, [index < 0 ? this.#entries.length : index, 0, entry]);
		}
		get(name) {
			const entry = this.#entries.find((e) => e[0] === StringCtor(name));
			return entry === undefined ? null : entry[1];
		}
		getAll(name) { return this.#entries.filter((e) => e[0] === StringCtor(name)).map((e) => e[1]); }
		has(name) { return this.#entries.some((e) => e[0] === StringCtor(name)); }
		delete(name) { this.#entries = this.#entries.filter((e) => e[0] !== StringCtor(name)); }
		forEach(callback, thisArg) {
			for (const [name, value] of this.#entries) {
				apply(callback, thisArg, [value, name, this]);
			}
		}
		entries() { return apply(arrayMap, this.#entries, [(e) => [e[0], e[1]]])[symbolIterator](); }
		keys() { return apply(arrayMap, this.#entries, [(e) => e[0]])[symbolIterator](); }
		values() { return apply(arrayMap, this.#entries, [(e) => e[1]])[symbolIterator](); }
		[Symbol.iterator]() { return this.entries(); }
	}
		return { Blob, File, FormData };

	}

	// ---- end of issue 19 bytes block ---------------------------------------------------

	// ---- Issue 19: streams, loaded on first use ----------------------------------------
	// web-streams-polyfill and fflate are evaluated only when the guest reads one of these
	// globals (or a body as a stream): a worker that never does pays nothing.

	function makeTextStreams() {
		const { TransformStream } = library('streams');
		class TextEncoderStream extends TransformStream {
			constructor() {
				let pending = '';
				super({
					transform(chunk, controller) {
						let text = pending + StringCtor(chunk);
						pending = '';
						const last = text.length > 0 ? apply(charCodeAt, text, [text.length - 1]) : 0;
						if (last >= 0xd800 && last <= 0xdbff) {
							pending = apply(stringSlice, text, [text.length - 1]);
							text = apply(stringSlice, text, [0, text.length - 1]);
						}
						if (text.length > 0) {
							controller.enqueue(utf8Encode(text));
						}
					},
					flush(controller) {
						if (pending !== '') {
							controller.enqueue(utf8Encode(pending));
						}
					}
				});
			}
			get encoding() { return 'utf-8'; }
		}
		class TextDecoderStream extends TransformStream {
			#decoder;
			constructor(label, options) {
				const decoder = new (textCodecs().TextDecoder)(label, options);
				super({
					transform(chunk, controller) {
						const text = decoder.decode(chunk, { stream: true });
						if (text.length > 0) {
							controller.enqueue(text);
						}
					},
					flush(controller) {
						const text = decoder.decode();
						if (text.length > 0) {
							controller.enqueue(text);
						}
					}
				});
				this.#decoder = decoder;
			}
			get encoding() { return 'utf-8'; }
			get fatal() { return this.#decoder.fatal; }
			get ignoreBOM() { return this.#decoder.ignoreBOM; }
		}
		function codecStream(Codec, what) {
			let codec;
			return {
				start(controller) {
					codec = new Codec();
					codec.ondata = (chunk) => {
						if (chunk.length > 0) {
							controller.enqueue(chunk);
						}
					};
				},
				transform(chunk, controller) {
					try {
						codec.push(toBytes(chunk, what), false);
					} catch (e) {
						throw new TypeErrorCtor(what + ' failed: ' + (e && e.message ? e.message : 'invalid data'));
					}
				},
				flush() {
					try {
						codec.push(new OwnUint8Array(0), true);
					} catch (e) {
						throw new TypeErrorCtor(what + ' failed: ' + (e && e.message ? e.message : 'invalid data'));
					}
				}
			};
		}
		const formats = (format, what) => {
			const name = StringCtor(format);
			if (name !== 'gzip' && name !== 'deflate' && name !== 'deflate-raw') {
				throw new TypeErrorCtor(what + "() takes 'gzip', 'deflate' or 'deflate-raw', not '" + clipText(name, 50) + "'");
			}
			return name;
		};
		class CompressionStream extends TransformStream {
			constructor(format) {
				const name = formats(format, 'CompressionStream');
				const fflate = library('compression');
				super(codecStream(name === 'gzip' ? fflate.Gzip : name === 'deflate' ? fflate.Zlib : fflate.Deflate,
					'CompressionStream'));
			}
		}
		class DecompressionStream extends TransformStream {
			constructor(format) {
				const name = formats(format, 'DecompressionStream');
				const fflate = library('compression');
				super(codecStream(name === 'gzip' ? fflate.Gunzip : name === 'deflate' ? fflate.Unzlib : fflate.Inflate,
					'DecompressionStream'));
			}
		}
		return { TextEncoderStream, TextDecoderStream, CompressionStream, DecompressionStream };
	}
	// ---- end of issue 19 streams block -------------------------------------------------

	// Issue 18: every global of the runtime, installed by one call. The set-up runs once per
	// realm, and is compiled by the JIT like any hot function: loops in it would count
	// towards compiling it, which then started after two or three realms and was cancelled
	// when the helpers it calls were split, after seconds of work on the one compiler
	// thread; a call site per global made a split per site. So the tables and their loops
	// live here, and the set-up itself stays short.
	function installGlobals() {
		const EAGER_GLOBALS = ['setTimeout', setTimeout, 'setInterval', setInterval, 'clearTimeout', clearTimeout,
			'clearInterval', clearInterval, 'queueMicrotask', queueMicrotask, 'btoa', btoa, 'atob', atob,
			'structuredClone', structuredClone];
		// Built on first use, as group, [names].
		const LAZY_GLOBALS = [
			'console', ['console'],
			'performance', ['performance'],
			'dom', ['DOMException'],
			'events', ['Event', 'CustomEvent', 'EventTarget', 'AbortSignal', 'AbortController'],
			'codecs', ['TextEncoder', 'TextDecoder'],
			'crypto', ['crypto', 'CryptoKey'],
			'blobs', ['Blob', 'File', 'FormData'],
			'url', ['URL', 'URLSearchParams'],
			'streams', ['ReadableStream', 'WritableStream', 'TransformStream', 'ByteLengthQueuingStrategy',
				'CountQueuingStrategy', 'ReadableStreamDefaultReader', 'ReadableStreamBYOBReader',
				'WritableStreamDefaultWriter', 'ReadableByteStreamController', 'ReadableStreamDefaultController',
				'ReadableStreamBYOBRequest', 'WritableStreamDefaultController', 'TransformStreamDefaultController'],
			'textStreams', ['TextEncoderStream', 'TextDecoderStream', 'CompressionStream', 'DecompressionStream']
		];
		for (let i = 0; i < EAGER_GLOBALS.length; i += 2) {
			defineGlobal(EAGER_GLOBALS[i], EAGER_GLOBALS[i + 1]);
		}
		for (let i = 0; i < LAZY_GLOBALS.length; i += 2) {
			const names = LAZY_GLOBALS[i + 1];
			for (let j = 0; j < names.length; j++) {
				lazyGlobal(names[j], LAZY_GLOBALS[i]);
			}
		}
	}
	installGlobals();

	// ---- Issue 19: entrypoints as on Cloudflare ------------------------------------------
	const functionToString = Function.prototype.toString;
	const stringStartsWith = String.prototype.startsWith;
	function isClassSource(fn) {
		try {
			return apply(stringStartsWith, apply(functionToString, fn, []), ['class']);
		} catch (e) {
			return false;
		}
	}

	// What a fetch() handler returned, as plain data for the host: status, headers and the
	// body as base64.
	async function responseForHost(response) {
		if (!(response instanceof fetchClasses().Response)) {
			throw new TypeErrorCtor('The fetch() handler must return a Response, not ' + (response === null ? 'null' : typeof response));
		}
		const bytes = await response.bytes();
		return { status: response.status, statusText: response.statusText, headers: [...response.headers.entries()],
			body: btoa(chunkedString(bytes, bytes.length)) };
	}




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
		invoke(namespace, exportName, method, paramJson, env, propsJson, settle, outputLimit, mode) {
			const target = namespace[exportName];
			if (target === undefined || target === null) {
				return 'no-export';
			}
			let result;
			try {
				// Issue 19: a class export (export class Agent extends WorkerEntrypoint) is
				// constructed per invocation with (ctx, env), as on Cloudflare.
				const props = freeze(parse(propsJson));
				const ctx = freeze({ props, waitUntil(promise) { apply(promiseThen, OwnPromise.resolve(promise), [undefined, (e) => reportUncaught('waitUntil', e)]); },
					passThroughOnException() {} });
				const isClass = typeof target === 'function' && isClassSource(target);
				const self = isClass ? new target(ctx, env) : target;
				const fn = self[method];
				if (typeof fn !== 'function') {
					return 'no-method';
				}
				let param;
				if (mode === 'fetch') {
					const request = parse(paramJson);
					param = new (fetchClasses().Request)(request.url, { method: request.method, headers: request.headers,
						body: request.body === null ? null : base64Bytes(request.body) });
				} else {
					param = paramJson === null ? undefined : parse(paramJson);
				}
				result = apply(fn, self, [param, env, ctx]);
				if (mode === 'fetch') {
					result = apply(promiseThen, OwnPromise.resolve(result), [responseForHost]);
				}
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
			return new ProxyCtor(target, envParts.envHandler);
		}
	});


	// Host replies are tagged strings: 'R' + JSON for a value, 'E' + message for an error,
	// 'D' + message for a call the caller was denied, 'O' + message for a stack overflow,
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
		if (reply[0] === 'O') {
			// The host ran out of stack inside a binding call (deep guest recursion).
			throw new StackErrorCtor(reply.substring(1));
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
