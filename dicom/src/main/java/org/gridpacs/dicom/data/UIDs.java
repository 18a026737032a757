package org.gridpacs.dicom.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Lookups over the UIDs of PS3.6 Annex A ({@code uids.tsv}, generated with {@link UID} by
 * {@code dicom/src/dictgen/gen_dictionary.py}). Loaded once, on first use, thread-safe. A UID read from a data set
 * may still carry its padding (a trailing NUL or space); the lookups ignore it.
 */
public final class UIDs {

    private UIDs() {
    }

    private record Entry(String uid, String keyword, String name, String type, boolean retired) {
    }

    private static final class Table {
        static final Map<String, Entry> BY_UID = new HashMap<>(1024);
        static final Map<String, String> BY_KEYWORD = new HashMap<>(1024);
        static final List<String> STORAGE;

        static {
            List<String> storage = new ArrayList<>();
            for (String[] row : Tsv.read("uids.tsv", 5)) {
                Entry entry = new Entry(row[0], row[1], row[2], row[3], !row[4].isEmpty());
                BY_UID.put(entry.uid, entry);
                BY_KEYWORD.put(entry.keyword, entry.uid);
                if (isStorage(entry)) {
                    storage.add(entry.uid);
                }
            }
            STORAGE = Collections.unmodifiableList(storage);
        }

        /** "CT Image Storage", "Digital X-Ray Image Storage - For Presentation", "Text SR Storage - Trial", ... */
        private static boolean isStorage(Entry e) {
            return e.type.equals("SOP Class")
                    && (e.name.endsWith("Storage") || e.name.contains(" Storage - ") || e.keyword.endsWith("Storage"));
        }
    }

    private static Entry entry(String uid) {
        if (uid == null) {
            return null;
        }
        Entry entry = Table.BY_UID.get(uid);
        if (entry == null && !uid.isEmpty() && uid.charAt(uid.length() - 1) <= ' ') {
            entry = Table.BY_UID.get(uid.trim());
        }
        return entry;
    }

    /** The name, such as "CT Image Storage", or null when the UID is not in PS3.6. */
    public static String nameOf(String uid) {
        Entry entry = entry(uid);
        return entry == null ? null : entry.name;
    }

    /** The keyword, such as "CTImageStorage", or null when the UID is not in PS3.6. */
    public static String keywordOf(String uid) {
        Entry entry = entry(uid);
        return entry == null ? null : entry.keyword;
    }

    /** The kind of UID, such as "SOP Class", "Transfer Syntax" or "Well-known SOP Instance"; null when unknown. */
    public static String typeOf(String uid) {
        Entry entry = entry(uid);
        return entry == null ? null : entry.type;
    }

    /** True for a transfer syntax of PS3.6, retired or not. */
    public static boolean isTransferSyntax(String uid) {
        Entry entry = entry(uid);
        return entry != null && entry.type.equals("Transfer Syntax");
    }

    /** True when PS3.6 marks the UID retired; false when it is current or unknown. */
    public static boolean isRetired(String uid) {
        Entry entry = entry(uid);
        return entry != null && entry.retired;
    }

    /** The UID with this keyword, such as "1.2.840.10008.1.2.1" for "ExplicitVRLittleEndian", or null. */
    public static String forKeyword(String keyword) {
        return Table.BY_KEYWORD.get(keyword);
    }

    /**
     * Every storage SOP class, retired ones included (an SCP that stores whatever it is sent should accept them):
     * the SOP classes whose name ends in "Storage" or in "Storage - For Presentation", "Storage - For Processing",
     * "Storage - Trial", or whose keyword ends in "Storage". In UID order; unmodifiable.
     */
    public static List<String> storageSopClasses() {
        return Table.STORAGE;
    }
}
