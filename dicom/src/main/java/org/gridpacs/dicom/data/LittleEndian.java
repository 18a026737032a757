package org.gridpacs.dicom.data;

/** Little-endian reads and writes on byte arrays: the in-memory byte order of binary values. */
public final class LittleEndian {
    private LittleEndian() {
    }

    public static int u16(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8;
    }

    public static int i32(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16 | (b[off + 3] & 0xFF) << 24;
    }

    public static long i64(byte[] b, int off) {
        return (i32(b, off) & 0xFFFFFFFFL) | ((long) i32(b, off + 4)) << 32;
    }

    public static void put16(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >> 8);
    }

    public static void put32(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >> 8);
        b[off + 2] = (byte) (v >> 16);
        b[off + 3] = (byte) (v >> 24);
    }

    public static void put64(byte[] b, int off, long v) {
        put32(b, off, (int) v);
        put32(b, off + 4, (int) (v >> 32));
    }

    /** Reverses the byte order of each {@code width}-byte value in place (little to big endian or back). */
    public static void swap(byte[] b, int off, int len, int width) {
        if (width < 2) {
            return;
        }
        int end = off + len - len % width;
        for (int p = off; p < end; p += width) {
            for (int i = 0, j = width - 1; i < j; i++, j--) {
                byte t = b[p + i];
                b[p + i] = b[p + j];
                b[p + j] = t;
            }
        }
    }
}
