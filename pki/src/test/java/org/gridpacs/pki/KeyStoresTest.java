package org.gridpacs.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyStoresTest {
    private static final char[] PW = TestPki.PASSWORD;
    @TempDir
    Path dir;

    @Test
    void writesKeysForTheOwnerOnlyAndCertificatesForAllThenReadsThemBack() throws Exception {
        TestPki pki = TestPki.create("CA");
        IssuedCertificate node = pki.peer("node1");
        Path keys = dir.resolve("node1.p12");
        Path trust = dir.resolve("ca.p12");
        KeyStores.store(node.keyStore("node1", PW), keys, PW, KeyStores.Readers.OWNER);
        KeyStores.store(pki.trust(), trust, PW, KeyStores.Readers.ALL);
        assertEquals("rw-------", perms(keys));
        assertEquals("rw-r--r--", perms(trust));
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "no temporary file left");
        }

        KeyStore.PrivateKeyEntry entry = KeyStores.privateKey(KeyStores.load(keys, PW), PW, keys);
        assertEquals(List.of(node.chain()), List.of(entry.getCertificateChain()));
        assertEquals(List.of(pki.ca().certificate()), KeyStores.trusted(KeyStores.load(trust, PW)));
        // a trust store holds no private key
        IOException e = assertThrows(IOException.class, () -> KeyStores.privateKey(KeyStores.load(trust, PW), PW, trust));
        assertEquals(trust + " must hold one private key, not 0", e.getMessage());
    }

    @Test
    void errorsNameTheFile() throws Exception {
        Path keys = dir.resolve("node1.p12");
        KeyStores.store(TestPki.create("CA").peer("node1").keyStore("node1", PW), keys, PW, KeyStores.Readers.OWNER);

        IOException e = assertThrows(IOException.class, () -> KeyStores.load(keys, "nope".toCharArray()));
        assertEquals(keys + ": wrong password", e.getMessage());

        Path missing = dir.resolve("node9.p12");
        e = assertThrows(IOException.class, () -> KeyStores.load(missing, PW));
        assertEquals(missing + " does not exist", e.getMessage());
        assertInstanceOf(NoSuchFileException.class, e.getCause());

        Path garbage = Files.writeString(dir.resolve("garbage.p12"), "not a key store");
        e = assertThrows(IOException.class, () -> KeyStores.load(garbage, PW));
        assertTrue(e.getMessage().startsWith(garbage + ": not a key store"), e.getMessage());
    }

    @Test
    void replacesAnExistingFileWhole() throws Exception {
        Path trust = dir.resolve("ca.p12");
        TestPki first = TestPki.create("first");
        TestPki second = TestPki.create("second");
        KeyStores.store(first.trust(), trust, PW, KeyStores.Readers.ALL);
        KeyStores.store(second.trust(), trust, PW, KeyStores.Readers.ALL);
        assertEquals(List.of(second.ca().certificate()), KeyStores.trusted(KeyStores.load(trust, PW)));
    }

    private static String perms(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
