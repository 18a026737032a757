package org.gridpacs.web.render;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;

import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.retrieve.RetrieveService;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.image.FrameDecoder;
import org.gridpacs.dicom.image.ImagePixel;
import org.gridpacs.dicom.io.DicomOutputStream;
import org.gridpacs.dicom.io.TransferSyntax;

/**
 * An instance stored with lossless compression (RLE, lossless JPEG: what {@link FrameDecoder} decodes) written in
 * Explicit VR Little Endian, its frames decoded one at a time, so memory holds one frame whatever the instance's
 * size: what a client that asks for the default syntax of PS3.18 gets for compressed data. The header is kept as
 * stored (Photometric Interpretation included: lossless decoding gives back the samples that were encoded);
 * elements after Pixel Data (trailing padding) are left out.
 */
public final class DecompressedInstance implements Closeable {
    private final FrameSource source;

    private DecompressedInstance(FrameSource source) {
        this.source = source;
    }

    /** Whether data stored in {@code transferSyntaxUid} can be written decompressed. */
    public static boolean canDecompress(String transferSyntaxUid) {
        return TransferSyntax.of(transferSyntaxUid).encapsulated() && FrameDecoder.canDecode(transferSyntaxUid);
    }

    /**
     * Opens the instance and reads its header (before anything is written, so that a refusal can still be sent).
     *
     * @throws NotRenderableException when it has no Pixel Data or its syntax is not decoded here
     */
    public static DecompressedInstance open(RetrieveService retrieve, IndexedInstance instance) throws IOException {
        return new DecompressedInstance(FrameSource.open(retrieve, instance));
    }

    public String sopClassUID() {
        return source.header().getString(Tag.SOPClassUID);
    }

    public String sopInstanceUID() {
        return source.header().getString(Tag.SOPInstanceUID);
    }

    /** Writes the data set (without File Meta Information) in Explicit VR Little Endian. */
    public void writeTo(OutputStream out) throws IOException {
        ImagePixel p = source.pixel();
        DicomOutputStream dos = new DicomOutputStream(out);
        dos.setTransferSyntax(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        dos.writeDataSet(source.header());
        long length = (long) FrameSource.nativeFrameLength(p) * p.frames();
        dos.writeHeader(Tag.PixelData, p.bitsAllocated() > 8 ? VR.OW : VR.OB, length + (length & 1));
        for (int k = 0; k < p.frames(); k++) {
            byte[] f = source.frame(k);
            dos.write(f, 0, f.length);
        }
        if ((length & 1) != 0) {
            dos.write(0);
        }
        dos.finish();
    }

    @Override
    public void close() throws IOException {
        source.close();
    }
}
