package dev.workerloader.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.workerloader.WorkerBinding;
import dev.workerloader.WorkerException;
import dev.workerloader.WorkerLoader;
import dev.workerloader.WorkerMethod;
import dev.workerloader.binding.BindingProvider;
import org.aopalliance.intercept.MethodInterceptor;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for Spring beans as worker bindings: what a guest can and cannot reach.
 *
 * @author Worker Loader team
 */
class WorkerBindingTests {

	private static final String ALL = "CHAT_ROOM,NOTES,LEDGER,COUNTER";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WorkerLoaderAutoConfiguration.class))
		.withUserConfiguration(BindingsConfiguration.class)
		.withPropertyValues("worker-loader.bindings.LEDGER.bean=ledger",
				"worker-loader.bindings.LEDGER.exposed-as=" + Ledger.class.getName(),
				"worker-loader.policies.demo.bindings=" + ALL);

	@Test
	void providerListsAnnotatedAndConfiguredBeans() {
		this.contextRunner.run((context) -> assertThat(context.getBean(BindingProvider.class).names())
			.containsExactlyInAnyOrder("CHAT_ROOM", "NOTES", "LEDGER", "COUNTER"));
	}

	@Test
	void methodOfTheExposedInterfaceIsCallable() {
		this.contextRunner
			.run((context) -> assertThat(Guest.run(context, "demo", "return env.CHAT_ROOM.getHistory(1);", "CHAT_ROOM"))
				.isEqualTo(List.of("world")));
	}

	@Test
	void workerMethodsOfAnAnnotatedBeanMethodAreCallable() {
		this.contextRunner.run((context) -> assertThat(
				Guest.run(context, "demo", "env.NOTES.add('milk'); return env.NOTES.list();", "NOTES"))
			.isEqualTo(List.of("milk")));
	}

	@Test
	void beanNamedByPropertiesIsCallable() {
		this.contextRunner
			.run((context) -> assertThat(Guest.run(context, "demo", "return env.LEDGER.balance('acme');", "LEDGER"))
				.isEqualTo(42));
	}

	@Test
	void aopProxiedBeanIsCalledThroughItsProxy() {
		this.contextRunner.run((context) -> {
			Counter counter = context.getBean(Counter.class);
			assertThat(AopUtils.isCglibProxy(counter)).isTrue();
			assertThat(Guest.run(context, "demo", "return env.COUNTER.increment(5);", "COUNTER")).isEqualTo(5);
			assertThat(context.getBean(BindingsConfiguration.class).advised.get()).isEqualTo(1);
		});
	}

	@Test
	void methodsOutsideTheAllowlistAreNotReachable() {
		this.contextRunner.run((context) -> {
			Object result = Guest.run(context, "demo", """
					const out = [typeof env.CHAT_ROOM.clear, typeof env.NOTES.wipe, typeof env.LEDGER.reset];
					try { env.CHAT_ROOM.clear(); out.push('called'); } catch (e) { out.push(e.name); }
					return out;""", "CHAT_ROOM", "NOTES", "LEDGER");
			assertThat(result).isEqualTo(List.of("undefined", "undefined", "undefined", "TypeError"));
			ChatRoomService chatRoom = context.getBean(ChatRoomService.class);
			assertThat(chatRoom.adminCalls).hasValue(0);
			assertThat(context.getBean(Notes.class).wiped).hasValue(0);
		});
	}

	@Test
	void objectMethodsAreNotReachable() {
		this.contextRunner.run((context) -> {
			Object result = Guest.run(context, "demo", """
					const room = env.CHAT_ROOM;
					return [typeof room.getClass, typeof room.hashCode, typeof room.notify, typeof room.wait,
						typeof room.equals, String(room), JSON.stringify(room), Object.keys(room)];""", "CHAT_ROOM");
			assertThat(result).isEqualTo(List.of("undefined", "undefined", "undefined", "undefined", "undefined",
					"[object Object]", "{}", List.of("fail", "getHistory", "post")));
			assertThat(context.getBean(ChatRoomService.class).toStringCalls).hasValue(0);
		});
	}

	@Test
	void functionConstructorReachedFromAStubGivesNoHostAccess() {
		this.contextRunner.run((context) -> {
			Object result = Guest.run(context, "demo",
					"""
							const F = env.CHAT_ROOM.getHistory.constructor.constructor;
							const probes = ['"control:" + typeof env.CHAT_ROOM', 'Java.type("java.lang.Runtime")', 'Packages.java.lang.System', 'java.lang.System',
								'Polyglot.import("x")', 'env.CHAT_ROOM.getHistory.constructor("return Java")().type("java.io.File")'];
							const out = [];
							for (const probe of probes) {
								try {
									const value = F('env', 'return ' + probe)(env);
									out.push(typeof value === 'string' ? value : value === undefined ? 'undefined' : 'reached ' + probe);
								} catch (e) {
									out.push(e.name);
								}
							}
							return out;""",
					"CHAT_ROOM");
			assertThat(result).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
				.hasSize(6)
				.startsWith("control:object")
				.satisfies((outcomes) -> assertThat(outcomes.subList(1, outcomes.size()))
					.allMatch((outcome) -> String.valueOf(outcome).endsWith("Error"), "a guest error"));
		});
	}

	@Test
	void prototypeWalkingFromAStubFindsOnlyGuestObjects() {
		this.contextRunner.run((context) -> {
			Object result = Guest.run(context, "demo", """
					const names = [];
					for (const start of [env.CHAT_ROOM, env.CHAT_ROOM.getHistory, env.CHAT_ROOM.__proto__]) {
						for (let o = start; o !== null; o = Object.getPrototypeOf(o)) {
							names.push(...Object.getOwnPropertyNames(o));
						}
					}
					return { names, envProto: Object.getPrototypeOf(env) === null,
						stubProto: Object.getPrototypeOf(env.CHAT_ROOM) === Object.prototype };""", "CHAT_ROOM");
			@SuppressWarnings("unchecked")
			Map<String, Object> map = (Map<String, Object>) result;
			assertThat(map).containsEntry("envProto", true).containsEntry("stubProto", true);
			assertThat(map.get("names")).asInstanceOf(InstanceOfAssertFactories.LIST)
				.isNotEmpty()
				.doesNotContain("getClass", "hashCode", "notify", "wait", "clear", "messages", "adminCalls");
		});
	}

	@Test
	void stubsAndEnvCannotBeMutated() {
		this.contextRunner.run((context) -> {
			Object result = Guest.run(context, "demo", """
					const out = [];
					const attempts = [
						() => { env.CHAT_ROOM.getHistory = () => ['forged']; },
						() => { delete env.CHAT_ROOM.getHistory; },
						() => { Object.defineProperty(env.CHAT_ROOM, 'clear', { value: () => 1 }); },
						() => { env.CHAT_ROOM = { getHistory: () => ['forged'] }; },
						() => { Object.setPrototypeOf(env.CHAT_ROOM, { clear() {} }); },
					];
					for (const attempt of attempts) {
						try { attempt(); out.push('mutated'); } catch (e) { out.push(e.name); }
					}
					out.push(await env.CHAT_ROOM.getHistory(1));
					return out;""", "CHAT_ROOM");
			assertThat(result)
				.isEqualTo(List.of("TypeError", "TypeError", "TypeError", "TypeError", "TypeError", List.of("world")));
		});
	}

	@Test
	void argumentsAndResultsAreDeepCopies() {
		this.contextRunner.run((context) -> {
			Object result = Guest.run(context, "demo", """
					const history = env.CHAT_ROOM.getHistory(10);
					history.push('forged');
					history[0] = 'changed';
					return env.CHAT_ROOM.getHistory(10);""", "CHAT_ROOM");
			assertThat(result).isEqualTo(List.of("hello", "world"));
			assertThat(context.getBean(ChatRoomService.class).messages).containsExactly("hello", "world");
		});
	}

	@Test
	void asyncBeanMethodSettlesAPromiseWhenItCompletesOnAnotherThread() {
		this.contextRunner.run((context) -> {
			Object result = Guest.run(context, "demo", """
					const pending = env.CHAT_ROOM.post('hi');
					const isPromise = pending instanceof Promise;
					return [isPromise, await pending, env.CHAT_ROOM.getHistory(1)];""", "CHAT_ROOM");
			assertThat(result).isEqualTo(List.of(true, "posted hi", List.of("hi")));
			ChatRoomService chatRoom = context.getBean(ChatRoomService.class);
			assertThat(chatRoom.postedOn).isNotEmpty().doesNotContain("worker-loader-sandbox");
		});
	}

	@Test
	void beanExceptionReachesTheGuestAsAnErrorWithoutDetails() {
		this.contextRunner.run((context) -> {
			Object result = Guest.run(context, "demo", """
					try { env.CHAT_ROOM.fail('x'); return 'no error'; }
					catch (e) { return [e.name, e.message, String(e.stack)]; }""", "CHAT_ROOM");
			assertThat(result).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
				.element(0)
				.isEqualTo("Error");
			String text = String.valueOf(result);
			assertThat(text).contains("env.CHAT_ROOM.fail failed on the host")
				.doesNotContain("hunter2")
				.doesNotContain("com.acme")
				.doesNotContain("UnsupportedOperationException")
				.doesNotContain("ChatRoomService");
		});
	}

	@Test
	void uncaughtBeanExceptionFailsTheCallWithoutDetails() {
		this.contextRunner.run((context) -> assertThatExceptionOfType(WorkerException.class)
			.isThrownBy(() -> Guest.run(context, "demo", "return env.CHAT_ROOM.fail('x');", "CHAT_ROOM"))
			.satisfies((ex) -> assertThat(ex.getMessage() + ex.getGuestStack()).doesNotContain("hunter2")
				.doesNotContain("com.acme")
				.doesNotContain("at dev.workerloader")));
	}

	@Test
	void annotationOnTheImplementationOfABeanDeclaredByItsInterfaceIsFound() {
		this.contextRunner.withUserConfiguration(InterfaceTypedBeanConfiguration.class)
			.withPropertyValues("worker-loader.policies.demo.bindings=" + ALL + ",GREETER")
			.run((context) -> assertThat(Guest.run(context, "demo", "return env.GREETER.greet('bob');", "GREETER"))
				.isEqualTo("hello bob"));
	}

	@Test
	void bindingBeanMayDependOnTheLoader() {
		this.contextRunner.withUserConfiguration(LoaderDependentBindingConfiguration.class)
			.withPropertyValues("worker-loader.policies.demo.bindings=" + ALL + ",RUNNER")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(Guest.run(context, "demo", "return env.RUNNER.ready();", "RUNNER")).isEqualTo(true);
			});
	}

	@Test
	void annotatedBeanWithoutCallableMethodsFailsStartup() {
		this.contextRunner.withUserConfiguration(NothingExposedConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("Bean 'nothing' is annotated @WorkerBinding(\"NOTHING\") but cannot be a binding")
				.hasMessageContaining("@WorkerMethod");
		});
	}

	@Test
	void duplicateBindingNamesFailStartup() {
		this.contextRunner.withUserConfiguration(DuplicateBindingConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure())).hasMessageContaining(
					"Beans 'chatRoomService' and 'otherChatRoom' are both annotated @WorkerBinding(\"CHAT_ROOM\")");
		});
	}

	@Test
	void configuredBindingExposedAsAClassFailsStartup() {
		this.contextRunner
			.withPropertyValues("worker-loader.bindings.LEDGER.exposed-as=" + LedgerService.class.getName())
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class, (ex) -> {
						assertThat(ex.getName()).isEqualTo("worker-loader.bindings[LEDGER].exposed-as");
						assertThat(ex.getReason()).contains("must be exposed as an interface").endsWith(".");
					});
			});
	}

	@Test
	void configuredBindingExposedAsAnInterfaceTheBeanDoesNotImplementFailsStartup() {
		this.contextRunner.withPropertyValues("worker-loader.bindings.LEDGER.exposed-as=" + ChatRoom.class.getName())
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
					.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class, (ex) -> {
						assertThat(ex.getName()).isEqualTo("worker-loader.bindings[LEDGER].exposed-as");
						assertThat(ex.getReason()).contains("Bean 'ledger' cannot be binding 'LEDGER'")
							.contains("does not implement it");
					});
			});
	}

	public interface Ledger {

		int balance(String account);

	}

	public static class LedgerService implements Ledger {

		@Override
		public int balance(String account) {
			return "acme".equals(account) ? 42 : 0;
		}

		public void reset() {
		}

	}

	public static class Notes {

		private final List<String> notes = new ArrayList<>();

		final AtomicInteger wiped = new AtomicInteger();

		@WorkerMethod
		public synchronized void add(String note) {
			this.notes.add(note);
		}

		@WorkerMethod
		public synchronized List<String> list() {
			return new ArrayList<>(this.notes);
		}

		public synchronized void wipe() {
			this.wiped.incrementAndGet();
			this.notes.clear();
		}

	}

	public static class Counter {

		private int count;

		@WorkerMethod
		public synchronized int increment(int by) {
			this.count += by;
			return this.count;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BindingsConfiguration {

		final AtomicInteger advised = new AtomicInteger();

		@Bean
		ChatRoomService chatRoomService() {
			return new ChatRoomService();
		}

		@Bean
		@WorkerBinding("NOTES")
		Notes notes() {
			return new Notes();
		}

		@Bean
		LedgerService ledger() {
			return new LedgerService();
		}

		@Bean
		@WorkerBinding("COUNTER")
		Counter counter() {
			ProxyFactory factory = new ProxyFactory(new Counter());
			factory.setProxyTargetClass(true);
			factory.addAdvice((MethodInterceptor) (invocation) -> {
				this.advised.incrementAndGet();
				return invocation.proceed();
			});
			return (Counter) factory.getProxy();
		}

	}

	public interface Greeter {

		String greet(String name);

	}

	@WorkerBinding(value = "GREETER", exposedAs = Greeter.class)
	public static class AnnotatedGreeter implements Greeter {

		@Override
		public String greet(String name) {
			return "hello " + name;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class InterfaceTypedBeanConfiguration {

		@Bean
		Greeter greeter() {
			return new AnnotatedGreeter();
		}

	}

	public static class Runner {

		private final WorkerLoader loader;

		Runner(WorkerLoader loader) {
			this.loader = loader;
		}

		@WorkerMethod
		public boolean ready() {
			return this.loader != null;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class LoaderDependentBindingConfiguration {

		@Bean
		@WorkerBinding("RUNNER")
		Runner runner(WorkerLoader loader) {
			return new Runner(loader);
		}

	}

	public static class Nothing {

		public String secret() {
			return "secret";
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class NothingExposedConfiguration {

		@Bean
		@WorkerBinding("NOTHING")
		Nothing nothing() {
			return new Nothing();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class DuplicateBindingConfiguration {

		@Bean
		ChatRoomService otherChatRoom() {
			return new ChatRoomService();
		}

	}

}
