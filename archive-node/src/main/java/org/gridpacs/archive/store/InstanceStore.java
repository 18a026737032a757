package org.gridpacs.archive.store;

import java.io.IOException;
import java.io.InputStream;

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
}
