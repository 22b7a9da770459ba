package dev.workerloader.sandbox;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyExecutable;
import org.jspecify.annotations.Nullable;

/**
 * The narrow host call behind the guest's {@code crypto} (issue 19): random bytes, SHA
 * digests and HMAC. It takes and returns plain strings only (bytes as Latin-1 text in,
 * hex out), runs on the sandbox thread, so its CPU time and allocation count against the
 * invocation's quotas, and refuses inputs over {@link #MAX_INPUT} bytes. Stateless and
 * thread-safe: one instance serves every context of an engine.
 * <p>
 * Calls: {@code ("random", n)}, {@code ("digest", algorithm, data)},
 * {@code ("hmac", algorithm, key, data)}. Answers are tagged: {@code 'R'} + hex, or
 * {@code 'E'} + a message (the guest throws it).
 *
 * @author Worker Loader team
 */
final class CryptoHost implements ProxyExecutable {

	/** The largest input of one digest or HMAC, in bytes. */
	static final int MAX_INPUT = 16 * 1024 * 1024;

	/** The most random bytes one call may ask for, as in the Web Crypto spec. */
	static final int MAX_RANDOM = 65_536;

	private static final Map<String, String> DIGESTS = Map.of("SHA-1", "SHA-1", "SHA-256", "SHA-256", "SHA-384",
			"SHA-384", "SHA-512", "SHA-512");

	private static final Map<String, String> MACS = Map.of("SHA-1", "HmacSHA1", "SHA-256", "HmacSHA256", "SHA-384",
			"HmacSHA384", "SHA-512", "HmacSHA512");

	private static final HexFormat HEX = HexFormat.of();

	private final SecureRandom random = new SecureRandom();

	@Override
	public @Nullable Object execute(Value... arguments) {
		String op = arguments[0].asString();
		try {
			return switch (op) {
				case "random" -> random(arguments[1].asInt());
				case "digest" -> digest(arguments[1].asString(), arguments[2]);
				case "hmac" -> hmac(arguments[1].asString(), arguments[2], arguments[3]);
				default -> "Eunknown crypto operation";
			};
		}
		catch (TooLargeException ex) {
			return "E" + ex.getMessage();
		}
	}

	private String random(int length) {
		if (length < 0 || length > MAX_RANDOM) {
			return "QcryptogetRandomValues() can fill at most " + MAX_RANDOM + " bytes at once, not " + length + ".";
		}
		byte[] bytes = new byte[length];
		this.random.nextBytes(bytes);
		return "R" + HEX.formatHex(bytes);
	}

	private String digest(String algorithm, Value data) {
		String name = DIGESTS.get(algorithm);
		if (name == null) {
			return "NUnrecognized algorithm name '" + algorithm + "': use SHA-1, SHA-256, SHA-384 or SHA-512.";
		}
		try {
			return "R" + HEX.formatHex(MessageDigest.getInstance(name).digest(bytes(data)));
		}
		catch (GeneralSecurityException ex) {
			return "N" + algorithm + " is not available on this host.";
		}
	}

	private String hmac(String hash, Value key, Value data) {
		String name = MACS.get(hash);
		if (name == null) {
			return "NUnrecognized HMAC hash '" + hash + "': use SHA-1, SHA-256, SHA-384 or SHA-512.";
		}
		byte[] keyBytes = bytes(key);
		try {
			Mac mac = Mac.getInstance(name);
			mac.init(new SecretKeySpec((keyBytes.length == 0) ? new byte[1] : keyBytes, name));
			return "R" + HEX.formatHex(mac.doFinal(bytes(data)));
		}
		catch (GeneralSecurityException ex) {
			return "NHMAC with " + hash + " is not available on this host.";
		}
	}

	private static byte[] bytes(Value latin1) {
		if (!latin1.isString()) {
			throw new TooLargeException("crypto was given data that is not bytes");
		}
		String text = latin1.asString();
		if (text.length() > MAX_INPUT) {
			throw new TooLargeException("crypto.subtle was given " + text.length() + " bytes, over the limit of "
					+ MAX_INPUT + " bytes of one call. Digest the data in smaller parts.");
		}
		return text.getBytes(StandardCharsets.ISO_8859_1);
	}

	private static final class TooLargeException extends RuntimeException {

		TooLargeException(String message) {
			super(message, null, false, false);
		}

	}

}
