package dev.workerloader.sandbox;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AccessMode;
import java.nio.file.DirectoryStream;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.graalvm.polyglot.io.FileSystem;
import org.jspecify.annotations.Nullable;

/**
 * A read-only, in-memory file system holding one worker's modules under {@code /app}. It
 * is the only file system a sandbox sees: every other path is reported missing, and every
 * write is refused. The modules are set once, when a pre-built context is given to a
 * worker.
 *
 * @author Worker Loader team
 */
final class ModuleFileSystem implements FileSystem {

	static final Path ROOT = Path.of("/app");

	static final String MODULE_MIME_TYPE = "application/javascript+module";

	private static final FileTime EPOCH = FileTime.fromMillis(0);

	private volatile Map<Path, byte[]> files = Map.of();

	/**
	 * Where {@code import ... from "cloudflare:workers"} is served from (issue 19): a
	 * built-in module beside the worker's own, under a directory no module name of a
	 * worker can have.
	 */
	static final Path CLOUDFLARE_WORKERS = ROOT.resolve("cloudflare:/workers.js");

	private static final byte[] CLOUDFLARE_WORKERS_SOURCE = """
			// Built in (issue 19): the base classes of Cloudflare's entrypoints.
			export class WorkerEntrypoint {
			  constructor(ctx, env) { this.ctx = ctx; this.env = env; }
			}
			export class RpcTarget {}
			export class DurableObject {
			  constructor(ctx, env) { this.ctx = ctx; this.env = env; }
			}
			export class WorkflowEntrypoint {
			  constructor(ctx, env) { this.ctx = ctx; this.env = env; }
			}
			""".getBytes(StandardCharsets.UTF_8);

	/**
	 * Sets the files, keyed by module name relative to {@code /app}. Can be called once.
	 * @param modules the module sources by name
	 */
	void mount(Map<String, String> modules) {
		if (!this.files.isEmpty()) {
			throw new IllegalStateException("Modules are already mounted");
		}
		Map<Path, byte[]> files = new HashMap<>();
		files.put(CLOUDFLARE_WORKERS, CLOUDFLARE_WORKERS_SOURCE);
		modules.forEach(
				(name, source) -> files.put(ROOT.resolve(name).normalize(), source.getBytes(StandardCharsets.UTF_8)));
		this.files = Map.copyOf(files);
	}

	private static boolean isCloudflareWorkers(String specifier) {
		return "cloudflare:workers".equals(specifier);
	}

	static String moduleName(Path path) {
		Path normalized = path.normalize();
		return normalized.startsWith(ROOT) ? ROOT.relativize(normalized).toString() : normalized.toString();
	}

	@Override
	public Path parsePath(URI uri) {
		if (isCloudflareWorkers(uri.toString())) {
			return CLOUDFLARE_WORKERS;
		}
		if (!"file".equals(uri.getScheme())) {
			throw new UnsupportedOperationException("Only modules of the worker can be imported, not '" + uri + "'");
		}
		return Path.of(uri.getPath());
	}

	@Override
	public Path parsePath(String path) {
		if (isCloudflareWorkers(path)) {
			return CLOUDFLARE_WORKERS;
		}
		return Path.of(path);
	}

	@Override
	public void checkAccess(Path path, Set<? extends AccessMode> modes, LinkOption... linkOptions) throws IOException {
		Path absolute = toAbsolutePath(path).normalize();
		if (modes.contains(AccessMode.WRITE) || modes.contains(AccessMode.EXECUTE)) {
			throw new AccessDeniedException(absolute.toString(), null, "sandbox files are read-only");
		}
		if (!this.files.containsKey(absolute) && !isDirectory(absolute)) {
			throw new NoSuchFileException(absolute.toString());
		}
	}

	private boolean isDirectory(Path path) {
		for (Path file : this.files.keySet()) {
			if (file.startsWith(path) && !file.equals(path)) {
				return true;
			}
		}
		return path.equals(ROOT);
	}

	@Override
	public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
		throw new AccessDeniedException(dir.toString(), null, "sandbox files are read-only");
	}

	@Override
	public void delete(Path path) throws IOException {
		throw new AccessDeniedException(path.toString(), null, "sandbox files are read-only");
	}

	@Override
	public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
			throws IOException {
		Path absolute = toAbsolutePath(path).normalize();
		for (OpenOption option : options) {
			if (option == StandardOpenOption.WRITE || option == StandardOpenOption.APPEND
					|| option == StandardOpenOption.CREATE || option == StandardOpenOption.CREATE_NEW
					|| option == StandardOpenOption.DELETE_ON_CLOSE) {
				throw new AccessDeniedException(absolute.toString(), null, "sandbox files are read-only");
			}
		}
		byte[] bytes = this.files.get(absolute);
		if (bytes == null) {
			throw new NoSuchFileException(absolute.toString());
		}
		return new ReadOnlyChannel(bytes);
	}

	@Override
	public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
			throws IOException {
		throw new AccessDeniedException(dir.toString(), null, "directories cannot be listed in a sandbox");
	}

	@Override
	public Path toAbsolutePath(Path path) {
		return path.isAbsolute() ? path : ROOT.resolve(path);
	}

	@Override
	public Path toRealPath(Path path, LinkOption... linkOptions) throws IOException {
		return toAbsolutePath(path).normalize();
	}

	@Override
	public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) throws IOException {
		Path absolute = toAbsolutePath(path).normalize();
		byte[] bytes = this.files.get(absolute);
		boolean directory = bytes == null && isDirectory(absolute);
		if (bytes == null && !directory) {
			throw new NoSuchFileException(absolute.toString());
		}
		Map<String, Object> result = new HashMap<>();
		result.put("isRegularFile", !directory);
		result.put("isDirectory", directory);
		result.put("isSymbolicLink", false);
		result.put("isOther", false);
		result.put("size", (bytes != null) ? (long) bytes.length : 0L);
		result.put("lastModifiedTime", EPOCH);
		result.put("lastAccessTime", EPOCH);
		result.put("creationTime", EPOCH);
		result.put("fileKey", absolute.toString());
		return result;
	}

	@Override
	public @Nullable String getMimeType(Path path) {
		// Every file is served as an ES module: JSON and text modules were turned into
		// modules exporting their value when the worker was loaded.
		return MODULE_MIME_TYPE;
	}

	@Override
	public java.nio.charset.@Nullable Charset getEncoding(Path path) {
		return StandardCharsets.UTF_8;
	}

	private static final class ReadOnlyChannel implements SeekableByteChannel {

		private final byte[] bytes;

		private int position;

		private boolean open = true;

		ReadOnlyChannel(byte[] bytes) {
			this.bytes = bytes;
		}

		@Override
		public int read(ByteBuffer dst) {
			if (this.position >= this.bytes.length) {
				return -1;
			}
			int length = Math.min(dst.remaining(), this.bytes.length - this.position);
			dst.put(this.bytes, this.position, length);
			this.position += length;
			return length;
		}

		@Override
		public int write(ByteBuffer src) {
			throw new NonWritableChannelException();
		}

		@Override
		public long position() {
			return this.position;
		}

		@Override
		public SeekableByteChannel position(long newPosition) {
			this.position = (int) Math.min(newPosition, this.bytes.length);
			return this;
		}

		@Override
		public long size() {
			return this.bytes.length;
		}

		@Override
		public SeekableByteChannel truncate(long size) {
			throw new NonWritableChannelException();
		}

		@Override
		public boolean isOpen() {
			return this.open;
		}

		@Override
		public void close() {
			this.open = false;
		}

	}

}
