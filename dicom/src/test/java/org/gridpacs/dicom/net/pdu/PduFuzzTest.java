package org.gridpacs.dicom.net.pdu;

import static org.gridpacs.dicom.net.pdu.PduTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutation fuzzing of {@link PduReader}: whatever the bytes, reading must end in a decoded PDU
 * or an {@link IOException}, quickly, and anything decoded must survive re-encoding unchanged.
 */
class PduFuzzTest {
    private static final int ITERATIONS = 20_000;
    private static final long SEED = 0x5EED_D1C0L;
    private static final long MAX_NANOS_PER_INPUT = Duration.ofMillis(500).toNanos();

    private static List<byte[]> seeds() throws IOException {
        return List.of(
                PduWriter.encode(fullRQ()),
                PduWriter.encode(fullAC()),
                AAssociateRQLayoutTest.RQ,
                PduWriter.encode(new AAssociateRJ(1, 3, 2)),
                PduWriter.encode(new AAbort(2, 6)),
                PduWriter.encode(AReleaseRQ.INSTANCE),
                PduWriter.encode(AReleaseRP.INSTANCE),
                hex("04 00 00000011 00000005 01 03 AABBCC 00000004 03 02 DDEE"),
                hex("04 00 00000000"));
    }

    @Test
    void mutatedPdusOnlyEverFailWithIOException() throws IOException {
        List<byte[]> seeds = seeds();
        Random random = new Random(SEED);
        int decoded = 0;
        long worst = 0;
        long start = System.nanoTime();
        for (int i = 0; i < ITERATIONS; i++) {
            byte[] input = mutate(seeds.get(random.nextInt(seeds.size())), random);
            long t0 = System.nanoTime();
            try {
                decoded += readAll(input);
            } catch (Throwable t) {
                fail("iteration " + i + " threw " + t + " for " + HexFormat.of().formatHex(input), t);
            }
            worst = Math.max(worst, System.nanoTime() - t0);
        }
        assertTrue(worst < MAX_NANOS_PER_INPUT, "slowest input took " + worst / 1_000_000 + " ms");
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(60).toNanos());
        // sanity check on the mutator: some inputs must still decode, most must not
        assertTrue(decoded > ITERATIONS / 50, "decoded " + decoded);
        assertTrue(decoded < ITERATIONS, "decoded " + decoded);
    }

    /** Reads PDUs until the input is exhausted or rejected; returns how many decoded. */
    private static int readAll(byte[] input) throws Exception {
        PduReader reader = new PduReader(new ByteArrayInputStream(input));
        reader.setMaxPDataLength(1 << 16);
        int n = 0;
        try {
            while (true) {
                Pdu pdu = reader.read();
                checkReencodes(pdu);
                n++;
            }
        } catch (IOException expected) {
            return n;
        }
    }

    private static void checkReencodes(Pdu pdu) {
        byte[] again = PduWriter.encode(pdu);
        Pdu back;
        try {
            back = decode(again);
        } catch (IOException e) {
            throw new AssertionError("re-encoded " + pdu + " does not decode", e); // not swallowed by readAll
        }
        if (pdu instanceof PDataTF p) {
            PDataTF q = (PDataTF) back;
            assertArrayEquals(Arrays.copyOfRange(p.buffer(), p.offset(), p.offset() + p.length()),
                    Arrays.copyOfRange(q.buffer(), q.offset(), q.offset() + q.length()));
        } else {
            assertEquals(pdu, back);
            assertNotNull(pdu.toString());
        }
    }

    private static byte[] mutate(byte[] seed, Random r) {
        byte[] b = seed.clone();
        int edits = 1 + r.nextInt(4);
        for (int e = 0; e < edits; e++) {
            if (b.length == 0) {
                b = new byte[] {(byte) r.nextInt(256)};
                continue;
            }
            int pos = r.nextInt(b.length);
            switch (r.nextInt(8)) {
                case 0, 1 -> b[pos] ^= (byte) (1 << r.nextInt(8));                        // bit flip
                case 2 -> b[pos] = (byte) r.nextInt(256);                                  // byte overwrite
                case 3 -> b = insert(b, pos, (byte) r.nextInt(256));                       // byte insert
                case 4 -> b = delete(b, pos);                                              // byte delete
                case 5 -> setPduLength(b, r);                                              // PDU length field
                case 6 -> {                                                                // 16-bit item length
                    if (pos + 1 < b.length) {
                        int v = switch (r.nextInt(4)) {
                            case 0 -> 0;
                            case 1 -> 0xFFFF;
                            default -> (((b[pos] & 0xFF) << 8) | (b[pos + 1] & 0xFF)) + r.nextInt(9) - 4;
                        };
                        b[pos] = (byte) (v >>> 8);
                        b[pos + 1] = (byte) v;
                    }
                }
                default -> b = Arrays.copyOf(b, r.nextInt(b.length + 1));                 // truncate
            }
        }
        return b;
    }

    private static void setPduLength(byte[] b, Random r) {
        if (b.length < 6) {
            return;
        }
        long actual = b.length - 6;
        long[] choices = {0, 4, actual - 1, actual + 1, 0xFFFF_FFFFL, 0x8000_0000L, r.nextInt(1 << 20)};
        PDataTFWriter.putU32(b, 2, choices[r.nextInt(choices.length)] & 0xFFFF_FFFFL);
    }

    private static byte[] insert(byte[] b, int pos, byte v) {
        byte[] c = new byte[b.length + 1];
        System.arraycopy(b, 0, c, 0, pos);
        c[pos] = v;
        System.arraycopy(b, pos, c, pos + 1, b.length - pos);
        return c;
    }

    private static byte[] delete(byte[] b, int pos) {
        byte[] c = new byte[b.length - 1];
        System.arraycopy(b, 0, c, 0, pos);
        System.arraycopy(b, pos + 1, c, pos, b.length - pos - 1);
        return c;
    }
}
