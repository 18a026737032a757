package org.gridpacs.dicom.testutil;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.DataSetDump;
import org.gridpacs.dicom.data.ElementDictionary;
import org.gridpacs.dicom.data.Sequence;

/** What differs between two data sets, for assertion messages that show the elements instead of "not equal". */
public final class DataSetDiff {
    private DataSetDiff() {
    }

    /** The top-level elements that differ, as "- expected" / "+ actual" dump lines (at most 20 pairs). */
    public static List<String> diff(DataSet a, DataSet b) {
        TreeSet<Integer> tags = new TreeSet<>(Integer::compareUnsigned);
        for (int i = 0; i < a.size(); i++) {
            tags.add(a.tagAt(i));
        }
        for (int i = 0; i < b.size(); i++) {
            tags.add(b.tagAt(i));
        }
        List<String> lines = new ArrayList<>();
        for (int tag : tags) {
            DataSet x = single(a, tag);
            DataSet y = single(b, tag);
            if (!x.equals(y) && lines.size() < 40) {
                lines.add("- " + DataSetDump.dump(x, 5).strip());
                lines.add("+ " + DataSetDump.dump(y, 5).strip());
            }
        }
        return lines;
    }

    private static DataSet single(DataSet ds, int tag) {
        DataSet one = new DataSet();
        int i = ds.indexOf(tag);
        if (i >= 0) {
            one.setValue(tag, ds.vrAt(i), ds.valueAt(i));
        }
        return one;
    }

    /**
     * {@code DataSet.equals}, failing with the first element that differs (into sequence items) and the
     * {@link #diff} of the top-level elements.
     */
    public static void assertSameDataSet(DataSet expected, DataSet actual, String what) {
        if (!expected.equals(actual)) {
            throw new AssertionError(what + ": data sets differ at " + firstDifference(expected, actual, "") + "\n"
                    + String.join("\n", diff(expected, actual)));
        }
    }

    /** Where two data sets first differ, as "(gggg,eeee) Keyword: ...", descending into sequence items. */
    public static String firstDifference(DataSet a, DataSet b) {
        return firstDifference(a, b, "");
    }

    private static String firstDifference(DataSet a, DataSet b, String path) {
        Map<Integer, Integer> ia = new LinkedHashMap<>();
        Map<Integer, Integer> ib = new LinkedHashMap<>();
        for (int k = 0; k < a.size(); k++) {
            ia.put(a.tagAt(k), k);
        }
        for (int k = 0; k < b.size(); k++) {
            ib.put(b.tagAt(k), k);
        }
        Set<Integer> tags = new java.util.TreeSet<>((x, y) -> Integer.compareUnsigned(x, y));
        tags.addAll(ia.keySet());
        tags.addAll(ib.keySet());
        for (int tag : tags) {
            String name = path + ElementDictionary.toString(tag) + " " + ElementDictionary.keywordOf(tag);
            Integer ka = ia.get(tag);
            Integer kb = ib.get(tag);
            if (ka == null) {
                return name + ": only in the received data set (" + b.vrAt(kb) + ")";
            }
            if (kb == null) {
                return name + ": missing from the received data set";
            }
            if (a.vrAt(ka) != b.vrAt(kb)) {
                return name + ": VR " + a.vrAt(ka) + " sent, " + b.vrAt(kb) + " received";
            }
            Object va = a.valueAt(ka);
            Object vb = b.valueAt(kb);
            if (va instanceof Sequence sa && vb instanceof Sequence sb) {
                if (sa.size() != sb.size()) {
                    return name + ": " + sa.size() + " items sent, " + sb.size() + " received";
                }
                for (int i = 0; i < sa.size(); i++) {
                    if (!sa.get(i).equals(sb.get(i))) {
                        return firstDifference(sa.get(i), sb.get(i), name + " item " + (i + 1) + " > ");
                    }
                }
                continue;
            }
            DataSet one = new DataSet();
            one.setValue(tag, a.vrAt(ka), va);
            DataSet two = new DataSet();
            two.setValue(tag, b.vrAt(kb), vb);
            if (!one.equals(two)) {
                return name + ": sent " + describe(va) + ", received " + describe(vb);
            }
        }
        return path + "(no element differs: ordering?)";
    }

    private static String describe(Object v) {
        if (v instanceof byte[] b) {
            String s = new String(b, 0, Math.min(b.length, 64), java.nio.charset.StandardCharsets.ISO_8859_1);
            return b.length + " bytes [" + s.replaceAll("[^\\x20-\\x7e]", ".") + "]";
        }
        return String.valueOf(v);
    }
}
