package dev.workerloader.codemode.processor;

import java.io.IOException;
import java.io.Writer;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;

import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.annotation.processing.SupportedAnnotationTypes;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.tools.Diagnostic;
import javax.tools.FileObject;
import javax.tools.StandardLocation;

/**
 * Records the Javadoc and parameter names of the types a worker can call, so that
 * {@code dev.workerloader.codemode.TypeScriptDeclarations} (in {@code loader-core}) can
 * render them as comments: Javadoc is not available at run time. For every
 * {@code @WorkerBinding} class (and its {@code exposedAs} interface), every type
 * declaring {@code @WorkerMethod}s, and the records and enums their methods use, it
 * writes {@code META-INF/worker-loader/docs/<binary name>.properties}.
 * <p>
 * Add {@code dev.workerloader:loader-doc-processor} to the compiler's annotation
 * processor path to enable it. It has no dependencies and never belongs on the runtime
 * classpath.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
@SupportedAnnotationTypes({ "dev.workerloader.WorkerBinding", "dev.workerloader.WorkerMethod" })
public class WorkerDocProcessor extends AbstractProcessor {

	/** Where the recorded Javadoc goes on the class path; read by loader-core. */
	public static final String LOCATION = "META-INF/worker-loader/docs/";

	private static final java.util.regex.Pattern PARAM_TAG = java.util.regex.Pattern
		.compile("@param\\s+([A-Za-z_$][\\w$]*)\\s+([^@]*)");

	private static final java.util.regex.Pattern BLOCK_TAG = java.util.regex.Pattern.compile("(?:^|\\s)@[a-z]+\\b");

	private final Set<String> written = new HashSet<>();

	@Override
	public SourceVersion getSupportedSourceVersion() {
		return SourceVersion.latestSupported();
	}

	@Override
	public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
		for (TypeElement annotation : annotations) {
			for (Element element : round.getElementsAnnotatedWith(annotation)) {
				if (element.getKind() == ElementKind.METHOD) {
					ExecutableElement method = (ExecutableElement) element;
					if (annotation.getQualifiedName().contentEquals("dev.workerloader.WorkerBinding")) {
						exposedAs(method).ifPresentOrElse(this::document,
								() -> documentReturned(method.getReturnType()));
					}
					else {
						document((TypeElement) method.getEnclosingElement());
					}
				}
				else if (element instanceof TypeElement type) {
					document(type);
					exposedAs(type).ifPresent(this::document);
				}
			}
		}
		return false;
	}

	private void documentReturned(TypeMirror type) {
		if (type instanceof DeclaredType declared && declared.asElement() instanceof TypeElement element) {
			document(element);
		}
	}

	private java.util.Optional<TypeElement> exposedAs(Element element) {
		for (AnnotationMirror mirror : element.getAnnotationMirrors()) {
			if (!mirror.getAnnotationType().toString().equals("dev.workerloader.WorkerBinding")) {
				continue;
			}
			for (var entry : mirror.getElementValues().entrySet()) {
				if (entry.getKey().getSimpleName().contentEquals("exposedAs")) {
					AnnotationValue value = entry.getValue();
					if (value.getValue() instanceof DeclaredType declared
							&& declared.asElement() instanceof TypeElement type) {
						return java.util.Optional.of(type);
					}
				}
			}
		}
		return java.util.Optional.empty();
	}

	private void document(TypeElement type) {
		String binaryName = this.processingEnv.getElementUtils().getBinaryName(type).toString();
		if (binaryName.startsWith("java.") || !this.written.add(binaryName)) {
			return;
		}
		Properties docs = new Properties();
		put(docs, "", this.processingEnv.getElementUtils().getDocComment(type));
		for (Element member : type.getEnclosedElements()) {
			if (member instanceof ExecutableElement method && member.getKind() == ElementKind.METHOD) {
				String name = method.getSimpleName().toString();
				put(docs, name, this.processingEnv.getElementUtils().getDocComment(method));
				StringBuilder parameters = new StringBuilder();
				for (VariableElement parameter : method.getParameters()) {
					parameters.append(parameters.length() > 0 ? "," : "").append(parameter.getSimpleName());
					documentUsed(parameter.asType());
				}
				docs.setProperty(name + ".parameters", parameters.toString());
				documentUsed(method.getReturnType());
			}
			else if (member.getKind() == ElementKind.RECORD_COMPONENT
					|| member.getKind() == ElementKind.ENUM_CONSTANT) {
				put(docs, member.getSimpleName().toString(),
						this.processingEnv.getElementUtils().getDocComment(member));
			}
		}
		if (type.getKind() == ElementKind.RECORD) {
			// Record component docs live in the record's @param tags.
			String comment = this.processingEnv.getElementUtils().getDocComment(type);
			if (comment != null) {
				java.util.regex.Matcher param = PARAM_TAG.matcher(comment);
				while (param.find()) {
					docs.setProperty(param.group(1), param.group(2).trim().replaceAll("\\s+", " "));
				}
			}
		}
		try {
			FileObject file = this.processingEnv.getFiler()
				.createResource(StandardLocation.CLASS_OUTPUT, "", LOCATION + binaryName + ".properties", type);
			// Properties.store writes a date comment first: drop it, so builds are
			// reproducible.
			java.io.StringWriter text = new java.io.StringWriter();
			docs.store(text, null);
			String content = text.toString();
			if (content.startsWith("#")) {
				content = content.substring(content.indexOf('\n') + 1);
			}
			try (Writer writer = file.openWriter()) {
				writer.write(content);
			}
		}
		catch (IOException ex) {
			this.processingEnv.getMessager()
				.printMessage(Diagnostic.Kind.WARNING, "Could not record worker docs: " + ex.getMessage(), type);
		}
	}

	private void documentUsed(TypeMirror type) {
		if (type.getKind() != TypeKind.DECLARED) {
			if (type.getKind() == TypeKind.ARRAY) {
				documentUsed(((javax.lang.model.type.ArrayType) type).getComponentType());
			}
			return;
		}
		DeclaredType declared = (DeclaredType) type;
		for (TypeMirror argument : declared.getTypeArguments()) {
			documentUsed(argument);
		}
		if (declared.asElement() instanceof TypeElement element
				&& (element.getKind() == ElementKind.RECORD || element.getKind() == ElementKind.ENUM)) {
			document(element);
		}
	}

	private static void put(Properties docs, String key, String comment) {
		if (comment == null) {
			return;
		}
		StringBuilder text = new StringBuilder();
		for (String line : comment.split("\n")) {
			String trimmed = line.trim();
			if (trimmed.startsWith("@")) {
				break;
			}
			if (!trimmed.isEmpty()) {
				text.append(text.length() > 0 ? " " : "").append(trimmed);
			}
		}
		java.util.regex.Matcher tag = BLOCK_TAG.matcher(text);
		if (tag.find()) {
			text.setLength(tag.start());
		}
		if (text.length() > 0) {
			docs.setProperty(key, text.toString().replaceAll("\\{@(?:code|link|linkplain|literal) ([^}]*)}", "$1"));
		}
	}

}
