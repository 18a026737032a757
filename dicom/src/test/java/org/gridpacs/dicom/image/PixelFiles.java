package org.gridpacs.dicom.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.io.DicomInputStream;
import org.gridpacs.dicom.io.TransferSyntax;

/** A Part 10 file read whole, with its transfer syntax, and its frames decoded. */
record PixelFiles(DataSet dataSet, String transferSyntaxUid) {

    static PixelFiles read(Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file); DicomInputStream in = new DicomInputStream(raw)) {
            DataSet fmi = in.readFileMetaInformation();
            TransferSyntax ts = in.transferSyntax();
            DataSet ds = in.readDataSet();
            return new PixelFiles(ds, fmi != null && fmi.getString(Tag.TransferSyntaxUID) != null
                    ? fmi.getString(Tag.TransferSyntaxUID) : ts.uid());
        }
    }

    /** Every frame decoded, one after the other. */
    byte[] allFrames() throws IOException {
        ImagePixel p = ImagePixel.of(dataSet);
        byte[] out = new byte[p.frameLength() * p.frames()];
        for (int f = 0; f < p.frames(); f++) {
            System.arraycopy(FrameDecoder.decode(dataSet, transferSyntaxUid, f), 0, out, f * p.frameLength(),
                    p.frameLength());
        }
        return out;
    }
}
