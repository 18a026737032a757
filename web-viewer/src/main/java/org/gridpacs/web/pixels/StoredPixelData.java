package org.gridpacs.web.pixels;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import org.gridpacs.archive.retrieve.StoredInstance;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.LittleEndian;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.image.FrameDecoder;
import org.gridpacs.dicom.image.ImagePixel;
import org.gridpacs.dicom.image.PixelDataException;
import org.gridpacs.dicom.io.DicomInputStream;
import org.gridpacs.dicom.io.TransferSyntax;

/**
 * The Pixel Data of a stored instance, read forward only and no more than asked for: the header (the data set up to
 * Pixel Data) is parsed, then a native frame is reached by skipping to its byte offset (a file seeks) and an
 * encapsulated one by walking the fragment item headers ({@link EncapsulatedFrames}). Frames must be asked for in
 * ascending order; a caller that needs an earlier one opens the instance again. Memory: the header and at most one
 * frame. What WADO-RS frames and bulk data, rendered images and WADO-URI all read pixels through.
 */
public final class StoredPixelData implements Closeable {
    /** Buffer of the header parse: a CT header is a few kilobytes, so one fill reads it and Pixel Data's start. */
    private static final int HEADER_BUFFER = 16 * 1024;

    private final StoredInstance stored;
    private final DataSet header;
    private final ImagePixel pixel;
    private final TransferSyntax syntax;
    private final InputStream value;
    private final long valueLength; // -1: encapsulated
    private final VR vr;
    private long consumed;
    private EncapsulatedFrames fragments;

    private StoredPixelData(StoredInstance stored, DataSet header, ImagePixel pixel, InputStream value,
                            long valueLength, VR vr) {
        this.stored = stored;
        this.header = header;
        this.pixel = pixel;
        this.syntax = stored.transferSyntax();
        this.value = value;
        this.valueLength = valueLength;
        this.vr = vr;
    }

    /**
     * Reads {@code stored}'s header and the Pixel Data element header, leaving the stream at the start of the
     * value. Takes over {@code stored} (closes it when this fails).
     *
     * @throws NoPixelData when the instance has no Pixel Data (an RT Plan, a report) or no image description
     */
    public static StoredPixelData open(StoredInstance stored) throws IOException {
        try {
            TransferSyntax ts = stored.transferSyntax();
            DicomInputStream in = new DicomInputStream(stored.dataSet(), HEADER_BUFFER);
            in.setTransferSyntax(ts);
            DataSet header = in.readDataSet(Tag.PixelData);
            if (!in.stoppedAtTag()) {
                throw new NoPixelData("it has no Pixel Data");
            }
            // a deflated data set comes out of remainder() inflated: explicit VR little endian from here on
            InputStream rest = in.remainder();
            boolean bigEndian = ts.bigEndian();
            byte[] h = Streams.readFully(rest, 8);
            int tag = u16(h, 0, bigEndian) << 16 | u16(h, 2, bigEndian);
            if (tag != Tag.PixelData) {
                throw new NoPixelData("it has no Pixel Data");
            }
            VR vr = VR.OW;
            long length;
            if (ts.explicitVR()) {
                vr = VR.ofCode((h[4] & 0xFF) << 8 | (h[5] & 0xFF));
                if (vr == VR.OB || vr == VR.OW || vr == VR.UN) {
                    length = u32(Streams.readFully(rest, 4), 0, bigEndian);
                } else {
                    throw new PixelDataException("Pixel Data has VR " + vr);
                }
            } else {
                length = u32(h, 4, bigEndian);
            }
            boolean undefined = length == 0xFFFFFFFFL;
            if (ts.encapsulated() != undefined) {
                throw new PixelDataException("Pixel Data is " + (ts.encapsulated() ? "not " : "")
                        + "encapsulated, but the transfer syntax is " + ts.name());
            }
            ImagePixel pixel;
            try {
                pixel = ImagePixel.of(header);
            } catch (PixelDataException e) {
                throw new NoPixelData(e.getMessage());
            }
            return new StoredPixelData(stored, header, pixel, rest, undefined ? -1 : length, vr);
        } catch (IOException | RuntimeException e) {
            stored.close();
            throw e;
        }
    }

    /** The instance has no frames to send. */
    public static final class NoPixelData extends IOException {
        private static final long serialVersionUID = 1L;

        NoPixelData(String reason) {
            super(reason);
        }
    }

    public DataSet header() {
        return header;
    }

    public ImagePixel pixel() {
        return pixel;
    }

    public int frames() {
        return pixel.frames();
    }

    /** The stored transfer syntax. */
    public TransferSyntax transferSyntax() {
        return syntax;
    }

    public boolean encapsulated() {
        return valueLength < 0;
    }

    /** The VR the stored Pixel Data has (OB or OW). */
    public VR vr() {
        return vr;
    }

    /** Whether {@link #frame} can give this instance's frames: native, or compressed in a syntax decoded here. */
    public boolean decodable() {
        return !encapsulated() || FrameDecoder.canDecode(syntax.uid());
    }

    /**
     * Frame {@code frame} (0-based, not before one already read) in its native form, little endian: as stored for
     * native data, decoded ({@link FrameDecoding}) for compressed data. For callers that need the samples (rendering).
     */
    public byte[] frame(int frame) throws IOException {
        if (encapsulated()) {
            return FrameDecoding.decode(header, syntax.uid(), fragments().readFrame(frame));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(nativeFrameLength(pixel));
        copyNativeFrame(frame, out);
        return out.toByteArray();
    }

    /** The bytes of one frame as {@link #frame} and {@link #copyNativeFrame} give it. */
    public int frameBytes() {
        return encapsulated() ? pixel.frameLength() : nativeFrameLength(pixel);
    }

    /** Copies native frame {@code frame} (0-based, not before one already read) little endian. */
    public void copyNativeFrame(int frame, OutputStream out) throws IOException {
        long len = nativeFrameLength(pixel);
        long start;
        if (pixel.bitsAllocated() == 1) {
            long bits = (long) pixel.pixelsPerFrame() * pixel.samplesPerPixel() * frame;
            if (bits % 8 != 0) {
                throw new PixelDataException("1-bit frame " + (frame + 1) + " does not start on a byte boundary");
            }
            start = bits / 8;
        } else {
            start = len * frame;
        }
        if (start + len > valueLength) {
            throw new PixelDataException("Pixel Data holds " + valueLength + " bytes, frame " + (frame + 1)
                    + " needs " + (start + len));
        }
        if (start < consumed) {
            throw new IllegalStateException("frame " + (frame + 1) + " is before the stream's position");
        }
        Streams.skipFully(value, start - consumed);
        Streams.copy(value, out, len, swapWidth());
        consumed = start + len;
    }

    /** Copies the whole native Pixel Data value, little endian. */
    public void copyNativeValue(OutputStream out) throws IOException {
        Streams.copy(value, out, valueLength, swapWidth());
        consumed = valueLength;
    }

    /** The length of the native Pixel Data value. */
    public long valueLength() {
        return valueLength;
    }

    /** The encapsulated frames, read forward. */
    public EncapsulatedFrames fragments() throws IOException {
        if (!encapsulated()) {
            throw new IllegalStateException("native Pixel Data");
        }
        if (fragments == null) {
            fragments = new EncapsulatedFrames(value, pixel.frames(), syntax.uid(), header);
        }
        return fragments;
    }

    /** The stream after the Pixel Data element (for an encapsulated value: once {@link EncapsulatedFrames} ended it). */
    public InputStream rest() {
        return value;
    }

    /** Bytes of a native frame; YBR_FULL_422 holds two samples per pixel (PS3.3 C.7.6.3.1.2). */
    private static int nativeFrameLength(ImagePixel p) {
        if ("YBR_FULL_422".equals(p.photometricInterpretation()) && p.bitsAllocated() == 8) {
            return p.pixelsPerFrame() * 2;
        }
        return p.frameLength();
    }

    /** The width of the values whose byte order a big-endian stored native frame must have swapped; 1: none. */
    private int swapWidth() {
        return syntax.bigEndian() && pixel.bitsAllocated() > 8 ? pixel.bitsAllocated() / 8 : 1;
    }

    private static int u16(byte[] b, int off, boolean bigEndian) {
        return bigEndian ? (b[off] & 0xFF) << 8 | (b[off + 1] & 0xFF) : LittleEndian.u16(b, off);
    }

    private static long u32(byte[] b, int off, boolean bigEndian) {
        return bigEndian
                ? ((long) (b[off] & 0xFF) << 24 | (b[off + 1] & 0xFF) << 16 | (b[off + 2] & 0xFF) << 8 | (b[off + 3] & 0xFF))
                : LittleEndian.i32(b, off) & 0xFFFFFFFFL;
    }

    @Override
    public void close() throws IOException {
        stored.close();
    }
}
