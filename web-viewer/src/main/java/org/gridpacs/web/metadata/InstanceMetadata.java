package org.gridpacs.web.metadata;

import java.io.IOException;
import java.util.List;

import org.gridpacs.archive.index.LeftOutValues;
import org.gridpacs.archive.index.StoredHeaders;
import org.gridpacs.dicom.data.BulkData;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Fragments;
import org.gridpacs.dicom.data.Sequence;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.io.TransferSyntax;
import org.gridpacs.web.json.BulkDataPaths;
import org.gridpacs.web.json.DicomJsonWriter;

import com.fasterxml.jackson.core.JsonGenerator;

/**
 * The metadata of one instance, from its stored header: the attributes as stored, with
 * <ul>
 * <li>a BulkDataURI ({@link BulkDataPaths}) for every value the header left out (recorded in it:
 * {@link LeftOutValues}; a header indexed before that record was kept has none) and for the Pixel Data, which the
 * header never holds, when Rows and Columns say there is an image;</li>
 * <li>the small binary values the header kept inline (InlineBinary);</li>
 * <li>Available Transfer Syntax UID (0008,3002): the transfer syntax the instance is stored in (the File Meta
 * Information's Transfer Syntax UID is not part of the model).</li>
 * </ul>
 */
final class InstanceMetadata {
    /** What stands for a value left out of the header: the writer asks for its URI. */
    private static final BulkData LEFT_OUT = new BulkData(-1, -1, false);

    private InstanceMetadata() {
    }

    static void write(JsonGenerator g, StoredHeaders.Row row, String serviceRoot) throws IOException {
        DataSet ds = row.header();
        List<LeftOutValues.Entry> leftOut = LeftOutValues.of(ds);
        LeftOutValues.remove(ds);
        if (leftOut != null) { // null: indexed before left-out values were recorded; only Pixel Data is known
            for (LeftOutValues.Entry e : leftOut) {
                mark(ds, e);
            }
        }
        if (ds.containsValue(Tag.Rows) && ds.containsValue(Tag.Columns) && !ds.contains(Tag.PixelData)) {
            ds.setValue(Tag.PixelData, pixelDataVR(ds, row.transferSyntaxUID()), LEFT_OUT);
        }
        if (row.transferSyntaxUID() != null) {
            ds.setString(Tag.AvailableTransferSyntaxUID, VR.UI, row.transferSyntaxUID());
        }
        new DicomJsonWriter(g, (path, vr, value) -> value instanceof BulkData || value instanceof Fragments
                ? BulkDataPaths.uri(serviceRoot, row.studyInstanceUID(), row.seriesInstanceUID(), row.sopInstanceUID(), path)
                : null).write(ds);
    }

    /** OB when encapsulated or of bytes (PS3.5 8.2), else OW. */
    private static VR pixelDataVR(DataSet ds, String transferSyntaxUID) {
        boolean encapsulated = transferSyntaxUID != null && TransferSyntax.of(transferSyntaxUID).encapsulated();
        return encapsulated || ds.getInt(Tag.BitsAllocated, 16) <= 8 ? VR.OB : VR.OW;
    }

    /** Puts the stand-in of a left-out value at its path (its sequence items are in the header). */
    private static void mark(DataSet ds, LeftOutValues.Entry e) {
        BulkDataPaths.Path p = BulkDataPaths.parse(e.path());
        DataSet at = ds;
        for (int k = 0; k < p.items().size(); k++) {
            Sequence seq = at.getSequence(p.tags().get(k));
            int item = p.items().get(k);
            if (seq == null || item >= seq.size()) {
                return; // not where the record says: nothing to announce
            }
            at = seq.get(item);
        }
        at.setValue(p.tag(), e.vr(), LEFT_OUT);
    }
}
