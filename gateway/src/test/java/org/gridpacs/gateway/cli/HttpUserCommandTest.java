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
        assertTrue(r.out().contains("(read)"), r.toString());
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
        assertEquals("admin read\nphysicist read\n", list.out(), "a new account without --role reads only");
        assertEquals(0, Cli.pacs("http-user", "add", "physicist", "--role", "UPLOAD", "--file", file.toString(),
                "--password-file", pw.toString()).exitCode());
        // a new password keeps the role
        assertEquals(0, Cli.pacs("http-user", "add", "physicist", "--file", file.toString(), "--password-file", pw.toString()).exitCode());
        assertEquals("admin read\nphysicist upload\n", Cli.pacs("http-user", "list", "--file", file.toString()).out());
        Cli.Result badRole = Cli.pacs("http-user", "add", "x", "--role", "root", "--file", file.toString(),
                "--password-file", pw.toString());
        assertEquals(2, badRole.exitCode());
        assertTrue(badRole.err().contains("read, upload or admin"), badRole.toString());
        assertEquals(0, Cli.pacs("http-user", "remove", "physicist", "--file", file.toString()).exitCode());
        Cli.Result again = Cli.pacs("http-user", "remove", "physicist", "--file", file.toString());
        assertEquals(1, again.exitCode());
        assertTrue(again.err().contains("no account 'physicist'"), again.toString());
        Cli.Result bad = Cli.pacs("http-user", "add", "bad name", "--file", file.toString(), "--password-file", pw.toString());
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("account name"), bad.toString());
    }

    @Test
    void anAccountFileWithoutRolesStillWorksAsAdmin() throws Exception {
        Path file = dir.resolve("http-users.properties");
        UserAccounts.put(file, "legacy", "old-password".toCharArray());
        Files.writeString(file, Files.readString(file).replace(" admin\n", "\n"));
        assertTrue(Files.readString(file).lines().anyMatch(l -> l.startsWith("legacy = pbkdf2-sha256:") && !l.contains(" ")
                || l.startsWith("legacy = ") && l.split(" ").length == 3), "NAME = HASH, no role");
        assertEquals("legacy admin\n", Cli.pacs("http-user", "list", "--file", file.toString()).out());
    }

    @Test
    void httpCertMakesTheSiteCertificateOnceWithoutPrintingItsPassword() throws Exception {
        Path out = dir.resolve("http-tls");
        Cli.Result r = Cli.pacs("http-cert", "--out", out.toString(), "--host", "pacs.example.org,10.0.0.10");
        assertEquals(0, r.exitCode(), r.toString());
        String password = Files.readString(out.resolve("site.password")).trim();
        assertFalse(r.out().contains(password) || r.err().contains(password), "the password is never printed");
        assertTrue(r.out().startsWith("Wrote ") && r.out().contains("pacs.example.org") && r.out().contains("10.0.0.10")
                && r.out().contains("127.0.0.1"), r.out());
        for (String f : new String[] {"site.p12", "site.pem", "site-ca.pem", "site-ca-key.p12"}) {
            assertTrue(Files.exists(out.resolve(f)), f);
        }
        Cli.Result again = Cli.pacs("http-cert", "--out", out.toString(), "--host", "other");
        assertTrue(again.out().startsWith("Kept "), again.toString());
    }
}
