package org.gridpacs.archive.storage;

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
}
