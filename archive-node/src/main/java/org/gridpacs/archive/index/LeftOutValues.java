package org.gridpacs.archive.index;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.VR;

/**
 * The record, kept in an encoded header itself, of the values {@link HeaderEncoder} left out of it (bulk values
 * longer than the threshold, encapsulated pixel data in items, at any depth): so that WADO-RS metadata can announce
 * each of them with a BulkDataURI from the index alone. The top-level Pixel Data (and Float / Double Float Pixel
 * Data) is not in it: headers are read only up to it, so the header does not know it; Rows and Columns tell. Kept in the header rather than in a column so that it travels wherever the header goes
 * (a replica indexes the header another node sends) and is made by the one encoder every indexing path uses.
 *
 * <p>It is a private element of a block reserved by the private creator {@value #CREATOR} in group
 * {@code 0009} (PS3.5 7.8.1: the first free block, so it cannot clash with the instance's own private data): a UC
 * value of one entry per left-out value, "{path} {VR}", where the path names the attribute by its tags and item
 * indexes from the top, 8 upper-case hex digits per tag, "/" between steps ("7FE00010", "00540016/0/00181072").
 * Every header encoded since carries it, empty when nothing was left out; headers encoded before do not
 * ({@link #of} returns null for them).
 */
public final class LeftOutValues {
    /** The private creator of the block holding the record. */
    public static final String CREATOR = "GRIDPACS LEFT OUT VALUES";
    private static final int GROUP = 0x0009;

    /** One value left out: where it is and its VR. */
    public record Entry(String path, VR vr) {
        @Override
        public String toString() {
            return path + " " + vr;
        }
    }

    private LeftOutValues() {
    }

    /** "00540016": the path step of a tag. */
    static String hex(int tag) {
        return org.gridpacs.dicom.data.ElementDictionary.hex(tag);
    }

    /** Puts the record of {@code entries} into {@code header} (replacing any record of this creator it had). */
    static void record(DataSet header, List<Entry> entries) {
        remove(header);
        int block = freeBlock(header);
        header.setValue(GROUP << 16 | block, VR.LO, ascii(CREATOR));
        header.setValue(GROUP << 16 | block << 8 | 0x10, VR.UC,
                entries.isEmpty() ? null : ascii(String.join("\\", entries.stream().map(Entry::toString).toList())));
    }

    /**
     * The values left out of the header this data set was decoded from, in the order of their paths; null when
     * the header was encoded before such records were kept (then it is not known what was left out).
     */
    public static List<Entry> of(DataSet header) {
        int block = block(header);
        if (block < 0) {
            return null;
        }
        List<Entry> entries = new ArrayList<>();
        if (header.getValue(GROUP << 16 | block << 8 | 0x10) instanceof byte[] b && b.length > 0) {
            for (String e : new String(b, StandardCharsets.ISO_8859_1).trim().split("\\\\")) {
                int space = e.indexOf(' ');
                entries.add(new Entry(e.substring(0, space), VR.valueOf(e.substring(space + 1).trim())));
            }
        }
        return entries;
    }

    /** Removes the record from a decoded header, leaving the instance's own attributes only. */
    public static void remove(DataSet header) {
        int block = block(header);
        if (block < 0) {
            return;
        }
        header.remove(GROUP << 16 | block);
        int first = GROUP << 16 | block << 8;
        for (int k = header.size() - 1; k >= 0; k--) {
            int tag = header.tagAt(k);
            if (tag >= first && tag <= (first | 0xFF)) {
                header.remove(tag);
            }
        }
    }

    /** The block (0x10-0xFF) our creator reserved in the header, or -1. */
    private static int block(DataSet header) {
        for (int b = 0x10; b <= 0xFF; b++) {
            if (header.getValue(GROUP << 16 | b) instanceof byte[] v
                    && new String(v, StandardCharsets.ISO_8859_1).trim().equals(CREATOR)) {
                return b;
            }
        }
        return -1;
    }

    /** The first block with neither a creator nor elements (a malformed file may have elements without one). */
    private static int freeBlock(DataSet header) {
        for (int b = 0x10; b <= 0xFF; b++) {
            int first = GROUP << 16 | b << 8;
            int at = header.indexOf(first);
            int next = at >= 0 ? at : -at - 1;
            boolean used = next < header.size() && header.tagAt(next) <= (first | 0xFF);
            if (!header.contains(GROUP << 16 | b) && !used) {
                return b;
            }
        }
        throw new IllegalStateException("all 240 private blocks of group 0009 are taken");
    }

    private static byte[] ascii(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        if (b.length % 2 == 0) {
            return b;
        }
        byte[] padded = java.util.Arrays.copyOf(b, b.length + 1);
        padded[b.length] = ' ';
        return padded;
    }
}
