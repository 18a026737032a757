package org.gridpacs.web.wado;

import java.io.IOException;
import java.io.OutputStream;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Fragments;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.image.FrameDecoder;
import org.gridpacs.dicom.image.ImagePixel;
import org.gridpacs.dicom.io.DicomInputStream;
import org.gridpacs.dicom.io.DicomOutputStream;
import org.gridpacs.dicom.io.TransferSyntax;

/**
 * Writes a compressed stored instance in a native little-endian syntax, its frames decoded one at a time
 * ({@link FrameDecoder}: RLE, lossless JPEG): what an instance retrieve without a transfer-syntax parameter (Explicit
 * VR Little Endian, PS3.18 8.7.3.5.2) needs for such data. Memory: the header and one frame.
 */
final class DecodedInstance {
    private DecodedInstance() {
    }

    /** Writes the data set of {@code px} (without File Meta Information) in {@code to}. */
    static void writeTo(StoredPixelData px, TransferSyntax to, OutputStream out) throws IOException {
        ImagePixel p = px.pixel();
        String from = px.transferSyntax().uid();
        DataSet header = px.header();
        // offset tables of the compressed frames mean nothing for native data
        header.remove(Tag.ExtendedOffsetTable);
        header.remove(Tag.ExtendedOffsetTableLengths);
        DicomOutputStream dos = new DicomOutputStream(out);
        dos.setTransferSyntax(to);
        dos.writeDataSet(header);
        long length = p.bitsAllocated() == 1 ? ((long) p.pixelsPerFrame() * p.samplesPerPixel() * p.frames() + 7) / 8
                : (long) p.frameLength() * p.frames();
        if (length > 0xFFFFFFFEL) {
            throw new IOException("the decoded Pixel Data would be " + length + " bytes, more than one element holds");
        }
        dos.writeHeader(Tag.PixelData, p.bitsAllocated() > 8 ? VR.OW : VR.OB, length + (length & 1));
        EncapsulatedFrames frames = px.fragments();
        for (int k = 0; k < p.frames(); k++) {
            byte[] decoded = decodeFrame(header, from, frames.readFrame(k));
            if (decoded.length != p.frameLength()) {
                throw new IOException("frame " + (k + 1) + " decodes to " + decoded.length + " bytes, not "
                        + p.frameLength());
            }
            dos.write(decoded);
        }
        if ((length & 1) != 0) {
            dos.write(0);
        }
        frames.skipToEnd();
        // what follows Pixel Data (padding, signatures): explicit VR little endian, as in every compressed syntax
        DicomInputStream tail = new DicomInputStream(px.rest());
        tail.setTransferSyntax(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        dos.writeDataSet(tail.readDataSet());
        dos.finish();
    }

    /** One frame's encoded bytes decoded to native little endian. */
    static byte[] decodeFrame(DataSet header, String transferSyntaxUid, byte[] encoded) throws IOException {
        DataSet one = frameDataSet(header);
        Fragments f = new Fragments(VR.OB);
        f.add(new byte[0]);
        f.add(encoded);
        one.setValue(Tag.PixelData, VR.OB, f);
        return FrameDecoder.decode(one, transferSyntaxUid, 0);
    }

    /** The Image Pixel attributes of one frame, for the decoder. */
    private static DataSet frameDataSet(DataSet header) {
        DataSet one = new DataSet();
        for (int tag : new int[] {Tag.SamplesPerPixel, Tag.PhotometricInterpretation, Tag.PlanarConfiguration,
                Tag.Rows, Tag.Columns, Tag.BitsAllocated, Tag.BitsStored, Tag.HighBit, Tag.PixelRepresentation}) {
            if (header.contains(tag)) {
                one.setValue(tag, header.vrOf(tag), header.getValue(tag));
            }
        }
        return one;
    }
}
