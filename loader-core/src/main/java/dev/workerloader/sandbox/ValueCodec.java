package dev.workerloader.sandbox;

import java.lang.reflect.Type;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Converts values crossing the sandbox boundary. Everything crosses as JSON text, which
 * makes every crossing a deep copy: no Java object ever reaches the guest, and guest
 * objects come back as plain maps, lists, strings, numbers and booleans.
 *
 * @author Worker Loader team
 */
final class ValueCodec {

	private final JsonMapper mapper;

	ValueCodec(JsonMapper mapper) {
		this.mapper = mapper;
	}

	String toJson(@Nullable Object value) {
		return this.mapper.writeValueAsString(value);
	}

	@Nullable Object fromJson(@Nullable String json) {
		if (json == null) {
			return null;
		}
		return this.mapper.readValue(json, Object.class);
	}

	/**
	 * Reads one complete JSON document: trailing content after it is an error, so that a
	 * "JSON module" cannot smuggle code after a valid value.
	 */
	JsonNode readTree(String json) throws JacksonException {
		return this.mapper.readerFor(JsonNode.class)
			.with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
			.readValue(json);
	}

	/**
	 * Says which read constraint a value broke, without quoting any of it.
	 * @param ex what the codec threw
	 * @return a short reason
	 */
	static String describe(JacksonException ex) {
		String message = String.valueOf(ex.getOriginalMessage());
		if (message.contains("nesting depth")) {
			return "it is nested deeper than the JSON reader allows";
		}
		if (message.contains("Name length") || message.contains("name length")) {
			return "it has a key longer than the JSON reader allows";
		}
		if (message.contains("String value length") || message.contains("string length")) {
			return "it has a string longer than the JSON reader allows";
		}
		if (message.contains("Number value length") || message.contains("number length")) {
			return "it has a number longer than the JSON reader allows";
		}
		return "the JSON reader refused it (" + ex.getClass().getSimpleName() + ")";
	}

	@Nullable Object convert(@Nullable Object value, Type type) {
		JavaType javaType = this.mapper.getTypeFactory().constructType(type);
		if (value == null) {
			return null;
		}
		return this.mapper.convertValue(value, javaType);
	}

	@Nullable Object convert(JsonNode node, Type type) {
		JavaType javaType = this.mapper.getTypeFactory().constructType(type);
		return this.mapper.treeToValue(node, javaType);
	}

}
