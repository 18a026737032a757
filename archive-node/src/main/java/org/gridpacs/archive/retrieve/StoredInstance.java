package org.gridpacs.archive.retrieve;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.dicom.io.TransferSyntax;

/** An instance opened for sending: its data set as stored (positioned after the File Meta Information). */
public record StoredInstance(IndexedInstance instance, TransferSyntax transferSyntax, InputStream dataSet)
        implements Closeable {

    @Override
    public void close() throws IOException {
        dataSet.close();
    }
}
