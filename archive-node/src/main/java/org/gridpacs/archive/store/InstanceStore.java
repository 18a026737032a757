package org.gridpacs.archive.store;

import java.io.IOException;
import java.io.InputStream;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.net.dimse.Status;

/**
 * Stores one instance for a protocol adapter (C-STORE, STOW-RS). This node's {@link StoreService} is one; the
 * cluster's replicating store wraps it and answers only once the required copies exist.
 */
public interface InstanceStore {

    /**
     * Stores one instance whose data set {@code data} streams in the request's transfer syntax.
     *
     * @throws StoreException with the DICOM failure status when the instance is refused or cannot be stored
     * @throws IOException    when reading {@code data} fails (the sender went away): nothing is stored
     */
    StoreResult store(StoreRequest request, InputStream data) throws StoreException, IOException;

    /**
     * Stores one instance built in memory (an RT Dose the dose service computed) through the same path as a
     * received one: indexed, the duplicate policy applied, replicated. {@code dataSet} is encoded in the request's
     * transfer syntax; File Meta Information elements in it (group 0002) are left out, the store writes its own.
     * See {@link StoreRequest#of}.
     *
     * <p>Encoded once, then {@link #store(StoreRequest, InputStream)}: every store (this node's, the cluster's, the
     * one that tells the listeners) takes a data set down its own stream path, so it is checked, indexed,
     * deduplicated and replicated exactly as a received instance.
     *
     * @throws StoreException with the DICOM failure status when the instance is refused or cannot be stored
     */
    default StoreResult store(StoreRequest request, DataSet dataSet) throws StoreException {
        InputStream encoded;
        try {
            encoded = EncodedDataSet.of(dataSet, StoreService.transferSyntax(request));
        } catch (IOException e) {
            throw new StoreException(Status.CANNOT_UNDERSTAND, "the data set cannot be encoded: " + e.getMessage(), e);
        }
        try {
            return store(request, encoded);
        } catch (IOException e) {
            // reading memory does not fail: whatever this is, it is not the sender's
            throw new StoreException(Status.PROCESSING_FAILURE, "the data set could not be stored: " + e.getMessage(), e);
        }
    }
}
