package org.gridpacs.archive.query;

import java.util.ArrayList;
import java.util.List;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Sequence;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;

/**
 * Collects the values of one C-FIND response and encodes them at the end, once it knows which character set they
 * need: the default repertoire when every text value is ASCII, otherwise ISO_IR 192 (UTF-8), declared in Specific
 * Character Set (0008,0005). Text copied from stored headers is decoded with the header's own character set and
 * re-encoded, sequences included, so that one response never mixes encodings.
 */
final class ResponseBuilder {
    private record Entry(int tag, VR vr, Object value) {
    }

    private final List<Entry> entries = new ArrayList<>();
    private boolean nonAscii;

    /** A text value (null or empty for a zero-length element). */
    void text(int tag, VR vr, String value) {
        nonAscii |= !isAscii(value);
        entries.add(new Entry(tag, vr, value == null || value.isEmpty() ? null : value));
    }

    void empty(int tag, VR vr) {
        entries.add(new Entry(tag, vr, null));
    }

    /** Copies an element of a stored header, or an empty element when the header has none. */
    void copy(DataSet header, int tag, VR requestedVR) {
        VR vr = header.vrOf(tag);
        if (vr == null) {
            empty(tag, requestedVR);
            return;
        }
        Object v = header.getValue(tag);
        if (vr.isString()) {
            text(tag, vr, header.getString(tag));
        } else if (v instanceof Sequence s) {
            nonAscii |= hasNonAscii(s);
            entries.add(new Entry(tag, vr, s));
        } else if (v instanceof byte[] || v == null) {
            entries.add(new Entry(tag, vr, v));
        } else {
            empty(tag, vr); // bulk data or fragments have no place in a query response
        }
    }

    DataSet build() {
        DataSet out = new DataSet();
        if (nonAscii) {
            out.setString(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 192");
        }
        for (Entry e : entries) {
            put(out, e.tag, e.vr, e.value);
        }
        return out;
    }

    private static void put(DataSet out, int tag, VR vr, Object value) {
        if (value instanceof String s) {
            out.setString(tag, vr, s);
        } else if (value instanceof Sequence src) {
            Sequence dst = out.newSequence(tag);
            for (DataSet item : src) {
                copyItem(item, dst.addItem());
            }
        } else {
            out.setValue(tag, vr, value);
        }
    }

    private static void copyItem(DataSet src, DataSet dst) {
        for (int k = 0; k < src.size(); k++) {
            int tag = src.tagAt(k);
            VR vr = src.vrAt(k);
            if (tag == Tag.SpecificCharacterSet) {
                continue; // the item now follows the response's character set
            }
            Object v = src.valueAt(k);
            if (vr.isString() && v instanceof byte[]) {
                put(dst, tag, vr, src.getString(tag));
            } else if (v instanceof Sequence || v instanceof byte[] || v == null) {
                put(dst, tag, vr, v);
            }
        }
    }

    private static boolean hasNonAscii(Sequence s) {
        for (DataSet item : s) {
            for (int k = 0; k < item.size(); k++) {
                Object v = item.valueAt(k);
                if (item.vrAt(k).kind() == VR.Kind.TEXT && v instanceof byte[] && !isAscii(item.getString(item.tagAt(k)))
                        || v instanceof Sequence nested && hasNonAscii(nested)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isAscii(String s) {
        if (s == null) {
            return true;
        }
        for (int k = 0; k < s.length(); k++) {
            if (s.charAt(k) > 0x7F) {
                return false;
            }
        }
        return true;
    }
}
