package org.gridpacs.dicom.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The DICOM data dictionary (PS3.6 with the PS3.7 command elements) and GDCM's private dictionary, as generated
 * into {@code dictionary.tsv} and {@code private-dictionary.tsv} by {@code dicom/src/dictgen/gen_dictionary.py}.
 *
 * <p>Each file is loaded once, on first use, by the class loader's initialization of a holder class, so lookups
 * are thread-safe without locking. Exact tags are found in a hash map; repeating-group patterns such as
 * {@code (60xx,3000)} are only tried for even groups that miss it.
 *
 * <p>Where the dictionary allows more than one VR, {@link #vrOf(int)} gives the one to decode an implicit VR value
 * with: OW when OW is one of them ("OB or OW", "US or OW", "US or SS or OW"), otherwise the first ("US or SS" gives
 * US). Item, Item Delimitation and Sequence Delimitation (FFFE,E000/E00D/E0DD) are no data elements and have no VR:
 * {@code vrOf} gives null for them, so a reader must handle them before it asks for a VR.
 */
public final class ElementDictionary {

    private ElementDictionary() {
    }

    /** A row of dictionary.tsv; {@code tag} has 0 for the wildcard digits that {@code mask} has 0 for. */
    private record Entry(int tag, int mask, VR vr, String vm, String keyword, String name, boolean retired) {
    }

    /** dictionary.tsv, loaded when first needed. */
    private static final class Public {
        static final Map<Integer, Entry> BY_TAG = new HashMap<>(8192);
        static final Map<String, Entry> BY_KEYWORD = new HashMap<>(8192);
        static final List<Entry> PATTERNS = new ArrayList<>();
        /** Tags whose VR is "US or SS" (resolved by Pixel Representation when read implicit). */
        static final java.util.Set<Integer> US_OR_SS = new java.util.HashSet<>();

        static {
            for (String[] row : Tsv.read("dictionary.tsv", 6)) {
                int[] pattern = Tsv.pattern(row[0]);
                Entry entry = new Entry(pattern[0], pattern[1], Tsv.implicitVR(row[1]), row[2], row[3], row[4],
                        !row[5].isEmpty());
                if (row[1].equals("US|SS")) {
                    US_OR_SS.add(entry.tag);
                }
                if (entry.mask == -1) {
                    BY_TAG.put(entry.tag, entry);
                } else {
                    PATTERNS.add(entry);
                }
                if (!entry.keyword.isEmpty()) {
                    BY_KEYWORD.put(entry.keyword, entry);
                }
            }
        }
    }

    /** The masks private-dictionary.tsv uses, in the order pydicom tries them: ggggeeee, ggggxxee, ggxxxxee. */
    private static final int[] PRIVATE_MASKS = {0xFFFFFFFF, 0xFFFF00FF, 0xFF0000FF};

    /** private-dictionary.tsv by private creator, then by {@link #privateKey}; loaded when first needed. */
    private static final class Private {
        static final Map<String, Map<Long, VR>> BY_CREATOR = new HashMap<>(1024);

        static {
            for (String[] row : Tsv.read("private-dictionary.tsv", 5)) {
                int[] pattern = Tsv.pattern(row[1]);
                BY_CREATOR.computeIfAbsent(row[0], creator -> new HashMap<>())
                        .put(privateKey(pattern[1], pattern[0]), Tsv.implicitVR(row[2]));
            }
        }
    }

    private static long privateKey(int mask, int tag) {
        return (long) mask << 32 | Integer.toUnsignedLong(tag & mask);
    }

    private static Entry entry(int tag) {
        Entry entry = Public.BY_TAG.get(tag);
        if (entry != null || (tag & 0x10000) != 0 || (tag & 0xFFFF) == 0) {
            return entry; // odd groups are private and group lengths are not in the repeating groups
        }
        for (Entry pattern : Public.PATTERNS) {
            if ((tag & pattern.mask) == pattern.tag) {
                return pattern;
            }
        }
        return null;
    }

    /**
     * The VR to decode an implicit VR value of this tag with: the dictionary's (see the class comment for tags with
     * a choice), UL for group lengths (gggg,0000), LO for private creators (odd group, element 0010-00FF),
     * null for item and delimitation tags, UN for everything else.
     */
    public static VR vrOf(int tag) {
        Entry entry = entry(tag);
        if (entry != null) {
            return entry.vr;
        }
        int element = tag & 0xFFFF;
        if (element == 0) {
            return VR.UL;
        }
        if ((tag & 0x10000) != 0 && element >= 0x0010 && element <= 0x00FF) {
            return VR.LO;
        }
        return VR.UN;
    }

    /**
     * Like {@link #vrOf(int)}, but for a private data element (odd group, element 1000-FFFF) the VR comes from the
     * private dictionary entry of its private creator (the value of the creator element reserving its block; padding
     * is ignored), and is UN when there is none.
     */
    public static VR vrOf(int tag, String privateCreator) {
        if ((tag & 0x10000) == 0 || (tag & 0xFFFF) < 0x1000 || privateCreator == null) {
            return vrOf(tag);
        }
        Map<Long, VR> entries = Private.BY_CREATOR.get(privateCreator.strip());
        if (entries != null) {
            for (int mask : PRIVATE_MASKS) {
                VR vr = entries.get(privateKey(mask, tag));
                if (vr != null) {
                    return vr;
                }
            }
        }
        return VR.UN;
    }

    /** True when the dictionary gives "US or SS" for this tag, which {@link #vrOf(int)} answers with US. */
    public static boolean isUSorSS(int tag) {
        return Public.US_OR_SS.contains(tag);
    }

    /** The keyword, such as "PatientName", or "" when the tag is not in the dictionary. */
    public static String keywordOf(int tag) {
        Entry entry = entry(tag);
        return entry == null ? "" : entry.keyword;
    }

    /** The name, such as "Patient's Name", or "" when the tag is not in the dictionary. */
    public static String nameOf(int tag) {
        Entry entry = entry(tag);
        return entry == null ? "" : entry.name;
    }

    /** The value multiplicity, such as "1", "1-n" or "2-2n", or "" when the tag is not in the dictionary. */
    public static String vmOf(int tag) {
        Entry entry = entry(tag);
        return entry == null ? "" : entry.vm;
    }

    /** True when the dictionary marks the tag retired; false when it is current or unknown. */
    public static boolean isRetired(int tag) {
        Entry entry = entry(tag);
        return entry != null && entry.retired;
    }

    /**
     * The tag with this keyword, or -1 when there is none. A repeating-group keyword gives its first tag, such as
     * (6000,3000) for "OverlayData".
     */
    public static int tagForKeyword(String keyword) {
        Entry entry = Public.BY_KEYWORD.get(keyword);
        return entry == null ? -1 : entry.tag;
    }

    private static final Pattern HEX_TAG =
            Pattern.compile("\\((\\p{XDigit}{4}),(\\p{XDigit}{4})\\)|(\\p{XDigit}{4}),?(\\p{XDigit}{4})");

    /**
     * A tag given as a keyword ("PatientName") or in hex as "(0010,0010)", "0010,0010" or "00100010".
     *
     * @throws IllegalArgumentException when the text is none of these
     */
    public static int parseTag(String text) {
        if (text != null) {
            String s = text.strip();
            int tag = tagForKeyword(s);
            if (tag != -1) {
                return tag;
            }
            Matcher m = HEX_TAG.matcher(s);
            if (m.matches()) {
                int g = m.group(1) != null ? 1 : 3;
                return Integer.parseInt(m.group(g), 16) << 16 | Integer.parseInt(m.group(g + 1), 16);
            }
        }
        throw new IllegalArgumentException("Not a tag keyword or (gggg,eeee) hex tag: \"" + text + "\"");
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /** The tag as "(gggg,eeee)" in upper case hex, such as "(0010,0010)". */
    /** "0020000D": the tag as 8 upper-case hex digits (the DICOM JSON model's keys, attribute paths). */
    public static String hex(int tag) {
        char[] c = new char[8];
        for (int i = 0; i < 8; i++) {
            c[i] = HEX[tag >>> (28 - 4 * i) & 0xF];
        }
        return new String(c);
    }

    public static String toString(int tag) {
        char[] c = {'(', 0, 0, 0, 0, ',', 0, 0, 0, 0, ')'};
        for (int i = 0; i < 8; i++) {
            c[i < 4 ? 1 + i : 2 + i] = HEX[tag >>> (28 - 4 * i) & 0xF];
        }
        return new String(c);
    }
}
