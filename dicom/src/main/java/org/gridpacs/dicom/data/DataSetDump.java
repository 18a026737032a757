package org.gridpacs.dicom.data;

/** A readable, dcmdump-like listing of a data set, for logs, test failures and the command-line tool. */
public final class DataSetDump {
    private DataSetDump() {
    }

    /** Dumps at most {@code maxLines} lines; values are cut at 64 characters. */
    public static String dump(DataSet ds, int maxLines) {
        StringBuilder sb = new StringBuilder();
        int[] lines = {0};
        dump(ds, "", sb, lines, maxLines);
        if (lines[0] > maxLines) {
            sb.append("...\n");
        }
        return sb.toString();
    }

    private static void dump(DataSet ds, String indent, StringBuilder sb, int[] lines, int maxLines) {
        for (int k = 0; k < ds.size(); k++) {
            if (++lines[0] > maxLines) {
                return;
            }
            int tag = ds.tagAt(k);
            VR vr = ds.vrAt(k);
            Object v = ds.valueAt(k);
            sb.append(indent).append(ElementDictionary.toString(tag)).append(' ').append(vr).append(' ');
            if (v instanceof Sequence s) {
                sb.append("(Sequence with ").append(s.size()).append(" items) ")
                        .append(ElementDictionary.keywordOf(tag)).append('\n');
                int n = 0;
                for (DataSet item : s) {
                    if (++lines[0] > maxLines) {
                        return;
                    }
                    sb.append(indent).append("  (Item #").append(++n).append(")\n");
                    dump(item, indent + "    ", sb, lines, maxLines);
                }
                continue;
            }
            String text;
            if (v instanceof Fragments f) {
                text = "(Encapsulated pixel data, " + (f.size() - 1) + " fragments)";
            } else if (v instanceof BulkData b) {
                text = "(Bulk data, " + b.length() + " bytes at " + b.offset() + ")";
            } else if (v == null) {
                text = "(no value)";
            } else {
                String s = ds.getString(tag);
                int len = ((byte[]) v).length;
                text = s != null ? "[" + cut(s) + "]" : "(" + len + " bytes)";
            }
            sb.append(text).append(' ').append(ElementDictionary.keywordOf(tag)).append('\n');
        }
    }

    private static String cut(String s) {
        return s.length() <= 64 ? s : s.substring(0, 61) + "...";
    }
}
