package org.gridpacs.grid.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The object layout in memory: sizes from lengths, round trips, ranges, the trailer's CRC, tampering. */
class SegmentCipherTest {
    private static final int SEG = 1024;

    @Test
    void theCiphertextLengthTellsThePlaintextSizeAndEveryRangeDecrypts(@TempDir Path dir) throws IOException {
        KeyRing.addNewKey(dir.resolve("k.p12"), dir.resolve("k.pw"), "k1");
        KeyRing ring = KeyRing.load(dir.resolve("k.p12"), dir.resolve("k.pw"), null);
        assertEquals("k1", ring.currentKeyId());
        for (int size : new int[] {0, 1, SEG - 1, SEG, SEG + 1, 3 * SEG, 3 * SEG + 17}) {
            byte[] plain = new byte[size];
            new Random(size).nextBytes(plain);
            Envelope.Sealed sealed = Envelope.create(ring, SEG);
            ByteArrayOutputStream sink = new ByteArrayOutputStream();
            EncryptingOutputStream enc = new EncryptingOutputStream(sink, new SegmentCipher(sealed.dataKey(),
                    sealed.envelope(), "o"));
            enc.write(plain);
            enc.finish();
            byte[] ct = sink.toByteArray();
            assertEquals(size, SegmentCipher.plaintextSize(ct.length, SEG, "o"), "size " + size);
            Envelope env = Envelope.fromMetadata(sealed.envelope().toMetadata(), "o");
            SegmentCipher cipher = new SegmentCipher(env.dataKey(ring, "o"), env, "o");
            try (InputStream in = new DecryptingInputStream(new ByteArrayInputStream(ct), cipher, size, 0, 0, size,
                    true, "o")) {
                assertArrayEquals(plain, in.readAllBytes());
            }
            for (int off = 0; off < size; off += 333) {
                int len = Math.min(700, size - off);
                long first = off / SEG;
                InputStream at = new ByteArrayInputStream(ct, (int) (first * (SEG + 16)), ct.length);
                try (InputStream in = new DecryptingInputStream(at, cipher, size, first, off - first * SEG, len,
                        false, "o")) {
                    assertArrayEquals(Arrays.copyOfRange(plain, off, off + len), in.readAllBytes());
                }
            }
            if (size > 0) {
                byte[] bad = ct.clone();
                bad[bad.length - 1] ^= 1; // the trailer
                IOException e = assertThrows(IOException.class, () -> new DecryptingInputStream(
                        new ByteArrayInputStream(bad), cipher, size, 0, 0, size, true, "o").readAllBytes());
                assertTrue(e.getMessage().contains("trailer"), e.getMessage());
            }
        }
        assertThrows(IOException.class, () -> SegmentCipher.plaintextSize(SegmentCipher.TRAILER + 5, SEG, "o"));
    }
}
