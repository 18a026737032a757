package org.gridpacs.pki;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the JIT compile AES-GCM with the CPU's instructions (AES-NI, carry-less multiply) in the first seconds of
 * a node instead of after gigabytes. HotSpot only uses its AES-GCM intrinsics from C2-compiled callers, and C2
 * compiles a caller after some 10 000 calls: with TLS records of 16 KiB and grid segments of 64 KiB, that is
 * hundreds of megabytes to gigabytes encrypted at 10-20 MB/s (the interpreted GHASH) instead of 1 GB/s
 * (measured on this project's 2-core machine, docs/benchmarks.md). Many small messages get there in about a second,
 * through byte arrays (the grid's segments) and through heap and direct buffers (TLS records).
 */
public final class CryptoWarmUp {
    private static final Logger LOG = LoggerFactory.getLogger(CryptoWarmUp.class);
    private static final AtomicBoolean STARTED = new AtomicBoolean();
    /** Encryptions and decryptions of {@link #SIZE} bytes: past C2's thresholds for every method on the path. */
    private static final int ROUNDS = 30_000;
    private static final int SIZE = 256;

    private CryptoWarmUp() {
    }

    /** Starts the warm-up once per JVM, in a background thread of low priority; returns at once. */
    public static void start() {
        if (!STARTED.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(() -> {
            try {
                run();
            } catch (GeneralSecurityException | RuntimeException e) {
                // only slower first transfers follow; TLS and the grid report their own errors
                LOG.info("AES-GCM warm-up skipped: {}", e.toString());
            }
        }, "crypto-warm-up");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    /** The warm-up itself, on the caller's thread (tests); fails when AES-GCM cannot run here. */
    static void run() throws GeneralSecurityException {
        long t0 = System.nanoTime();
        SecretKeySpec key = new SecretKeySpec(new byte[32], "AES");
        Cipher encrypt = Cipher.getInstance("AES/GCM/NoPadding");
        Cipher decrypt = Cipher.getInstance("AES/GCM/NoPadding");
        byte[] plain = new byte[SIZE];
        byte[] sealed = new byte[SIZE + 16];
        byte[] opened = new byte[SIZE];
        byte[] aad = new byte[13];
        ByteBuffer heapIn = ByteBuffer.allocate(SIZE);
        ByteBuffer heapOut = ByteBuffer.allocate(SIZE + 16);
        ByteBuffer directIn = ByteBuffer.allocateDirect(SIZE);
        ByteBuffer directOut = ByteBuffer.allocateDirect(SIZE + 16);
        for (int i = 0; i < ROUNDS; i++) {
            byte[] iv = new byte[12];
            iv[0] = (byte) i;
            iv[1] = (byte) (i >>> 8);
            iv[2] = (byte) (i >>> 16);
            GCMParameterSpec spec = new GCMParameterSpec(128, iv);
            encrypt.init(Cipher.ENCRYPT_MODE, key, spec);
            encrypt.updateAAD(aad);
            int n = encrypt.doFinal(plain, 0, SIZE, sealed, 0);
            decrypt.init(Cipher.DECRYPT_MODE, key, spec);
            decrypt.updateAAD(aad);
            decrypt.doFinal(sealed, 0, n, opened, 0);
            // TLS (SSLEngine) seals and opens records through ByteBuffers, heap and direct: their own callers
            ByteBuffer in = (i & 1) == 0 ? heapIn : directIn;
            ByteBuffer out = (i & 1) == 0 ? heapOut : directOut;
            in.clear();
            out.clear();
            iv[3] = 1;
            encrypt.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
            encrypt.updateAAD(aad);
            encrypt.doFinal(in, out);
        }
        LOG.debug("AES-GCM warmed up in {} ms", (System.nanoTime() - t0) / 1_000_000);
    }
}
