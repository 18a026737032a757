package org.gridpacs.archive.store;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.io.DicomOutputStream;
import org.gridpacs.dicom.io.TransferSyntax;

/**
 * A data set built in memory, encoded for the store's stream path: the store then parses, checks, indexes and
 * writes it exactly as a received one. Encoded once into one buffer, which the returned stream reads without
 * copying it; that is fine for what is built in memory (an RT Dose: a few MB), not for a large object.
 */
final class EncodedDataSet {

    private EncodedDataSet() {
    }

    /** {@code dataSet} without its File Meta Information elements (group 0002), in {@code ts}. */
    static InputStream of(DataSet dataSet, TransferSyntax ts) throws IOException {
        Buffer bytes = new Buffer();
        DicomOutputStream out = new DicomOutputStream(bytes);
        out.setTransferSyntax(ts);
        out.writeDataSet(withoutFileMeta(dataSet));
        out.finish();
        return bytes.asInputStream();
    }

    /** The store writes its own File Meta Information: group 0002 in the data set itself would be invalid. */
    private static DataSet withoutFileMeta(DataSet dataSet) {
        if (dataSet.isEmpty() || (dataSet.tagAt(0) >>> 16) > 0x0002) {
            return dataSet; // elements are in tag order: nothing of group 0002 (nearly always: no copy)
        }
        DataSet rest = new DataSet();
        for (int k = 0; k < dataSet.size(); k++) {
            if ((dataSet.tagAt(k) >>> 16) > 0x0002) {
                rest.setValue(dataSet.tagAt(k), dataSet.vrAt(k), dataSet.valueAt(k));
            }
        }
        return rest;
    }

    /** Reads back the bytes written without copying them. */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer() {
            super(64 * 1024);
        }

        InputStream asInputStream() {
            return new ByteArrayInputStream(buf, 0, count);
        }
    }
}
