package org.gridpacs.replication.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.zip.CRC32C;

import org.gridpacs.archive.storage.Checksums;
import org.junit.jupiter.api.Test;

class VerifyingInputStreamTest {
    private static final byte[] DATA = "a copy of an instance, byte for byte".getBytes();

    private static String crc(byte[] b) {
        CRC32C c = new CRC32C();
        c.update(b);
        return Checksums.format(c);
    }

    @Test
    void aWholeRightCopyPasses() throws IOException {
        var in = new VerifyingInputStream(new ByteArrayInputStream(DATA), crc(DATA), DATA.length, "test");
        assertArrayEquals(DATA, in.readAllBytes());
    }

    @Test
    void aDamagedCopyFailsAtItsEnd() {
        byte[] damaged = DATA.clone();
        damaged[5] ^= 1;
        var in = new VerifyingInputStream(new ByteArrayInputStream(damaged), crc(DATA), DATA.length, "test");
        IOException e = assertThrows(IOException.class, in::readAllBytes);
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void aShortCopyFailsAtItsEnd() {
        byte[] cut = java.util.Arrays.copyOf(DATA, DATA.length - 3);
        var in = new VerifyingInputStream(new ByteArrayInputStream(cut), crc(DATA), DATA.length, "test");
        IOException e = assertThrows(IOException.class, in::readAllBytes);
        assertTrue(e.getMessage().contains("bytes"), e.getMessage());
    }
}
