package org.gridpacs.web.render;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.retrieve.RetrieveService;
import org.gridpacs.archive.retrieve.StoredInstance;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Fragments;
import org.gridpacs.dicom.data.LittleEndian;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
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
 *
 * <p>Encapsulated frames are told apart by the Basic Offset Table when it has one entry per frame, else one fragment
 * per frame (RLE, PS3.5 A.4.2), else (JPEG) fragments up to the one ending with an End Of Image marker.
 */
final class FrameSource implements Closeable {
    private static final int ITEM = 0xFFFEE000;
    private static final int SEQUENCE_DELIMITER = 0xFFFEE0DD;

    private final StoredInstance stored;
    private final DataSet header;
    private final ImagePixel pixel;
    private final String transferSyntax;
    private final InputStream pixelData;
    private final boolean bigEndian;
    /** Native: byte position within the Pixel Data value; encapsulated: position from the first fragment's item tag. */
    private long position;
    private int nextFrame;
    private long[] offsetTable;

    private FrameSource(StoredInstance stored, DataSet header, ImagePixel pixel, String transferSyntax,
                        InputStream pixelData, boolean bigEndian) {
        this.stored = stored;
        this.header = header;
        this.pixel = pixel;
        this.transferSyntax = transferSyntax;
        this.pixelData = pixelData;
        this.bigEndian = bigEndian;
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
        byte[] f = TransferSyntax.of(transferSyntax).encapsulated() ? encapsulated(index) : nativeFrame(index);
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

    private byte[] encapsulated(int index) throws IOException {
        if (offsetTable == null) {
            byte[] bot = item();
            if (bot == null) {
                throw new PixelDataException("encapsulated Pixel Data has no Basic Offset Table item");
            }
            offsetTable = bot.length >= 4L * pixel.frames() ? new long[pixel.frames()] : new long[0];
            for (int k = 0; k < offsetTable.length; k++) {
                offsetTable[k] = LittleEndian.i32(bot, 4 * k) & 0xFFFFFFFFL;
            }
            position = 0;
        }
        byte[] encoded;
        if (pixel.frames() == 1) {
            encoded = fragmentsUntilEnd();
        } else if (offsetTable.length > 0) {
            encoded = byOffsetTable(index);
        } else if (UID.RLELossless.equals(transferSyntax)) {
            for (int k = nextFrame; k < index; k++) {
                skipItem();
            }
            encoded = item();
        } else {
            for (int k = nextFrame; k < index; k++) {
                jpegFrame(false);
            }
            encoded = jpegFrame(true);
        }
        if (encoded == null) {
            throw new PixelDataException("Pixel Data ends before frame " + (index + 1));
        }
        return decode(encoded);
    }

    private byte[] byOffsetTable(int index) throws IOException {
        long from = offsetTable[index];
        long to = index + 1 < offsetTable.length ? offsetTable[index + 1] : Long.MAX_VALUE;
        if (from < position) {
            throw new PixelDataException("Basic Offset Table entries are not increasing");
        }
        while (position < from) {
            if (!skipItem()) {
                return null;
            }
        }
        if (position != from) {
            throw new PixelDataException("Basic Offset Table offset " + from + " of frame " + (index + 1)
                    + " is not at a fragment");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (position < to) {
            byte[] b = item();
            if (b == null) {
                break;
            }
            out.writeBytes(b);
        }
        return out.toByteArray();
    }

    private byte[] fragmentsUntilEnd() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] b = item(); b != null; b = item()) {
            out.writeBytes(b);
        }
        return out.toByteArray();
    }

    /** The fragments of the next JPEG frame, concatenated (or null when {@code keep} is false). */
    private byte[] jpegFrame(boolean keep) throws IOException {
        ByteArrayOutputStream out = keep ? new ByteArrayOutputStream() : null;
        boolean any = false;
        for (byte[] b = item(); b != null; b = item()) {
            any = true;
            if (out != null) {
                out.writeBytes(b);
            }
            if (endsWithEoi(b)) {
                return out != null ? out.toByteArray() : new byte[0];
            }
        }
        if (!any) {
            return null;
        }
        throw new PixelDataException("the last JPEG frame has no End Of Image marker");
    }

    private static boolean endsWithEoi(byte[] b) {
        int n = b.length;
        while (n > 0 && b[n - 1] == 0) {
            n--; // fragments are padded to an even length
        }
        return n >= 2 && (b[n - 2] & 0xFF) == 0xFF && (b[n - 1] & 0xFF) == 0xD9;
    }

    /** Decodes one frame's encoded bytes, given to the decoder as the only frame of a minimal data set. */
    private byte[] decode(byte[] encoded) throws IOException {
        DataSet one = new DataSet();
        for (int tag : new int[] {Tag.SamplesPerPixel, Tag.PhotometricInterpretation, Tag.PlanarConfiguration,
                Tag.Rows, Tag.Columns, Tag.BitsAllocated, Tag.BitsStored, Tag.HighBit, Tag.PixelRepresentation}) {
            if (header.contains(tag)) {
                one.setValue(tag, header.vrOf(tag), header.getValue(tag));
            }
        }
        Fragments fragments = new Fragments(VR.OB);
        fragments.add(new byte[0]);
        fragments.add(encoded);
        one.setValue(Tag.PixelData, VR.OB, fragments);
        return FrameDecoder.decode(one, transferSyntax, 0);
    }

    /** The next item's value, or null at the sequence delimiter or the end of the stream. */
    private byte[] item() throws IOException {
        long length = itemLength();
        if (length < 0) {
            return null;
        }
        if (length > Integer.MAX_VALUE - 8) {
            throw new PixelDataException("fragment of " + length + " bytes");
        }
        byte[] b = pixelData.readNBytes((int) length);
        if (b.length < length) {
            throw new EOFException("Pixel Data ends inside a fragment");
        }
        position += 8 + length;
        return b;
    }

    private boolean skipItem() throws IOException {
        long length = itemLength();
        if (length < 0) {
            return false;
        }
        pixelData.skipNBytes(length);
        position += 8 + length;
        return true;
    }

    /** Reads an item header: its value length, or -1 at the sequence delimiter or the end of the stream. */
    private long itemLength() throws IOException {
        byte[] h = pixelData.readNBytes(8);
        if (h.length == 0) {
            return -1;
        }
        if (h.length < 8) {
            throw new EOFException("Pixel Data ends inside an item header");
        }
        int tag = LittleEndian.u16(h, 0) << 16 | LittleEndian.u16(h, 2);
        if (tag == SEQUENCE_DELIMITER) {
            return -1;
        }
        if (tag != ITEM) {
            throw new PixelDataException(String.format("unexpected (%04X,%04X) in encapsulated Pixel Data",
                    tag >>> 16, tag & 0xFFFF));
        }
        long length = LittleEndian.i32(h, 4) & 0xFFFFFFFFL;
        if (length == 0xFFFFFFFFL) {
            throw new PixelDataException("fragment of undefined length");
        }
        return length;
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
