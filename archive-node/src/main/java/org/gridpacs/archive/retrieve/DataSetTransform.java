package org.gridpacs.archive.retrieve;

import org.gridpacs.dicom.data.DataSet;

/**
 * Changes an instance on its way to one destination: attribute coercion, de-identification, later transcoding.
 * It sees the data set up to Pixel Data (the attributes such changes are about); the pixel data streams past it.
 */
@FunctionalInterface
public interface DataSetTransform {

    /**
     * No change: the instance is sent as stored, its bytes streamed without being parsed. Compared by identity,
     * so use this constant, not a function that happens to change nothing.
     */
    DataSetTransform IDENTITY = header -> header;

    /** The header to send in place of {@code header} (which it may change in place and return). */
    DataSet apply(DataSet header);
}
