package org.gridpacs.web.render;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Fragments;
import org.gridpacs.dicom.data.LittleEndian;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.image.FrameDecoder;
import org.gridpacs.dicom.image.PixelDataException;

/**
 * The frames of encapsulated Pixel Data (PS3.5 A.4) read forward from its first item, one frame's fragments at a
 * time, then decoded by {@link FrameDecoder}. Frames are told apart by the Basic Offset Table when it has one entry
 * per frame, else one fragment per frame (RLE, PS3.5 A.4.2), else (JPEG) fragments up to the one ending with an
 * End Of Image marker.
 */
final class EncapsulatedFrames {
    private static final int ITEM = 0xFFFEE000;
    private static final int SEQUENCE_DELIMITER = 0xFFFEE0DD;

    private final InputStream pixelData;
    private final DataSet header;
    private final int frames;
    private final String transferSyntax;
    /** Position from the first fragment's item tag (what Basic Offset Table entries count from). */
    private long position;
    private long[] offsetTable;

    EncapsulatedFrames(InputStream pixelData, DataSet header, int frames, String transferSyntax) {
        this.pixelData = pixelData;
        this.header = header;
        this.frames = frames;
        this.transferSyntax = transferSyntax;
    }

    /** Frame {@code index} decoded, {@code nextFrame} being the first frame not yet passed. */
    byte[] frame(int index, int nextFrame) throws IOException {
        if (offsetTable == null) {
            byte[] bot = item();
            if (bot == null) {
                throw new PixelDataException("encapsulated Pixel Data has no Basic Offset Table item");
            }
            offsetTable = bot.length >= 4L * frames ? new long[frames] : new long[0];
            for (int k = 0; k < offsetTable.length; k++) {
                offsetTable[k] = LittleEndian.i32(bot, 4 * k) & 0xFFFFFFFFL;
            }
            position = 0;
        }
        byte[] encoded;
        if (frames == 1) {
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
}
