package org.gridpacs.dicom.data;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A DICOM data set (PS3.5 section 7): data elements sorted by tag. Values are kept as encoded, with binary
 * values normalised to little endian, so that reading and writing back preserves content exactly.
 *
 * <p>A value is one of: {@code null} (zero length), {@code byte[]} (the encoded value), {@link Sequence},
 * {@link Fragments} (encapsulated pixel data) or {@link BulkData} (a value left in its source stream).
 * Text values are decoded on access with the Specific Character Set in effect (this data set's or the
 * nearest enclosing one's, PS3.5 7.5.3).
 */
public final class DataSet {
    private static final int[] NO_TAGS = new int[0];
    private static final VR[] NO_VRS = new VR[0];
    private static final Object[] NO_VALUES = new Object[0];

    private final DataSet parent;
    private int[] tags = NO_TAGS;
    private VR[] vrs = NO_VRS;
    private Object[] values = NO_VALUES;
    private int size;
    private SpecificCharacterSet charset;

    public DataSet() {
        this(null);
    }

    DataSet(DataSet parent) {
        this.parent = parent;
    }

    /** The data set holding the sequence this item belongs to, or null for a top-level data set. */
    public DataSet parent() {
        return parent;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public int tagAt(int index) {
        return tags[index];
    }

    public VR vrAt(int index) {
        return vrs[index];
    }

    public Object valueAt(int index) {
        return values[index];
    }

    /** Index of the element with this tag, or a negative number (-(insertion point) - 1) when absent. */
    public int indexOf(int tag) {
        // elements mostly arrive in ascending order: check the end first
        if (size == 0 || Integer.compareUnsigned(tags[size - 1], tag) < 0) {
            return -size - 1;
        }
        int lo = 0;
        int hi = size - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int cmp = Integer.compareUnsigned(tags[mid], tag);
            if (cmp < 0) {
                lo = mid + 1;
            } else if (cmp > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -lo - 1;
    }

    public boolean contains(int tag) {
        return indexOf(tag) >= 0;
    }

    /** True when the element is present with a non-empty value. */
    public boolean containsValue(int tag) {
        int i = indexOf(tag);
        if (i < 0) {
            return false;
        }
        Object v = values[i];
        return v != null && !(v instanceof byte[] b && b.length == 0) && !(v instanceof Sequence s && s.isEmpty());
    }

    public VR vrOf(int tag) {
        int i = indexOf(tag);
        return i < 0 ? null : vrs[i];
    }

    /** The raw value (see the class comment for its possible types), or null. */
    public Object getValue(int tag) {
        int i = indexOf(tag);
        return i < 0 ? null : values[i];
    }

    /** The encoded value bytes (binary values in little endian), or null when absent, empty or not a byte value. */
    public byte[] getBytes(int tag) {
        return getValue(tag) instanceof byte[] b ? b : null;
    }

    public Sequence getSequence(int tag) {
        return getValue(tag) instanceof Sequence s ? s : null;
    }

    /** The first item of a sequence, or null. */
    public DataSet getItem(int tag) {
        Sequence s = getSequence(tag);
        return s == null || s.isEmpty() ? null : s.get(0);
    }

    // ---------------------------------------------------------------- strings

    /** The Specific Character Set that applies to text in this data set. */
    public SpecificCharacterSet specificCharacterSet() {
        if (charset == null) {
            int i = indexOf(Tag.SpecificCharacterSet);
            if (i >= 0) {
                charset = SpecificCharacterSet.valueOf(asciiStrings(values[i]));
            } else {
                charset = parent != null ? parent.specificCharacterSet() : SpecificCharacterSet.DEFAULT;
            }
        }
        return charset;
    }

    private static String[] asciiStrings(Object value) {
        if (!(value instanceof byte[] b) || b.length == 0) {
            return new String[0];
        }
        String[] parts = new String(b, StandardCharsets.ISO_8859_1).split("\\\\", -1);
        for (int k = 0; k < parts.length; k++) {
            parts[k] = parts[k].trim();
        }
        return parts;
    }

    /** The whole value as a string (values separated by backslashes), trailing padding removed, or null. */
    public String getString(int tag) {
        int i = indexOf(tag);
        if (i < 0) {
            return null;
        }
        return valueAsString(vrs[i], values[i]);
    }

    public String getString(int tag, String defaultValue) {
        String s = getString(tag);
        return s == null || s.isEmpty() ? defaultValue : s;
    }

    /** The values of a multi-valued element, each trimmed as its VR allows; an empty array when absent. */
    public String[] getStrings(int tag) {
        int i = indexOf(tag);
        if (i < 0) {
            return new String[0];
        }
        String s = valueAsString(vrs[i], values[i]);
        if (s == null) {
            return new String[0];
        }
        if (!vrs[i].isMultiValuedString()) {
            return new String[] {s};
        }
        String[] parts = s.split("\\\\", -1);
        for (int k = 0; k < parts.length; k++) {
            parts[k] = trim(vrs[i], parts[k]);
        }
        return parts;
    }

    private String valueAsString(VR vr, Object value) {
        if (!(value instanceof byte[] b)) {
            return null;
        }
        if (vr.isString()) {
            String s = vr.kind() == VR.Kind.TEXT
                    ? specificCharacterSet().decode(b, 0, b.length, vr == VR.PN)
                    : new String(b, StandardCharsets.ISO_8859_1);
            return trim(vr, s);
        }
        return binaryAsString(vr, b);
    }

    private static String binaryAsString(VR vr, byte[] b) {
        int w = vr.valueWidth();
        if (vr == VR.OB || vr == VR.UN || w == 0 || b.length % w != 0 || b.length / w > 64) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (int off = 0; off < b.length; off += w) {
            if (off > 0) {
                sb.append('\\');
            }
            switch (vr) {
                case US, OW -> sb.append(LittleEndian.u16(b, off));
                case SS -> sb.append((short) LittleEndian.u16(b, off));
                case UL, OL -> sb.append(LittleEndian.i32(b, off) & 0xFFFFFFFFL);
                case SL -> sb.append(LittleEndian.i32(b, off));
                case AT -> sb.append(String.format("%04X%04X", LittleEndian.u16(b, off), LittleEndian.u16(b, off + 2)));
                case FL, OF -> sb.append(Float.intBitsToFloat(LittleEndian.i32(b, off)));
                case FD, OD -> sb.append(Double.longBitsToDouble(LittleEndian.i64(b, off)));
                case SV -> sb.append(LittleEndian.i64(b, off));
                case UV, OV -> sb.append(Long.toUnsignedString(LittleEndian.i64(b, off)));
                default -> {
                    return null;
                }
            }
        }
        return sb.toString();
    }

    private static String trim(VR vr, String s) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\0')) {
            end--;
        }
        int start = 0;
        // leading spaces are significant in the text VRs (PS3.5 6.2)
        if (vr != VR.LT && vr != VR.ST && vr != VR.UT && vr != VR.UC) {
            while (start < end && s.charAt(start) == ' ') {
                start++;
            }
        }
        return s.substring(start, end);
    }

    // ---------------------------------------------------------------- numbers

    /** The first value as an int: binary integers, or IS / DS strings; the default when absent or empty. */
    public int getInt(int tag, int defaultValue) {
        int[] v = getInts(tag);
        return v.length == 0 ? defaultValue : v[0];
    }

    public int[] getInts(int tag) {
        int i = indexOf(tag);
        if (i < 0 || !(values[i] instanceof byte[] b) || b.length == 0) {
            return new int[0];
        }
        VR vr = vrs[i];
        if (vr.isString()) {
            String[] s = getStrings(tag);
            int[] out = new int[s.length];
            for (int k = 0; k < s.length; k++) {
                out[k] = vr == VR.DS ? (int) Math.round(Double.parseDouble(s[k])) : Integer.parseInt(s[k].trim());
            }
            return out;
        }
        int w = Math.max(1, vr.valueWidth());
        int[] out = new int[b.length / w];
        for (int k = 0; k < out.length; k++) {
            int off = k * w;
            out[k] = switch (vr) {
                case US, OW -> LittleEndian.u16(b, off);
                case SS -> (short) LittleEndian.u16(b, off);
                case UL, SL, OL -> LittleEndian.i32(b, off);
                case AT -> LittleEndian.u16(b, off) << 16 | LittleEndian.u16(b, off + 2); // group, then element
                case FL, OF -> (int) Float.intBitsToFloat(LittleEndian.i32(b, off));
                case FD, OD -> (int) Double.longBitsToDouble(LittleEndian.i64(b, off));
                case SV, UV, OV -> (int) LittleEndian.i64(b, off);
                default -> b[off] & 0xFF;
            };
        }
        return out;
    }

    public double getDouble(int tag, double defaultValue) {
        double[] v = getDoubles(tag);
        return v.length == 0 ? defaultValue : v[0];
    }

    public double[] getDoubles(int tag) {
        int i = indexOf(tag);
        if (i < 0 || !(values[i] instanceof byte[] b) || b.length == 0) {
            return new double[0];
        }
        VR vr = vrs[i];
        if (vr.isString()) {
            String[] s = getStrings(tag);
            double[] out = new double[s.length];
            for (int k = 0; k < s.length; k++) {
                out[k] = Double.parseDouble(s[k].trim());
            }
            return out;
        }
        if (vr == VR.FL || vr == VR.OF) {
            double[] out = new double[b.length / 4];
            for (int k = 0; k < out.length; k++) {
                out[k] = Float.intBitsToFloat(LittleEndian.i32(b, k * 4));
            }
            return out;
        }
        if (vr == VR.FD || vr == VR.OD) {
            double[] out = new double[b.length / 8];
            for (int k = 0; k < out.length; k++) {
                out[k] = Double.longBitsToDouble(LittleEndian.i64(b, k * 8));
            }
            return out;
        }
        int[] ints = getInts(tag);
        double[] out = new double[ints.length];
        for (int k = 0; k < ints.length; k++) {
            out[k] = vr == VR.UL ? ints[k] & 0xFFFFFFFFL : ints[k];
        }
        return out;
    }

    // ---------------------------------------------------------------- setters

    /** Sets a raw value (see the class comment); binary values must be little endian. */
    public void setValue(int tag, VR vr, Object value) {
        Objects.requireNonNull(vr, "vr");
        int i = indexOf(tag);
        if (i >= 0) {
            vrs[i] = vr;
            values[i] = value;
        } else {
            insert(-i - 1, tag, vr, value);
        }
        if (tag == Tag.SpecificCharacterSet) {
            charset = null;
        }
    }

    private void insert(int at, int tag, VR vr, Object value) {
        if (size == tags.length) {
            int n = Math.max(8, size * 2);
            tags = Arrays.copyOf(tags, n);
            vrs = Arrays.copyOf(vrs, n);
            values = Arrays.copyOf(values, n);
        }
        int move = size - at;
        if (move > 0) {
            System.arraycopy(tags, at, tags, at + 1, move);
            System.arraycopy(vrs, at, vrs, at + 1, move);
            System.arraycopy(values, at, values, at + 1, move);
        }
        tags[at] = tag;
        vrs[at] = vr;
        values[at] = value;
        size++;
    }

    public void setBytes(int tag, VR vr, byte[] value) {
        setValue(tag, vr, value);
    }

    public void setNull(int tag, VR vr) {
        setValue(tag, vr, null);
    }

    /** Sets a string value (several values are joined with backslashes), encoded with this data set's character set. */
    public void setString(int tag, VR vr, String... values) {
        if (values == null || values.length == 0 || (values.length == 1 && values[0] == null)) {
            setValue(tag, vr, null);
            return;
        }
        String joined = String.join("\\", values);
        byte[] b = vr.kind() == VR.Kind.TEXT
                ? specificCharacterSet().encode(joined)
                : joined.getBytes(StandardCharsets.ISO_8859_1);
        setValue(tag, vr, b);
    }

    /** Sets integers: binary for US, SS, UL, SL, AT and the O* VRs; decimal strings for IS and DS. */
    public void setInt(int tag, VR vr, int... ints) {
        if (vr == VR.IS || vr == VR.DS) {
            String[] s = new String[ints.length];
            for (int k = 0; k < ints.length; k++) {
                s[k] = Integer.toString(ints[k]);
            }
            setString(tag, vr, s);
            return;
        }
        int w = vr.valueWidth();
        byte[] b = new byte[ints.length * w];
        for (int k = 0; k < ints.length; k++) {
            if (vr == VR.AT) {
                // an attribute tag is two 16-bit values, group then element (PS3.5 6.2), not one 32-bit value
                LittleEndian.put16(b, k * 4, ints[k] >>> 16);
                LittleEndian.put16(b, k * 4 + 2, ints[k]);
                continue;
            }
            switch (w) {
                case 2 -> LittleEndian.put16(b, k * 2, ints[k]);
                case 4 -> LittleEndian.put32(b, k * 4, vr == VR.FL || vr == VR.OF ? Float.floatToIntBits(ints[k]) : ints[k]);
                case 8 -> LittleEndian.put64(b, k * 8,
                        vr == VR.FD || vr == VR.OD ? Double.doubleToLongBits(ints[k]) : ints[k]);
                case 1 -> b[k] = (byte) ints[k];
                default -> throw new IllegalArgumentException("cannot store integers as " + vr);
            }
        }
        setValue(tag, vr, b);
    }

    /** Sets floating point values: binary for FL, FD, OF, OD; decimal strings for DS. */
    public void setDouble(int tag, VR vr, double... ds) {
        if (vr == VR.DS) {
            String[] s = new String[ds.length];
            for (int k = 0; k < ds.length; k++) {
                s[k] = Numbers.formatDS(ds[k]);
            }
            setString(tag, vr, s);
            return;
        }
        int w = vr.valueWidth();
        byte[] b = new byte[ds.length * w];
        for (int k = 0; k < ds.length; k++) {
            if (w == 4) {
                LittleEndian.put32(b, k * 4, Float.floatToIntBits((float) ds[k]));
            } else if (w == 8) {
                LittleEndian.put64(b, k * 8, Double.doubleToLongBits(ds[k]));
            } else {
                throw new IllegalArgumentException("cannot store floating point values as " + vr);
            }
        }
        setValue(tag, vr, b);
    }

    /** Replaces the element with a new empty sequence and returns it. */
    public Sequence newSequence(int tag) {
        Sequence s = new Sequence(this);
        setValue(tag, VR.SQ, s);
        return s;
    }

    /** Removes the element; returns its value or null. */
    public Object remove(int tag) {
        int i = indexOf(tag);
        if (i < 0) {
            return null;
        }
        Object old = values[i];
        int move = size - i - 1;
        if (move > 0) {
            System.arraycopy(tags, i + 1, tags, i, move);
            System.arraycopy(vrs, i + 1, vrs, i, move);
            System.arraycopy(values, i + 1, values, i, move);
        }
        size--;
        values[size] = null;
        if (tag == Tag.SpecificCharacterSet) {
            charset = null;
        }
        return old;
    }

    /** Copies every element of {@code other} into this data set (deep copy of sequences), replacing existing ones. */
    public void addAll(DataSet other) {
        for (int k = 0; k < other.size; k++) {
            setValue(other.tags[k], other.vrs[k], copyValue(other.values[k], this));
        }
    }

    /** A deep copy without a parent. */
    public DataSet copy() {
        DataSet c = new DataSet();
        c.addAll(this);
        return c;
    }

    private static Object copyValue(Object v, DataSet newParent) {
        if (v instanceof Sequence s) {
            Sequence c = new Sequence(newParent);
            for (DataSet item : s) {
                DataSet ci = new DataSet(newParent);
                ci.addAll(item);
                c.add(ci);
            }
            return c;
        }
        if (v instanceof byte[] b) {
            return b.clone();
        }
        if (v instanceof Fragments f) {
            Fragments c = new Fragments(f.vr());
            for (Object o : f) {
                c.add(o instanceof byte[] b ? b.clone() : o);
            }
            return c;
        }
        return v;
    }

    // ---------------------------------------------------------------- equality and display

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof DataSet d) || d.size != size) {
            return false;
        }
        for (int k = 0; k < size; k++) {
            if (tags[k] != d.tags[k] || vrs[k] != d.vrs[k] || !valueEquals(values[k], d.values[k])) {
                return false;
            }
        }
        return true;
    }

    private static boolean valueEquals(Object a, Object b) {
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return Arrays.equals(x, y);
        }
        if (a instanceof byte[] x && x.length == 0) {
            return b == null;
        }
        if (b instanceof byte[] y && y.length == 0) {
            return a == null;
        }
        if (a instanceof Fragments x && b instanceof Fragments y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int k = 0; k < x.size(); k++) {
                if (!valueEquals(x.get(k), y.get(k))) {
                    return false;
                }
            }
            return true;
        }
        return Objects.equals(a, b);
    }

    @Override
    public int hashCode() {
        int h = size;
        for (int k = 0; k < size; k++) {
            h = 31 * h + tags[k];
        }
        return h;
    }

    @Override
    public String toString() {
        return DataSetDump.dump(this, 200);
    }
}
