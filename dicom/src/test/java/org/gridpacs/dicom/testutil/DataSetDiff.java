package org.gridpacs.dicom.testutil;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.DataSetDump;

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
}
