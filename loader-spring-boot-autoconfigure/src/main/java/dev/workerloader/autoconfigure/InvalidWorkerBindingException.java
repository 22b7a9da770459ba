package dev.workerloader.autoconfigure;

/**
 * Thrown at startup when a bean annotated {@link dev.workerloader.WorkerBinding} cannot
 * be a binding: its name is not a JavaScript identifier, another bean has the same name,
 * or it exposes no callable method.
 *
 * @author Worker Loader team
 */
class InvalidWorkerBindingException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	private final String beanName;

	private final String bindingName;

	private final String action;

	InvalidWorkerBindingException(String beanName, String bindingName, String message, String action) {
		super(message);
		this.beanName = beanName;
		this.bindingName = bindingName;
		this.action = action;
	}

	String getBeanName() {
		return this.beanName;
	}

	String getBindingName() {
		return this.bindingName;
	}

	String getAction() {
		return this.action;
	}

}
