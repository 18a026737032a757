package org.gridpacs.dicom.io;

import java.io.BufferedOutputStream;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;

/**
 * Copies a Part 10 file the way a store-and-forward node does: the header (File Meta Information and every
 * element before Pixel Data) is parsed and written again, the rest streams through unread. Run by
 * {@link LargeObjectStreamingTest} in a JVM with a small heap: {@code PassThrough in.dcm out.dcm}.
 */
public final class PassThrough {
    private PassThrough() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: PassThrough in.dcm out.dcm");
            System.exit(2);
        }
        long start = System.nanoTime();
        try (DicomInputStream in = new DicomInputStream(new FileInputStream(args[0]));
             DicomOutputStream out = new DicomOutputStream(new BufferedOutputStream(new FileOutputStream(args[1]), 1 << 16))) {
            DataSet fmi = in.readFileMetaInformation();
            if (fmi == null) {
                throw new DicomStreamException(args[0] + " is not a Part 10 file");
            }
            DataSet header = in.readDataSet(Tag.PixelData);
            out.writeFileMetaInformation(fmi);
            out.writeDataSet(header);
            long remainder = in.copyRemainderTo(out);
            out.finish();
            System.out.printf("header: %d elements, remainder: %d bytes, %d ms, max heap %d MiB%n", header.size(),
                    remainder, (System.nanoTime() - start) / 1_000_000, Runtime.getRuntime().maxMemory() >> 20);
        }
    }
}
