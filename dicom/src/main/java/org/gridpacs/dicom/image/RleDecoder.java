package org.gridpacs.dicom.image;

/**
 * RLE Lossless (PS3.5 Annex G) frame decoder. A frame is a 64-byte header (number of segments, then up to 15 segment
 * offsets, little endian) followed by the segments; each segment is one byte plane of one sample (most significant
 * byte first), PackBits-encoded row after row.
 */
final class RleDecoder {
    private RleDecoder() {
    }

    /** One compressed frame -> its native little-endian form, laid out as the data set's Planar Configuration says. */
    static byte[] decode(byte[] frame, ImagePixel p) throws PixelDataException {
        if (p.bitsAllocated() % 8 != 0) {
            throw new PixelDataException("RLE with Bits Allocated " + p.bitsAllocated() + " is not decoded");
        }
        int bytesPerSample = p.bitsAllocated() / 8;
        int expected = p.samplesPerPixel() * bytesPerSample;
        if (frame.length < 64) {
            throw new PixelDataException("RLE frame of " + frame.length + " bytes has no 64-byte header");
        }
        int segments = u32(frame, 0);
        if (segments != expected) {
            throw new PixelDataException("RLE header has " + segments + " segments, " + expected + " expected for "
                    + p.samplesPerPixel() + " samples of " + p.bitsAllocated() + " bits");
        }
        int pixels = p.pixelsPerFrame();
        byte[] out = new byte[p.frameLength()];
        byte[] plane = new byte[pixels];
        for (int seg = 0; seg < segments; seg++) {
            int start = u32(frame, 4 + 4 * seg);
            int end = seg + 1 < segments ? u32(frame, 8 + 4 * seg) : frame.length;
            if (start < 64 || end > frame.length || end < start) {
                throw new PixelDataException("RLE segment " + (seg + 1) + " offsets " + start + ".." + end
                        + " lie outside the frame of " + frame.length + " bytes");
            }
            unpack(frame, start, end, plane, seg + 1);
            int sample = seg / bytesPerSample;
            int byteInSample = bytesPerSample - 1 - seg % bytesPerSample; // segments go from the most significant byte
            if (p.planarConfiguration() == 1 && p.samplesPerPixel() > 1) {
                int base = sample * pixels * bytesPerSample + byteInSample;
                for (int i = 0; i < pixels; i++) {
                    out[base + i * bytesPerSample] = plane[i];
                }
            } else {
                int stride = p.samplesPerPixel() * bytesPerSample;
                int base = sample * bytesPerSample + byteInSample;
                for (int i = 0; i < pixels; i++) {
                    out[base + i * stride] = plane[i];
                }
            }
        }
        return out;
    }

    /** PackBits (G.3.1): n >= 0 copies n + 1 bytes, -127..-1 repeats the next byte 1 - n times, -128 is a no-op. */
    private static void unpack(byte[] in, int pos, int end, byte[] out, int segment) throws PixelDataException {
        int o = 0;
        while (o < out.length && pos < end) {
            int n = in[pos++];
            if (n >= 0) {
                int len = n + 1;
                if (pos + len > end || o + len > out.length) {
                    throw new PixelDataException("RLE segment " + segment + " overruns its frame");
                }
                System.arraycopy(in, pos, out, o, len);
                pos += len;
                o += len;
            } else if (n != -128) {
                int len = 1 - n;
                if (pos >= end || o + len > out.length) {
                    throw new PixelDataException("RLE segment " + segment + " overruns its frame");
                }
                java.util.Arrays.fill(out, o, o + len, in[pos++]);
                o += len;
            }
        }
        if (o < out.length) {
            throw new PixelDataException("RLE segment " + segment + " decodes to " + o + " bytes, " + out.length
                    + " expected");
        }
    }

    private static int u32(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16 | (b[off + 3] & 0xFF) << 24;
    }
}
