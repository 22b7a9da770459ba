package dev.workerloader.autoconfigure;

import dev.workerloader.ratelimit.ClientIdResolver;
import org.jspecify.annotations.Nullable;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The client is the name of the authenticated principal in Spring Security's context of
 * the calling thread; anonymous and unauthenticated callers have none.
 *
 * @author Worker Loader team
 */
final class SecurityContextClientIdResolver implements ClientIdResolver {

	@Override
	public @Nullable String currentClientId() {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		if (authentication == null || !authentication.isAuthenticated()
				|| authentication instanceof AnonymousAuthenticationToken) {
			return null;
		}
		String name = authentication.getName();
		return (name != null && !name.isBlank()) ? "principal:" + name : null;
	}

}
