package org.gridpacs.archive.index;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import org.gridpacs.dicom.data.BulkData;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Fragments;
import org.gridpacs.dicom.data.Sequence;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.io.DicomOutputStream;
import org.gridpacs.dicom.io.TransferSyntax;

/**
 * The header the index keeps of an instance ({@link InstanceHeader#encodedHeader()}): the data set without
 * its bulk data, Explicit VR Little Endian, with the record of what was left out ({@link LeftOutValues}). The
 * store service and repair both make it here, so the same file gives the same bytes whichever path indexed it.
 */
public final class HeaderEncoder {
    /**
     * Values of the bulk VRs (OB, OW, OF, OD, OL, OV, UN) longer than this are bulk data, not header. Read headers
     * for the index with a {@link org.gridpacs.dicom.io.DicomInputStream#setBulkDataThreshold bulk data threshold}
     * of at least this, and the header does not depend on the threshold.
     */
    public static final int BULK_DATA_THRESHOLD = 4096;

    private HeaderEncoder() {
    }

    /**
     * Encodes {@code header} leaving out, at any depth, values left in their source (BulkData), encapsulated
     * pixel data (Fragments) and values of bulk VRs longer than {@link #BULK_DATA_THRESHOLD}; at the top level,
     * the pixel data elements whatever their size and any File Meta Information. So a data set read whole and
     * the same one read with a threshold give the same bytes. The path and VR of each value left out are recorded
     * in the header ({@link LeftOutValues}), except the top-level pixel data: the store and repair read a header
     * only up to Pixel Data, so that a data set read whole and one read up to Pixel Data give the same bytes too
     * (Rows and Columns say there is an image). The data set is not changed.
     */
    public static byte[] encode(DataSet header) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(8 * 1024);
        try {
            DicomOutputStream out = new DicomOutputStream(bytes, 8 * 1024);
            out.setTransferSyntax(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
            out.writeDataSet(withoutBulkData(header));
            out.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // only a value that cannot be written, and those were left out
        }
        return bytes.toByteArray();
    }

    /**
     * The index keys of an instance from a header made by {@link #encode} (as another node sends it): the inverse
     * of encoding, for indexing an instance whose file is elsewhere.
     *
     * @throws IllegalArgumentException when the bytes are not such a header or lack a required UID
     */
    public static InstanceHeader decode(byte[] encodedHeader, String transferSyntaxUID) {
        try {
            org.gridpacs.dicom.io.DicomInputStream in = new org.gridpacs.dicom.io.DicomInputStream(
                    new java.io.ByteArrayInputStream(encodedHeader));
            in.setTransferSyntax(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
            return InstanceHeader.of(in.readDataSet(), transferSyntaxUID, encodedHeader);
        } catch (IOException e) {
            throw new IllegalArgumentException("not an encoded header: " + e.getMessage(), e);
        }
    }

    /**
     * A copy sharing the value arrays (no byte is copied), without what {@link #encode} leaves out, with the
     * record of what that was.
     */
    static DataSet withoutBulkData(DataSet ds) {
        DataSet copy = new DataSet();
        List<LeftOutValues.Entry> leftOut = new ArrayList<>();
        for (int k = 0; k < ds.size(); k++) {
            int tag = ds.tagAt(k);
            if ((tag >>> 16) == 0x0002) {
                continue;
            }
            if (tag != Tag.PixelData && tag != Tag.FloatPixelData && tag != Tag.DoubleFloatPixelData) {
                copyElement(ds, k, copy, "", leftOut);
            }
        }
        LeftOutValues.record(copy, leftOut);
        return copy;
    }

    private static void copyElement(DataSet from, int k, DataSet to, String prefix, List<LeftOutValues.Entry> leftOut) {
        Object value = from.valueAt(k);
        // the path is made only for what needs it (every C-STORE passes here, element by element)
        if (value instanceof BulkData || value instanceof Fragments
                || value instanceof byte[] b && b.length > BULK_DATA_THRESHOLD && isBulk(from.vrAt(k))) {
            leftOut.add(new LeftOutValues.Entry(prefix + LeftOutValues.hex(from.tagAt(k)), from.vrAt(k)));
            return;
        }
        if (value instanceof Sequence seq) {
            String path = prefix + LeftOutValues.hex(from.tagAt(k));
            Sequence copy = to.newSequence(from.tagAt(k));
            int n = 0;
            for (DataSet item : seq) {
                DataSet itemCopy = copy.addItem();
                String itemPrefix = path + "/" + n++ + "/";
                for (int j = 0; j < item.size(); j++) {
                    copyElement(item, j, itemCopy, itemPrefix, leftOut);
                }
            }
            return;
        }
        to.setValue(from.tagAt(k), from.vrAt(k), value);
    }

    private static boolean isBulk(VR vr) {
        return switch (vr) {
            case OB, OW, OF, OD, OL, OV, UN -> true;
            default -> false;
        };
    }
}
