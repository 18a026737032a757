package org.gridpacs.dicom.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.gridpacs.dicom.data.BulkData;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Fragments;
import org.gridpacs.dicom.data.LittleEndian;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.UIDs;

/**
 * Decodes one frame of a data set's Pixel Data to its native form: the bytes an uncompressed Explicit VR Little
 * Endian encoding of that frame would hold (samples of Bits Allocated bits, little endian, Planar Configuration as
 * the data set declares it; bits beyond Bits Stored as encoded). Handles the native transfer syntaxes (a data set
 * read from a big-endian stream already holds its OW values swapped to little endian), RLE Lossless and lossless JPEG
 * (process 14, and its SV1 subset); any other transfer syntax raises a {@link PixelDataException} that names it.
 *
 * <p>Encapsulated frames (PS3.5 A.4) are found with the Basic Offset Table when present, else one fragment per frame,
 * else (JPEG) by the End Of Image marker ending a frame's last fragment.
 */
public final class FrameDecoder {
    private static final Set<String> JPEG_LOSSLESS = Set.of(UID.JPEGLossless, UID.JPEGLosslessSV1);

    private FrameDecoder() {
    }

    /** True when frames encoded with this transfer syntax can be decoded here. */
    public static boolean canDecode(String transferSyntaxUid) {
        return isNative(transferSyntaxUid) || UID.RLELossless.equals(transferSyntaxUid)
                || JPEG_LOSSLESS.contains(transferSyntaxUid);
    }

    /**
     * The transfer syntax of a data set whose File Meta Information was not kept: its (0002,0010) when present; else
     * Explicit VR Little Endian for native Pixel Data (the reader already normalised it to little endian); else told
     * from the first fragment's bytes (PS3.5 A.4): RLE header, JPEG start-of-frame marker (process 14 lossless, baseline,
     * extended, progressive, JPEG-LS), JPEG 2000 codestream. A guess for encapsulated data (SV1 comes out as process
     * 14, which it is a case of; JPEG 2000 as .91 even when lossless-only): prefer the real UID.
     */
    public static String transferSyntaxOf(DataSet ds) throws PixelDataException {
        String ts = ds.getString(Tag.TransferSyntaxUID);
        if (ts != null && !ts.isBlank()) {
            return ts.trim();
        }
        if (!(ds.getValue(Tag.PixelData) instanceof Fragments f)) {
            return UID.ExplicitVRLittleEndian;
        }
        byte[] b = f.size() > 1 && f.get(1) instanceof byte[] first ? first : new byte[0];
        if (b.length >= 8 && LittleEndian.i32(b, 0) >= 1 && LittleEndian.i32(b, 0) <= 15 && LittleEndian.i32(b, 4) == 64) {
            return UID.RLELossless;
        }
        if (b.length >= 4 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0x4F) {
            return UID.JPEG2000;
        }
        if (b.length >= 12 && b[4] == 'j' && b[5] == 'P') {
            return UID.JPEG2000; // JP2 file format box
        }
        if (b.length >= 4 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8) {
            int pos = 2;
            while (pos + 4 <= b.length && (b[pos] & 0xFF) == 0xFF) {
                int marker = b[pos + 1] & 0xFF;
                switch (marker) {
                    case 0xC3: return UID.JPEGLossless;
                    case 0xC0: return UID.JPEGBaseline8Bit;
                    case 0xC1: return UID.JPEGExtended12Bit;
                    case 0xC2: return UID.JPEGFullProgressionNonHierarchical1012;
                    case 0xF7: return UID.JPEGLSLossless;
                    default: pos += 2 + ((b[pos + 2] & 0xFF) << 8 | (b[pos + 3] & 0xFF));
                }
            }
        }
        throw new PixelDataException("encapsulated Pixel Data of an unknown compression and no transfer syntax given");
    }

    /** Frame {@code frame} (0-based) of a data set held in memory (values as byte[], not bulk data). */
    public static byte[] decode(DataSet ds, String transferSyntaxUid, int frame) throws PixelDataException {
        try {
            return decode(ds, transferSyntaxUid, frame, BulkDataLoader.NONE);
        } catch (PixelDataException e) {
            throw e;
        } catch (IOException e) {
            throw new PixelDataException(e.getMessage(), e);
        }
    }

    /** Frame {@code frame} (0-based); values the stream left as {@link BulkData} are read with {@code loader}. */
    public static byte[] decode(DataSet ds, String transferSyntaxUid, int frame, BulkDataLoader loader)
            throws IOException {
        String ts = transferSyntaxUid == null ? UID.ImplicitVRLittleEndian : transferSyntaxUid.trim();
        if (!canDecode(ts)) {
            String name = UIDs.nameOf(ts);
            throw PixelDataException.unsupported(name != null ? name : "with UID", ts);
        }
        ImagePixel p = ImagePixel.of(ds);
        if (frame < 0 || frame >= p.frames()) {
            throw new PixelDataException("frame " + (frame + 1) + " asked for, the data set has " + p.frames());
        }
        Object value = ds.getValue(Tag.PixelData);
        if (value == null) {
            throw new PixelDataException("no Pixel Data");
        }
        if (isNative(ts)) {
            byte[] f = nativeFrame(value, p, frame, loader);
            if (UID.ExplicitVRBigEndian.equals(ts) && p.bitsAllocated() == 32 && value instanceof byte[]
                    && ds.vrOf(Tag.PixelData) == org.gridpacs.dicom.data.VR.OW) {
                swapWordsInLongs(f); // the stream swapped OW as 16-bit words; a 32-bit sample needs its words swapped too
            }
            return f;
        }
        if (!(value instanceof Fragments fragments)) {
            throw new PixelDataException("transfer syntax " + UIDs.nameOf(ts) + " but Pixel Data is not encapsulated");
        }
        byte[] encoded = encapsulatedFrame(fragments, p.frames(), frame, loader, JPEG_LOSSLESS.contains(ts));
        return UID.RLELossless.equals(ts) ? RleDecoder.decode(encoded, p) : JpegLosslessDecoder.decode(encoded, p);
    }

    private static void swapWordsInLongs(byte[] b) {
        for (int i = 0; i + 3 < b.length; i += 4) {
            byte b0 = b[i];
            byte b1 = b[i + 1];
            b[i] = b[i + 2];
            b[i + 1] = b[i + 3];
            b[i + 2] = b0;
            b[i + 3] = b1;
        }
    }

    private static boolean isNative(String ts) {
        return UID.ImplicitVRLittleEndian.equals(ts) || UID.ExplicitVRLittleEndian.equals(ts)
                || UID.ExplicitVRBigEndian.equals(ts) || UID.DeflatedExplicitVRLittleEndian.equals(ts);
    }

    private static byte[] nativeFrame(Object value, ImagePixel p, int frame, BulkDataLoader loader)
            throws IOException {
        if (value instanceof Fragments) {
            throw new PixelDataException("native transfer syntax but Pixel Data is encapsulated");
        }
        byte[] all;
        if (value instanceof BulkData bulk) {
            all = loader.load(bulk);
            if (bulk.bigEndian() && p.bitsAllocated() > 8) {
                LittleEndian.swap(all, 0, all.length, p.bitsAllocated() / 8);
            }
        } else if (value instanceof byte[] b) {
            all = b;
        } else {
            throw new PixelDataException("Pixel Data has an unexpected value " + value.getClass().getSimpleName());
        }
        int len = p.frameLength();
        if (p.bitsAllocated() == 1 && frame > 0 && (long) p.pixelsPerFrame() * frame % 8 != 0) {
            throw new PixelDataException("1-bit frames that do not start on a byte are not decoded");
        }
        long start = p.bitsAllocated() == 1 ? (long) p.pixelsPerFrame() * frame / 8 : (long) len * frame;
        if (start + len > all.length) {
            throw new PixelDataException("Pixel Data holds " + all.length + " bytes, frame " + (frame + 1) + " needs "
                    + (start + len));
        }
        return java.util.Arrays.copyOfRange(all, (int) start, (int) start + len);
    }

    /** The encoded bytes of one frame: its fragments concatenated. */
    static byte[] encapsulatedFrame(Fragments fragments, int frames, int frame, BulkDataLoader loader, boolean jpeg)
            throws IOException {
        if (fragments.size() < 2) {
            throw new PixelDataException("encapsulated Pixel Data has no fragment");
        }
        List<byte[]> items = new ArrayList<>(fragments.size());
        for (Object o : fragments) {
            items.add(o instanceof BulkData b ? loader.load(b) : o == null ? new byte[0] : (byte[]) o);
        }
        byte[] offsetTable = items.get(0);
        List<byte[]> data = items.subList(1, items.size());
        if (frames == 1) {
            return concat(data, 0, data.size());
        }
        if (offsetTable.length >= 4 * frames) {
            // offsets count from the first byte of the first fragment's item tag; each item has an 8-byte header
            long[] starts = new long[data.size()];
            long pos = 0;
            for (int k = 0; k < data.size(); k++) {
                starts[k] = pos;
                pos += 8 + data.get(k).length;
            }
            long from = LittleEndian.i32(offsetTable, 4 * frame) & 0xFFFFFFFFL;
            long to = frame + 1 < frames ? LittleEndian.i32(offsetTable, 4 * frame + 4) & 0xFFFFFFFFL : Long.MAX_VALUE;
            int first = -1;
            int end = data.size();
            for (int k = 0; k < data.size(); k++) {
                if (starts[k] == from) {
                    first = k;
                }
                if (first >= 0 && starts[k] >= to) {
                    end = k;
                    break;
                }
            }
            if (first < 0) {
                throw new PixelDataException("Basic Offset Table offset " + from + " of frame " + (frame + 1)
                        + " is not at a fragment");
            }
            return concat(data, first, end);
        }
        if (data.size() == frames) {
            return data.get(frame);
        }
        if (jpeg) {
            int k = 0;
            for (int f = 0; f < frames; f++) {
                int first = k;
                while (k < data.size() && !endsWithEoi(data.get(k))) {
                    k++;
                }
                k++;
                if (f == frame) {
                    if (k > data.size()) {
                        break;
                    }
                    return concat(data, first, k);
                }
            }
        }
        throw new PixelDataException(data.size() + " fragments for " + frames
                + " frames and no Basic Offset Table: cannot tell the frames apart");
    }

    private static boolean endsWithEoi(byte[] b) {
        int n = b.length;
        while (n > 0 && b[n - 1] == 0) {
            n--; // fragments are padded to an even length
        }
        return n >= 2 && (b[n - 2] & 0xFF) == 0xFF && (b[n - 1] & 0xFF) == 0xD9;
    }

    private static byte[] concat(List<byte[]> data, int from, int to) {
        if (to - from == 1) {
            return data.get(from);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int k = from; k < to; k++) {
            out.writeBytes(data.get(k));
        }
        return out.toByteArray();
    }
}
