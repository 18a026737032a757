package org.gridpacs.dicom.io;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.ElementDictionary;
import org.gridpacs.dicom.data.LittleEndian;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;

/**
 * Converts a data set between the transfer syntaxes that do not compress pixel data (implicit/explicit VR,
 * little/big endian, deflated), streaming: only the header is held in memory; the pixel data streams through
 * in chunks, its bytes swapped when the byte order changes. Compressed (encapsulated) data cannot be
 * converted without a codec and is refused.
 */
public final class Transcoder {
    private static final int CHUNK = 64 * 1024;

    private Transcoder() {
    }

    /** Whether a data set can be converted from one syntax to the other without a codec. */
    public static boolean canConvert(TransferSyntax from, TransferSyntax to) {
        return !from.encapsulated() && !to.encapsulated();
    }

    public static void transcode(InputStream in, TransferSyntax from, OutputStream out, TransferSyntax to)
            throws IOException {
        if (!canConvert(from, to)) {
            throw new DicomStreamException("cannot convert " + from + " to " + to + " without a codec");
        }
        DicomInputStream dis = new DicomInputStream(in);
        dis.setTransferSyntax(from);
        DataSet header = dis.readDataSet(Tag.PixelData);
        writeHeaderAndRest(header, dis, from, out, to);
    }

    /**
     * Writes {@code header} (read from {@code rest} up to Pixel Data, then perhaps changed by the caller: a
     * coercion, a de-identification) in {@code to}, then what follows it in {@code rest}: as it is when the
     * syntax stays the same (so compressed pixel data passes too), converted otherwise. Only the header is in
     * memory; the pixel data streams.
     */
    public static void writeHeaderAndRest(DataSet header, DicomInputStream rest, TransferSyntax from, OutputStream out,
                                          TransferSyntax to) throws IOException {
        boolean same = from.uid().equals(to.uid());
        if (!same && !canConvert(from, to)) {
            throw new DicomStreamException("cannot convert " + from + " to " + to + " without a codec");
        }
        DicomOutputStream dos = new DicomOutputStream(out);
        dos.setTransferSyntax(to);
        dos.writeDataSet(header);
        if (rest.stoppedAtTag()) {
            InputStream remainder = rest.remainder();
            if (same) {
                // through the output stream, not around it: a deflated syntax compresses the remainder again
                remainder.transferTo(dos);
            } else {
                // the remainder is already inflated: read it with the same syntax, less the deflate
                TransferSyntax restSyntax = from.deflated() ? TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN : from;
                copyPixelData(remainder, restSyntax, dos, from.bigEndian() != to.bigEndian());
                DicomInputStream tail = new DicomInputStream(remainder);
                tail.setTransferSyntax(restSyntax);
                dos.writeDataSet(tail.readDataSet());
            }
        }
        dos.finish();
    }

    private static void copyPixelData(InputStream in, TransferSyntax ts, DicomOutputStream dos, boolean swap)
            throws IOException {
        byte[] h = readFully(in, 8);
        int group = u16(h, 0, ts.bigEndian());
        int element = u16(h, 2, ts.bigEndian());
        int tag = group << 16 | element;
        VR vr;
        long length;
        if (ts.explicitVR()) {
            vr = VR.ofCode((h[4] & 0xFF) << 8 | (h[5] & 0xFF));
            if (vr == null) {
                throw new DicomStreamException("invalid VR in " + ElementDictionary.toString(tag));
            }
            if (vr.longLength()) {
                byte[] l = readFully(in, 4);
                length = u32(l, ts.bigEndian());
            } else {
                length = u16(h, 6, ts.bigEndian());
            }
        } else {
            vr = VR.OW;
            byte[] l = {h[4], h[5], h[6], h[7]};
            length = u32(l, ts.bigEndian());
        }
        if (tag != Tag.PixelData || length == 0xFFFFFFFFL) {
            throw new DicomStreamException("cannot convert " + ElementDictionary.toString(tag)
                    + (length == 0xFFFFFFFFL ? " of undefined length (encapsulated)" : ""));
        }
        dos.writeHeader(tag, vr, length);
        int width = swap ? vr.valueWidth() : 1;
        byte[] chunk = new byte[CHUNK];
        long left = length;
        while (left > 0) {
            int n = in.readNBytes(chunk, 0, (int) Math.min(chunk.length, left));
            if (n <= 0) {
                throw new EOFException("the pixel data ends " + left + " bytes early");
            }
            if (width > 1) {
                LittleEndian.swap(chunk, 0, n, width); // chunks are a multiple of every value width
            }
            dos.write(chunk, 0, n);
            left -= n;
        }
    }

    private static byte[] readFully(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new EOFException("the data set ends inside an element header");
        }
        return b;
    }

    private static int u16(byte[] b, int off, boolean bigEndian) {
        return bigEndian ? (b[off] & 0xFF) << 8 | (b[off + 1] & 0xFF) : LittleEndian.u16(b, off);
    }

    private static long u32(byte[] b, boolean bigEndian) {
        return bigEndian
                ? ((long) (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF))
                : LittleEndian.i32(b, 0) & 0xFFFFFFFFL;
    }
}
