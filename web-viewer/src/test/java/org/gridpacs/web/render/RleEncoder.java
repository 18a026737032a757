package org.gridpacs.web.render;

import java.io.ByteArrayOutputStream;

import org.gridpacs.dicom.data.LittleEndian;

/** A minimal RLE Lossless encoder (PS3.5 G.3, literal runs only) for monochrome test frames. */
final class RleEncoder {
    private RleEncoder() {
    }

    /** One frame of {@code pixels} samples of {@code bytesPerSample} bytes (little endian) as an RLE fragment. */
    static byte[] encode(byte[] frame, int pixels, int bytesPerSample) {
        byte[][] segments = new byte[bytesPerSample][];
        for (int s = 0; s < bytesPerSample; s++) {
            int byteInSample = bytesPerSample - 1 - s; // the most significant byte first
            ByteArrayOutputStream seg = new ByteArrayOutputStream();
            for (int i = 0; i < pixels; i += 128) {
                int n = Math.min(128, pixels - i);
                seg.write(n - 1);
                for (int k = 0; k < n; k++) {
                    seg.write(frame[(i + k) * bytesPerSample + byteInSample]);
                }
            }
            if (seg.size() % 2 != 0) {
                seg.write(0);
            }
            segments[s] = seg.toByteArray();
        }
        byte[] header = new byte[64];
        LittleEndian.put32(header, 0, bytesPerSample);
        int offset = 64;
        for (int s = 0; s < bytesPerSample; s++) {
            LittleEndian.put32(header, 4 + 4 * s, offset);
            offset += segments[s].length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header);
        for (byte[] seg : segments) {
            out.writeBytes(seg);
        }
        return out.toByteArray();
    }
}
