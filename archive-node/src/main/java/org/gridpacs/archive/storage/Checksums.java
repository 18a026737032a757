package org.gridpacs.archive.storage;

import java.io.IOException;
import java.io.InputStream;
import java.util.HexFormat;
import java.util.zip.CRC32C;

/** The one spelling of a checksum in location rows, so that any two computations of it compare equal as strings. */
public final class Checksums {
    private Checksums() {
    }

    /** "crc32c:" and 8 lowercase hex digits. */
    public static String format(CRC32C crc) {
        return "crc32c:" + HexFormat.of().toHexDigits((int) crc.getValue());
    }

    /** What reading an object back gives: its size and checksum. */
    public record Measured(long size, String checksum) {
    }

    /** Reads {@code in} to its end (the caller closes it) and returns its size and checksum. */
    public static Measured measure(InputStream in) throws IOException {
        CRC32C crc = new CRC32C();
        long size = 0;
        byte[] buf = new byte[64 * 1024];
        for (int n; (n = in.read(buf)) >= 0; ) {
            crc.update(buf, 0, n);
            size += n;
        }
        return new Measured(size, format(crc));
    }

    /**
     * Reads {@code key} back from {@code storage} and compares it with what the index recorded: null when its size
     * is {@code size} and its checksum {@code checksum} (null: not recorded, size only), else what it reads as.
     */
    public static String readBackMismatch(Storage storage, String key, long size, String checksum) throws IOException {
        Measured m;
        try (InputStream in = storage.open(key)) {
            m = measure(in);
        }
        if (m.size() == size && (checksum == null || checksum.equals(m.checksum()))) {
            return null;
        }
        return "the copy " + key + " on " + storage.id() + " reads back as " + m.size() + " bytes, " + m.checksum()
                + ", not " + size + " bytes, " + checksum;
    }
}
