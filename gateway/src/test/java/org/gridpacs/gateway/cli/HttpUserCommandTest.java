package org.gridpacs.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.gridpacs.http.auth.UserAccounts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pacs http-user: accounts made, kept only as hashes, listed without secrets, removed; --if-none keeps the first. */
class HttpUserCommandTest {
    @TempDir
    Path dir;

    @Test
    void addListRemove() throws Exception {
        Path file = dir.resolve("http-users.properties");
        Path secret = dir.resolve("admin.password");
        Cli.Result r = Cli.pacs("http-user", "add", "admin", "--if-none", "--file", file.toString(), "--generate", secret.toString());
        assertEquals(0, r.exitCode(), r.toString());
        String password = Files.readString(secret).trim();
        assertTrue(password.length() >= 20, "a long random password");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)));
        assertFalse(Files.readString(file).contains(password));
        assertTrue(UserAccounts.load(file).authenticate("admin", password.toCharArray()));

        // a second start keeps the first account and its password
        assertEquals(0, Cli.pacs("http-user", "add", "admin", "--if-none", "--file", file.toString(), "--generate", secret.toString()).exitCode());
        assertEquals(password, Files.readString(secret).trim());

        Path pw = dir.resolve("pw");
        Files.writeString(pw, "physics-is-fun\n");
        assertEquals(0, Cli.pacs("http-user", "add", "physicist", "--file", file.toString(), "--password-file", pw.toString()).exitCode());
        Cli.Result list = Cli.pacs("http-user", "list", "--file", file.toString());
        assertEquals("admin\nphysicist\n", list.out());
        assertEquals(0, Cli.pacs("http-user", "remove", "physicist", "--file", file.toString()).exitCode());
        Cli.Result again = Cli.pacs("http-user", "remove", "physicist", "--file", file.toString());
        assertEquals(1, again.exitCode());
        assertTrue(again.err().contains("no account 'physicist'"), again.toString());
        Cli.Result bad = Cli.pacs("http-user", "add", "bad name", "--file", file.toString(), "--password-file", pw.toString());
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("account name"), bad.toString());
    }
}
