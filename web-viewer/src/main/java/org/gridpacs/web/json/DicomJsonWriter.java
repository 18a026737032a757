package org.gridpacs.web.json;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.Base64;

import org.gridpacs.dicom.data.BulkData;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Fragments;
import org.gridpacs.dicom.data.LittleEndian;
import org.gridpacs.dicom.data.Sequence;
import org.gridpacs.dicom.data.VR;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/**
 * Writes data sets in the DICOM JSON Model (PS3.18 F.2): keys are the tags as 8 upper-case hex digits in
 * ascending order, each attribute {"vr": .., and at most one of "Value", "BulkDataURI", "InlineBinary"}; no
 * group lengths; PN values as {"Alphabetic", "Ideographic", "Phonetic"} with only the groups present; numbers
 * (IS, DS and the binary numeric VRs) as JSON numbers; an empty value has no "Value"; an empty entry of a
 * multi-valued string is null; bulk VRs as InlineBinary (base64 of the little-endian value) unless
 * {@link BulkDataUris} names a URI for them.
 *
 * <p>Checked against DCMTK's dcm2json on the pydicom corpus (Dcm2JsonComparisonTest). Where the two differ on
 * purpose: Specific Character Set (0008,0005) is written as stored (dcm2json writes ISO_IR 192; the JSON text is
 * UTF-8 whatever it says), a sequence item's own Specific Character Set is honoured, and a value of odd length
 * is written as it is (dcm2json pads it).
 */
public final class DicomJsonWriter {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final String[] PN_GROUPS = {"Alphabetic", "Ideographic", "Phonetic"};

    /** Where a bulk value can be fetched instead of being inlined. */
    @FunctionalInterface
    public interface BulkDataUris {
        /** Never: every bulk value is inlined, values left in their source are written without a value. */
        BulkDataUris NONE = (path, vr, value) -> null;

        /**
         * The URI for the value of the attribute at {@code path} (tags and item indexes from the top, "7FE00010",
         * "00540016/0/00181072": {@link BulkDataPaths}), or null to inline it. {@code value} is the value held:
         * byte[], {@link BulkData} or {@link Fragments}.
         */
        String uri(String path, VR vr, Object value);
    }

    private final JsonGenerator g;
    private final BulkDataUris uris;

    public DicomJsonWriter(JsonGenerator g, BulkDataUris uris) {
        this.g = g;
        this.uris = uris;
    }

    /** A generator writing UTF-8 to {@code out}, not closing it. */
    public static JsonGenerator generator(java.io.OutputStream out) throws IOException {
        JsonGenerator g = FACTORY.createGenerator(out);
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        return g;
    }

    /** The JSON object of one data set, every bulk value inlined. */
    public static String toJson(DataSet ds) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(w)) {
            new DicomJsonWriter(g, BulkDataUris.NONE).write(ds);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    /** Writes {@code ds} as one JSON object. */
    public void write(DataSet ds) throws IOException {
        write(ds, "");
    }

    private void write(DataSet ds, String prefix) throws IOException {
        g.writeStartObject();
        for (int k = 0; k < ds.size(); k++) {
            int tag = ds.tagAt(k);
            if ((tag & 0xFFFF) == 0) {
                continue; // group lengths are not part of the model
            }
            String key = BulkDataPaths.hex(tag);
            g.writeFieldName(key);
            attribute(ds, k, tag, prefix, key);
        }
        g.writeEndObject();
    }

    /** The attribute at {@code prefix + key}; that path is made only for the sequences and bulk values that need it. */
    private void attribute(DataSet ds, int k, int tag, String prefix, String key) throws IOException {
        VR vr = ds.vrAt(k);
        Object value = ds.valueAt(k);
        g.writeStartObject();
        g.writeStringField("vr", vr.name());
        if (value instanceof Sequence seq) {
            if (!seq.isEmpty()) {
                g.writeArrayFieldStart("Value");
                int n = 0;
                String path = prefix + key;
                for (DataSet item : seq) {
                    write(item, BulkDataPaths.item(path, n++));
                }
                g.writeEndArray();
            }
        } else if (value instanceof BulkData || value instanceof Fragments) {
            String uri = uris.uri(prefix + key, vr, value);
            if (uri != null) {
                g.writeStringField("BulkDataURI", uri);
            }
        } else if (value instanceof byte[] b && b.length > 0) {
            switch (vr) {
                case OB, OD, OF, OL, OV, OW, UN -> {
                    String uri = uris.uri(prefix + key, vr, value);
                    if (uri != null) {
                        g.writeStringField("BulkDataURI", uri);
                    } else {
                        g.writeStringField("InlineBinary", Base64.getEncoder().encodeToString(b));
                    }
                }
                case PN -> personNames(ds.getStrings(tag));
                case DS -> numbers(ds.getStrings(tag), BigDecimal::new);
                case IS -> numbers(ds.getStrings(tag), t -> Long.parseLong(t.startsWith("+") ? t.substring(1) : t));
                case AT, US, SS, UL, SL, FL, FD, SV, UV -> binaryNumbers(vr, b);
                default -> strings(vr, ds.getStrings(tag));
            }
        }
        g.writeEndObject();
    }

    private void strings(VR vr, String[] values) throws IOException {
        if (values.length == 0 || values.length == 1 && values[0].isEmpty()) {
            return;
        }
        g.writeArrayFieldStart("Value");
        for (String v : values) {
            if (v.isEmpty()) {
                g.writeNull();
            } else {
                g.writeString(v);
            }
        }
        g.writeEndArray();
    }

    /**
     * PN values as objects of their component groups (PS3.18 F.2.2). A group of empty components only ("^^^^")
     * is an empty group, since trailing empty components may be left out (PS3.5 6.2.1): a name whose groups are
     * all empty is an empty value (null in a multi-value, no "Value" when it is the only one), as dcm2json has it.
     */
    private void personNames(String[] values) throws IOException {
        String[][] names = new String[values.length][];
        boolean any = false;
        for (int k = 0; k < values.length; k++) {
            names[k] = groups(values[k]);
            any |= names[k] != null;
        }
        if (!any) {
            return;
        }
        g.writeArrayFieldStart("Value");
        for (String[] groups : names) {
            if (groups == null) {
                g.writeNull();
                continue;
            }
            g.writeStartObject();
            for (int n = 0; n < 3; n++) {
                if (groups[n] != null) {
                    g.writeStringField(PN_GROUPS[n], groups[n]);
                }
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** The three groups of a name, null for an empty one; null when all are empty. */
    private static String[] groups(String value) {
        String[] split = value.split("=", -1);
        String[] groups = new String[3];
        boolean any = false;
        for (int n = 0; n < Math.min(3, split.length); n++) {
            String group = split[n];
            if (!group.chars().allMatch(c -> c == '^' || c == ' ')) {
                groups[n] = group;
                any = true;
            }
        }
        return any ? groups : null;
    }

    /** DS and IS: JSON numbers; a value that does not parse is kept as its string rather than lost (PS3.18 2024c allows strings). */
    private void numbers(String[] values, java.util.function.Function<String, Number> parse) throws IOException {
        if (values.length == 0 || values.length == 1 && values[0].isEmpty()) {
            return;
        }
        g.writeArrayFieldStart("Value");
        for (String v : values) {
            String t = v.trim();
            if (t.isEmpty()) {
                g.writeNull();
                continue;
            }
            Number n;
            try {
                n = parse.apply(t);
            } catch (NumberFormatException e) {
                g.writeString(t);
                continue;
            }
            if (n instanceof BigDecimal d) {
                g.writeNumber(d);
            } else {
                g.writeNumber(n.longValue());
            }
        }
        g.writeEndArray();
    }

    private void binaryNumbers(VR vr, byte[] b) throws IOException {
        int w = vr.valueWidth();
        g.writeArrayFieldStart("Value");
        for (int off = 0; off + w <= b.length; off += w) {
            switch (vr) {
                case AT -> g.writeString(BulkDataPaths.hex(LittleEndian.u16(b, off) << 16 | LittleEndian.u16(b, off + 2)));
                case US -> g.writeNumber(LittleEndian.u16(b, off));
                case SS -> g.writeNumber((short) LittleEndian.u16(b, off));
                case UL -> g.writeNumber(LittleEndian.i32(b, off) & 0xFFFFFFFFL);
                case SL -> g.writeNumber(LittleEndian.i32(b, off));
                case FL -> g.writeNumber(Float.intBitsToFloat(LittleEndian.i32(b, off)));
                case FD -> g.writeNumber(Double.longBitsToDouble(LittleEndian.i64(b, off)));
                case SV -> g.writeNumber(LittleEndian.i64(b, off));
                case UV -> g.writeNumber(new java.math.BigInteger(Long.toUnsignedString(LittleEndian.i64(b, off))));
                default -> throw new IllegalStateException(vr.name());
            }
        }
        g.writeEndArray();
    }
}
