package com.acme.accounts;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps user accounts in memory. Thread-safe.
 *
 * @since 2.4.0
 */
public final class UserService {
    private static final Logger LOG = LoggerFactory.getLogger(UserService.class);
    private static final int MAX_NAME_LENGTH = 120;
    private static final long SESSION_TTL_SECONDS = 3600L;

    private final ConcurrentHashMap<UUID, User> users = new ConcurrentHashMap<>();
    private final PasswordHasher hasher;
    private final Clock clock;

    public UserService(PasswordHasher hasher, Clock clock) {
        this.hasher = hasher;
        this.clock = clock;
    }

    public User register(String displayName, char[] password) {
        if (displayName == null || displayName.isBlank() || displayName.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("display name must be 1.." + MAX_NAME_LENGTH + " characters");
        }
        String passwordHash = hasher.hash(password);
        User user = new User(UUID.randomUUID(), displayName.strip(), passwordHash, Instant.now(clock));
        users.put(user.id(), user);
        LOG.info("registered user {}", user.id());
        return user;
    }

    public Optional<User> find(UUID id) {
        return Optional.ofNullable(users.get(id));
    }

    public boolean checkPassword(UUID id, char[] password) {
        return find(id).map(u -> hasher.verify(u.passwordHash(), password)).orElse(false);
    }

    public List<User> recent(int limit) {
        return users.values().stream()
                .sorted((a, b) -> b.createdAt().compareTo(a.createdAt()))
                .limit(limit)
                .toList();
    }

    public long sessionTtlSeconds() {
        return SESSION_TTL_SECONDS;
    }

    public record User(UUID id, String displayName, String passwordHash, Instant createdAt) {}

    public interface PasswordHasher {
        String hash(char[] password);

        boolean verify(String hash, char[] password);
    }
}
