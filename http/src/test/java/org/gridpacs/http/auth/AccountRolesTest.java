package org.gridpacs.http.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Roles in the accounts file (a line without one stays admin) and the sessions' lifetime. */
class AccountRolesTest {
    private static final String PASSWORD = "correct horse battery";
    @TempDir
    Path dir;

    @Test
    void aLineWithoutARoleIsAdminAndRolesGrantTheirRights() throws IOException {
        Path file = dir.resolve("http-users.properties");
        UserAccounts.put(file, "old", PASSWORD.toCharArray(), AccountRole.READ);
        // an account written before roles existed: "NAME = HASH"
        String hash = Files.readString(file).lines().filter(l -> l.startsWith("old = ")).findFirst().orElseThrow()
                .substring(6).split(" ")[0];
        Files.writeString(file, "old = " + hash + "\n");
        UserAccounts.put(file, "viewer", PASSWORD.toCharArray(), AccountRole.READ);
        UserAccounts.put(file, "modality", PASSWORD.toCharArray(), AccountRole.UPLOAD);
        assertTrue(Files.readString(file).contains("viewer = pbkdf2-sha256:600000:"));
        assertTrue(Files.readString(file).lines().anyMatch(l -> l.startsWith("viewer = ") && l.endsWith(" read")));
        UserAccounts a = UserAccounts.load(file);
        assertEquals(Map.of("old", AccountRole.ADMIN, "viewer", AccountRole.READ, "modality", AccountRole.UPLOAD),
                a.roles());
        assertEquals(EnumSet.allOf(Caller.Role.class), a.login("old", PASSWORD.toCharArray()).roles());
        assertEquals(EnumSet.of(Caller.Role.READ), a.login("viewer", PASSWORD.toCharArray()).roles());
        assertEquals(EnumSet.of(Caller.Role.READ, Caller.Role.UPLOAD), a.login("modality", PASSWORD.toCharArray()).roles());
        assertNull(a.login("viewer", "wrong password".toCharArray()));

        // a new password keeps the role unless one is given; a new account without one is admin
        UserAccounts.put(file, "viewer", "a new password".toCharArray());
        UserAccounts.put(file, "newcomer", PASSWORD.toCharArray());
        assertEquals(AccountRole.READ, UserAccounts.load(file).roleOf("viewer"));
        assertEquals(AccountRole.ADMIN, UserAccounts.load(file).roleOf("newcomer"));

        Files.writeString(file, "bad = " + hash + " superuser\n");
        IOException e = assertThrows(IOException.class, () -> UserAccounts.load(file));
        assertTrue(e.getMessage().contains("'bad'") && e.getMessage().contains("read, upload or admin"), e.getMessage());
    }

    @Test
    void aSessionEndsAfterItsIdleTimeOrWithItsAccount() throws IOException {
        Path file = dir.resolve("http-users.properties");
        UserAccounts.put(file, "viewer", PASSWORD.toCharArray(), AccountRole.READ);
        AtomicLong now = new AtomicLong();
        Sessions sessions = new Sessions(UserAccounts.load(file), Duration.ofMinutes(30), now::get);
        String token = sessions.open("viewer");
        now.addAndGet(Duration.ofMinutes(29).toNanos());
        assertEquals("viewer", sessions.find(token).name(), "used within 30 min");
        now.addAndGet(Duration.ofMinutes(29).toNanos());
        assertEquals(EnumSet.of(Caller.Role.READ), sessions.find(token).roles(), "each use restarts the idle time");
        now.addAndGet(Duration.ofMinutes(30).toNanos());
        assertNull(sessions.find(token), "30 min idle");
        assertNull(sessions.find(token), "and gone for good");
        assertNull(sessions.find("forged"));
        assertNull(sessions.find(null));

        String other = sessions.open("viewer");
        sessions.close(other);
        assertNull(sessions.find(other), "logged out");
        assertNull(new Sessions(UserAccounts.none(), Duration.ofMinutes(1), now::get).find(
                new Sessions(UserAccounts.none(), Duration.ofMinutes(1), now::get).open("ghost")));
        Sessions forGhost = new Sessions(UserAccounts.none(), Duration.ofMinutes(1), now::get);
        assertNull(forGhost.find(forGhost.open("ghost")), "an account that is not (any more) in the file");
    }
}
