package org.gridpacs.web.render;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.retrieve.RetrieveService;
import org.gridpacs.archive.retrieve.StoredInstance;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.LittleEndian;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.image.FrameDecoder;
import org.gridpacs.dicom.image.ImagePixel;
import org.gridpacs.dicom.image.PixelDataException;
import org.gridpacs.dicom.io.DicomInputStream;
import org.gridpacs.dicom.io.TransferSyntax;

/**
 * The frames of one stored instance, read forward with bounded memory: the header is parsed up to Pixel Data, then
 * each {@link #frame} reads (and for RLE or lossless JPEG decodes, through {@link FrameDecoder}) only the bytes of
 * the frame asked for, skipping those before it; nothing holds more than one frame. Frames must be asked for in
 * increasing order.
 * Encapsulated frames are read by {@link EncapsulatedFrames}.
 */
final class FrameSource implements Closeable {
    private final StoredInstance stored;
    private final DataSet header;
    private final ImagePixel pixel;
    private final String transferSyntax;
    private final InputStream pixelData;
    private final boolean bigEndian;
    /** Byte position within a native Pixel Data value. */
    private long position;
    private int nextFrame;
    /** The fragments of encapsulated Pixel Data; null for native. */
    private final EncapsulatedFrames encapsulated;

    private FrameSource(StoredInstance stored, DataSet header, ImagePixel pixel, String transferSyntax,
                        InputStream pixelData, boolean bigEndian) {
        this.stored = stored;
        this.header = header;
        this.pixel = pixel;
        this.transferSyntax = transferSyntax;
        this.pixelData = pixelData;
        this.bigEndian = bigEndian;
        this.encapsulated = TransferSyntax.of(transferSyntax).encapsulated()
                ? new EncapsulatedFrames(pixelData, header, pixel.frames(), transferSyntax) : null;
    }

    /**
     * Opens the instance and reads its header up to the start of the Pixel Data value.
     *
     * @throws NotRenderableException for an instance without Pixel Data or with a transfer syntax not decoded here
     */
    static FrameSource open(RetrieveService retrieve, IndexedInstance instance) throws IOException {
        StoredInstance stored = retrieve.open(instance);
        try {
            TransferSyntax ts = stored.transferSyntax();
            DicomInputStream in = new DicomInputStream(stored.dataSet());
            in.setTransferSyntax(ts);
            DataSet header = in.readDataSet(Tag.PixelData);
            if (!in.stoppedAtTag()) {
                throw new NotRenderableException("instance " + instance.sopInstanceUID() + " has no Pixel Data");
            }
            if (!FrameDecoder.canDecode(ts.uid())) {
                throw new NotRenderableException("its pixel data is in transfer syntax " + ts.name() + " (" + ts.uid()
                        + "), which is not decoded here");
            }
            ImagePixel pixel;
            try {
                pixel = ImagePixel.of(header);
            } catch (PixelDataException e) {
                throw new NotRenderableException(e.getMessage());
            }
            InputStream rest = in.remainder();
            int tag = ts.bigEndian() ? readTagBigEndian(rest) : readTag(rest);
            if (tag != Tag.PixelData) {
                throw new NotRenderableException("instance " + instance.sopInstanceUID() + " has no Pixel Data");
            }
            long length = valueLength(rest, ts);
            FrameSource s = new FrameSource(stored, header, pixel, ts.uid(), rest, ts.bigEndian());
            if (ts.encapsulated() != (length == 0xFFFFFFFFL)) {
                throw new PixelDataException("Pixel Data is " + (ts.encapsulated() ? "not " : "")
                        + "encapsulated, but the transfer syntax is " + ts.name());
            }
            return s;
        } catch (IOException | RuntimeException e) {
            stored.close();
            throw e;
        }
    }

    DataSet header() {
        return header;
    }

    ImagePixel pixel() {
        return pixel;
    }

    String transferSyntax() {
        return transferSyntax;
    }

    /**
     * Frame {@code index} (0-based) in its native form (as {@link FrameDecoder} gives it: little endian, planar
     * configuration as declared).
     */
    byte[] frame(int index) throws IOException {
        if (index < nextFrame || index >= pixel.frames()) {
            throw new IllegalArgumentException("frame " + (index + 1) + " after frame " + nextFrame + " of "
                    + pixel.frames());
        }
        byte[] f = encapsulated != null ? encapsulated.frame(index, nextFrame) : nativeFrame(index);
        nextFrame = index + 1;
        return f;
    }

    private byte[] nativeFrame(int index) throws IOException {
        int length = nativeFrameLength(pixel);
        long start;
        if (pixel.bitsAllocated() == 1) {
            long bits = (long) pixel.pixelsPerFrame() * index;
            if (bits % 8 != 0) {
                throw new PixelDataException("1-bit frames that do not start on a byte are not read");
            }
            start = bits / 8;
        } else {
            start = (long) length * index;
        }
        pixelData.skipNBytes(start - position);
        byte[] f = pixelData.readNBytes(length);
        if (f.length < length) {
            throw new EOFException("Pixel Data ends inside frame " + (index + 1));
        }
        position = start + length;
        if (bigEndian && pixel.bitsAllocated() > 8) {
            LittleEndian.swap(f, 0, f.length, pixel.bitsAllocated() / 8);
        }
        return f;
    }

    /** Bytes of a native frame; YBR_FULL_422 holds two samples per pixel (PS3.3 C.7.6.3.1.2). */
    static int nativeFrameLength(ImagePixel p) {
        if ("YBR_FULL_422".equals(p.photometricInterpretation()) && p.bitsAllocated() == 8) {
            return p.pixelsPerFrame() * 2;
        }
        return p.frameLength();
    }

    private static int readTag(InputStream in) throws IOException {
        byte[] b = readFully(in, 4);
        return LittleEndian.u16(b, 0) << 16 | LittleEndian.u16(b, 2);
    }

    private static int readTagBigEndian(InputStream in) throws IOException {
        byte[] b = readFully(in, 4);
        return (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
    }

    /** The Pixel Data value length after its tag (0xFFFFFFFF: undefined, encapsulated). */
    private static long valueLength(InputStream in, TransferSyntax ts) throws IOException {
        if (!ts.explicitVR()) {
            return u32(readFully(in, 4), false);
        }
        byte[] vr = readFully(in, 2);
        boolean longForm = !(vr[0] == 'U' && vr[1] == 'S' || vr[0] == 'S' && vr[1] == 'S');
        if (!longForm) {
            byte[] l = readFully(in, 2);
            return ts.bigEndian() ? (l[0] & 0xFF) << 8 | (l[1] & 0xFF) : LittleEndian.u16(l, 0);
        }
        readFully(in, 2); // reserved
        return u32(readFully(in, 4), ts.bigEndian());
    }

    private static long u32(byte[] b, boolean bigEndian) {
        return bigEndian ? ((long) (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF))
                : LittleEndian.i32(b, 0) & 0xFFFFFFFFL;
    }

    private static byte[] readFully(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new EOFException("the data set ends inside the Pixel Data element header");
        }
        return b;
    }

    @Override
    public void close() throws IOException {
        stored.close();
    }
}
