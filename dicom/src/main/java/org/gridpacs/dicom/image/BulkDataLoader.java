package org.gridpacs.dicom.image;

import java.io.IOException;

import org.gridpacs.dicom.data.BulkData;

/** Loads a value a {@link org.gridpacs.dicom.io.DicomInputStream} left in its source (bulk data threshold). */
@FunctionalInterface
public interface BulkDataLoader {
    /** Refuses bulk data: for data sets read whole into memory. */
    BulkDataLoader NONE = b -> {
        throw new PixelDataException("pixel data was left in its source as bulk data (offset " + b.offset()
                + "); read the data set without a bulk data threshold or give a loader");
    };

    /** The value's bytes as stored in the source (not swapped). */
    byte[] load(BulkData bulk) throws IOException;
}
