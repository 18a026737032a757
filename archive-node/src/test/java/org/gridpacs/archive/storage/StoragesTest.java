package org.gridpacs.archive.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class StoragesTest {

    private static Path rootOf(String uri) {
        Storage s = Storages.fromUri("fs1", uri);
        assertEquals("fs1", s.id());
        return assertInstanceOf(FileSystemStorage.class, assertInstanceOf(ChecksummingStorage.class, s).unwrap()).root();
    }

    @Test
    void fileLocations() {
        assertEquals(Path.of("/data/archive"), rootOf("file:/data/archive"));
        assertEquals(Path.of("/data/archive"), rootOf("file:///data/archive"));
        assertEquals(Path.of("/data/my archive"), rootOf("file:/data/my%20archive"));
        assertEquals(Path.of("/data/my archive"), rootOf("file:/data/my archive"));
        assertEquals(Path.of("archive/fs1").toAbsolutePath(), rootOf("file:archive/fs1"));
        assertEquals(Path.of("/data/archive"), rootOf("/data/archive"));
        assertEquals(Path.of("archive").toAbsolutePath(), rootOf("archive"));
    }

    @Test
    void otherSchemesAreRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Storages.fromUri("grid", "s3://bucket/prefix"));
        assertTrue(e.getMessage().contains("\"s3:\""), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Storages.fromUri("x", "http://example.org/a"));
        assertThrows(IllegalArgumentException.class, () -> Storages.fromUri("x", "file://otherhost/data"));
        assertThrows(IllegalArgumentException.class, () -> Storages.fromUri("x", ""));
        assertThrows(IllegalArgumentException.class, () -> Storages.fromUri("x", "file:"));
    }
}
