package org.gridpacs.archive.store;

import java.io.IOException;
import java.io.InputStream;

import org.gridpacs.dicom.data.DataSet;

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
     * @throws StoreException with the DICOM failure status when the instance is refused or cannot be stored
     */
    StoreResult store(StoreRequest request, DataSet dataSet) throws StoreException;
}
