package org.gridpacs.pki;

import static org.junit.jupiter.api.Assertions.assertTrue;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

/**
 * After the warm-up, AES-GCM on 64 KiB segments (the grid's) runs at the speed of the CPU's instructions, not of
 * the interpreted GHASH (10-20 MB/s on this project's machine); without it, the first
 * hundreds of megabytes would. The bar is far below what the intrinsics give (about 1 GB/s) so that a loaded
 * machine passes.
 */
class CryptoWarmUpTest {
    @Test
    void largeSegmentsAreFastRightAfterTheWarmUp() throws Exception {
        CryptoWarmUp.run();
        SecretKeySpec key = new SecretKeySpec(new byte[32], "AES");
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        byte[] in = new byte[65536];
        byte[] out = new byte[65536 + 16];
        double best = 0;
        for (int round = 0; round < 10; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 50; i++) {
                byte[] iv = new byte[12];
                iv[0] = (byte) i;
                iv[1] = (byte) round;
                c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
                c.doFinal(in, 0, in.length, out, 0);
            }
            best = Math.max(best, 50 * 65536 / 1e6 / ((System.nanoTime() - t0) / 1e9));
        }
        assertTrue(best > 60, "AES-GCM on 64 KiB after the warm-up: " + Math.round(best) + " MB/s");
    }
}
