package org.gridpacs.web.wado;

import java.io.IOException;
import java.io.OutputStream;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.image.FrameDecoder;
import org.gridpacs.dicom.image.ImagePixel;
import org.gridpacs.dicom.image.PixelDataException;
import org.gridpacs.dicom.io.DicomInputStream;
import org.gridpacs.dicom.io.DicomOutputStream;
import org.gridpacs.dicom.io.TransferSyntax;
import org.gridpacs.web.pixels.FrameDecoding;
import org.gridpacs.web.pixels.StoredPixelData;

/**
 * Writes a compressed stored instance in a native little-endian syntax, its frames decoded one at a time
 * ({@link FrameDecoder}: RLE, lossless JPEG): what an instance retrieve (WADO-RS, WADO-URI) that asks for Explicit
 * VR Little Endian, the default of PS3.18, needs for such data. The header is kept as stored (Photometric
 * Interpretation included: lossless decoding gives back the samples that were encoded). Memory: the header and
 * one frame.
 */
public final class DecodedInstance {
    private DecodedInstance() {
    }

    /** Whether data stored in {@code from} can be written decoded in {@code to}. */
    public static boolean decodable(TransferSyntax from, TransferSyntax to) {
        return from.encapsulated() && FrameDecoder.canDecode(from.uid()) && to.isNative() && !to.bigEndian();
    }

    /**
     * Writes the data set of {@code px} (without File Meta Information) in {@code to}.
     *
     * The elements after Pixel Data (Data Set Trailing Padding, a digital signature) follow it, as stored.
     */
    public static void writeTo(StoredPixelData px, TransferSyntax to, OutputStream out)
            throws IOException {
        if (!px.encapsulated()) {
            throw new PixelDataException("the stored copy is not compressed (" + px.transferSyntax().name()
                    + "), there is nothing to decode");
        }
        ImagePixel p = px.pixel();
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
        for (int k = 0; k < p.frames(); k++) {
            byte[] decoded = px.frame(k);
            if (decoded.length != p.frameLength()) {
                throw new IOException("frame " + (k + 1) + " decodes to " + decoded.length + " bytes, not "
                        + p.frameLength());
            }
            dos.write(decoded);
        }
        if ((length & 1) != 0) {
            dos.write(0);
        }
        px.fragments().skipToEnd();
        // what follows Pixel Data: explicit VR little endian, as in every compressed syntax
        DicomInputStream tail = new DicomInputStream(px.rest());
        tail.setTransferSyntax(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        dos.writeDataSet(tail.readDataSet());
        dos.finish();
    }

    /** One frame's encoded bytes decoded to native little endian. */
    public static byte[] decodeFrame(DataSet header, String transferSyntaxUid, byte[] encoded) throws IOException {
        return FrameDecoding.decode(header, transferSyntaxUid, encoded);
    }
}
