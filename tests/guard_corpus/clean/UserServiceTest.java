package com.acme.accounts;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UserServiceTest {
    private static final Instant NOW = Instant.parse("2024-06-30T23:59:59Z");
    private UserService service;

    @BeforeEach
    void setUp() {
        UserService.PasswordHasher plain = new UserService.PasswordHasher() {
            @Override
            public String hash(char[] password) {
                return "plain:" + new String(password);
            }

            @Override
            public boolean verify(String hash, char[] password) {
                return hash.equals(hash(password));
            }
        };
        service = new UserService(plain, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void registersAndFindsAUser() {
        var user = service.register("  Ada  ", "hunter2".toCharArray());
        assertEquals("Ada", user.displayName());
        assertEquals(NOW, user.createdAt());
        assertTrue(service.find(user.id()).isPresent());
    }

    @Test
    void checksPasswords() {
        var user = service.register("Grace", "correct".toCharArray());
        assertTrue(service.checkPassword(user.id(), "correct".toCharArray()));
        assertFalse(service.checkPassword(user.id(), "wrong".toCharArray()));
        assertFalse(service.checkPassword(UUID.fromString("00000000-0000-0000-0000-000000000001"), "x".toCharArray()));
    }

    @Test
    void rejectsLongNames() {
        assertThrows(IllegalArgumentException.class, () -> service.register("x".repeat(121), new char[0]));
    }

    @Test
    void sessionTtlIsAnHour() {
        assertEquals(3600L, service.sessionTtlSeconds());
    }
}
