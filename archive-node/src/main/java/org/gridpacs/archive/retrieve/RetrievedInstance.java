package org.gridpacs.archive.retrieve;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.io.DicomInputStream;
import org.gridpacs.dicom.io.TransferSyntax;
import org.gridpacs.dicom.io.Transcoder;

/**
 * An instance opened for one {@link RetrieveContext}: the transfer syntax chosen from what the destination accepts,
 * and the data set ready to write in it, transformed for the destination. Without a transform and in the stored
 * syntax its bytes are copied as stored, never parsed; a conversion between uncompressed syntaxes streams the
 * pixel data; a transform holds only the header (up to Pixel Data) in memory.
 */
public final class RetrievedInstance implements Closeable {
    private final IndexedInstance instance;
    private final TransferSyntax stored;
    private final TransferSyntax transferSyntax;
    private final InputStream dataSet;
    /** The stored data set read up to Pixel Data, when a transform changes it; else null. */
    private final DicomInputStream parsed;
    /** The transformed header; null without a transform. */
    private final DataSet header;

    private RetrievedInstance(IndexedInstance instance, TransferSyntax stored, TransferSyntax transferSyntax,
                              InputStream dataSet, DicomInputStream parsed, DataSet header) {
        this.instance = instance;
        this.stored = stored;
        this.transferSyntax = transferSyntax;
        this.dataSet = dataSet;
        this.parsed = parsed;
        this.header = header;
    }

    /**
     * Takes over {@code opened}; with a transform other than the identity, reads and transforms its header now,
     * so that the UIDs a transform may change are known before a C-STORE request names them.
     */
    static RetrievedInstance of(StoredInstance opened, TransferSyntax transferSyntax, DataSetTransform transform)
            throws IOException {
        if (transform == DataSetTransform.IDENTITY) {
            return new RetrievedInstance(opened.instance(), opened.transferSyntax(), transferSyntax, opened.dataSet(),
                    null, null);
        }
        DicomInputStream in = new DicomInputStream(opened.dataSet());
        in.setTransferSyntax(opened.transferSyntax());
        DataSet header = transform.apply(in.readDataSet(Tag.PixelData));
        return new RetrievedInstance(opened.instance(), opened.transferSyntax(), transferSyntax, opened.dataSet(), in,
                header);
    }

    /** The instance as the index knows it. */
    public IndexedInstance instance() {
        return instance;
    }

    /** The SOP Class UID to send (the transformed data set's, when a transform set one). */
    public String sopClassUID() {
        String uid = header != null ? header.getString(Tag.SOPClassUID) : null;
        return uid != null ? uid : instance.sopClassUID();
    }

    /** The SOP Instance UID to send (the transformed data set's: de-identification gives new UIDs). */
    public String sopInstanceUID() {
        String uid = header != null ? header.getString(Tag.SOPInstanceUID) : null;
        return uid != null ? uid : instance.sopInstanceUID();
    }

    /** The syntax {@link #writeTo} writes: one of those the destination accepts. */
    public TransferSyntax transferSyntax() {
        return transferSyntax;
    }

    /** Writes the data set (without File Meta Information) in {@link #transferSyntax()}; once. */
    public void writeTo(OutputStream out) throws IOException {
        if (parsed != null) {
            Transcoder.writeHeaderAndRest(header, parsed, stored, out, transferSyntax);
        } else if (stored.uid().equals(transferSyntax.uid())) {
            dataSet.transferTo(out); // as stored: what C-MOVE and C-GET send nearly always, at disk speed
        } else {
            Transcoder.transcode(dataSet, stored, out, transferSyntax);
        }
    }

    @Override
    public void close() throws IOException {
        dataSet.close();
    }
}
