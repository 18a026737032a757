package org.gridpacs.dicom.io;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

import org.gridpacs.dicom.data.BulkData;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.ElementDictionary;
import org.gridpacs.dicom.data.Fragments;
import org.gridpacs.dicom.data.LittleEndian;
import org.gridpacs.dicom.data.Sequence;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;

/**
 * Streaming reader of Part 10 files and bare data sets (PS3.5, PS3.10). Memory stays bounded whatever the
 * object size: the reader can stop before a given top-level tag (typically Pixel Data) and hand the rest of
 * the stream to {@link #copyRemainderTo(OutputStream)}, or skip values above a size threshold, recording
 * where they are as {@link BulkData}.
 *
 * <p>Malformed input raises {@link DicomStreamException} (or {@link EOFException} when truncated); lengths
 * that claim more than the stream holds never cause large allocations.
 */
public final class DicomInputStream implements Closeable {
    private static final int MAX_DEPTH = 64;
    private static final int UNDEFINED = -1;
    private static final int CHUNK = 1 << 20;

    private InputStream in;
    private Inflater inflater;
    private final byte[] buf;
    private int pos;
    private int limit;
    private long consumed;

    private TransferSyntax ts = TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN;
    private boolean explicitVR;
    private boolean bigEndian;
    private long bulkDataThreshold = Long.MAX_VALUE;
    private int depth;
    private boolean stopped;

    public DicomInputStream(InputStream in) {
        this(in, 64 * 1024);
    }

    /** With a buffer of {@code bufferSize} bytes (at least 512): small for command sets, large for files. */
    public DicomInputStream(InputStream in, int bufferSize) {
        this.in = in;
        this.buf = new byte[Math.max(512, bufferSize)];
    }

    /** The transfer syntax the data set is read with. */
    public TransferSyntax transferSyntax() {
        return ts;
    }

    /** Sets the transfer syntax for a bare data set (for example one received in P-DATA). */
    public void setTransferSyntax(TransferSyntax ts) throws IOException {
        this.ts = ts;
        this.explicitVR = ts.explicitVR();
        this.bigEndian = ts.bigEndian();
        if (ts.deflated()) {
            startInflating();
        }
    }

    /** Values of bulk VRs (OB, OW, OF, OD, OL, OV, UN) longer than this are skipped and kept as {@link BulkData}. */
    public void setBulkDataThreshold(long bytes) {
        this.bulkDataThreshold = bytes;
    }

    /** Bytes of the (inflated, for deflate) stream consumed so far. */
    public long position() {
        return consumed - (limit - pos);
    }

    /**
     * Reads the 128-byte preamble, "DICM" and the File Meta Information (group 0002) and sets the transfer
     * syntax it names. Without a preamble, leaves the stream untouched, guesses the transfer syntax of the bare
     * data set from its first bytes and returns null.
     */
    public DataSet readFileMetaInformation() throws IOException {
        if (fill(132) >= 132 && buf[pos + 128] == 'D' && buf[pos + 129] == 'I' && buf[pos + 130] == 'C'
                && buf[pos + 131] == 'M') {
            pos += 132;
            return readMetaGroup();
        }
        if (fill(6) >= 6 && LittleEndian.u16(buf, pos) == 0x0002 && isUpper(buf[pos + 4]) && isUpper(buf[pos + 5])) {
            return readMetaGroup(); // meta information without a preamble
        }
        guessTransferSyntax();
        return null;
    }

    private DataSet readMetaGroup() throws IOException {
        explicitVR = true;
        bigEndian = false;
        DataSet fmi = new DataSet();
        while (fill(4) >= 4 && LittleEndian.u16(buf, pos) == 0x0002) {
            readElement(fmi, true);
        }
        String tsuid = fmi.getString(Tag.TransferSyntaxUID);
        if (tsuid == null || tsuid.isBlank()) {
            guessTransferSyntax(); // meta information without (0002,0010): tell from the data set, as DCMTK does
        } else {
            setTransferSyntax(TransferSyntax.of(tsuid));
        }
        return fmi;
    }

    private void guessTransferSyntax() throws IOException {
        if (fill(6) < 6) {
            throw new DicomStreamException(limit - pos == 0 ? "empty input" : "not DICOM: too short");
        }
        boolean le = buf[pos + 1] == 0 || (buf[pos] != 0 && (buf[pos + 1] & 0xFF) < (buf[pos] & 0xFF));
        boolean explicit = isUpper(buf[pos + 4]) && isUpper(buf[pos + 5])
                && VR.ofCode((buf[pos + 4] & 0xFF) << 8 | (buf[pos + 5] & 0xFF)) != null;
        int group = le ? LittleEndian.u16(buf, pos) : (buf[pos] & 0xFF) << 8 | (buf[pos + 1] & 0xFF);
        if (group == 0 || group > 0x7FE0 && group != 0xFFFE) {
            throw new DicomStreamException("not DICOM: no preamble and no plausible first element");
        }
        setTransferSyntax(!le ? TransferSyntax.EXPLICIT_VR_BIG_ENDIAN
                : explicit ? TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN : TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN);
    }

    private static boolean isUpper(byte b) {
        return b >= 'A' && b <= 'Z';
    }

    private void startInflating() {
        byte[] rest = Arrays.copyOfRange(buf, pos, limit);
        consumed = position();
        pos = limit = 0;
        InputStream raw = new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(rest), in);
        inflater = new Inflater(true);
        in = new InflaterInputStream(raw, inflater, 64 * 1024);
    }

    /** Reads the whole data set to the end of the stream. */
    public DataSet readDataSet() throws IOException {
        return readDataSet(-1);
    }

    /**
     * Reads top-level elements until the end of the stream or the first element whose tag is at or after
     * {@code stopTag} (unsigned order; -1 for none). That element is left unread for {@link #copyRemainderTo}.
     */
    public DataSet readDataSet(int stopTag) throws IOException {
        DataSet ds = new DataSet();
        stopped = false;
        while (fill(1) > 0) {
            if (stopTag != -1 && fill(4) >= 4 && Integer.compareUnsigned(peekTag(), stopTag) >= 0) {
                stopped = true;
                break;
            }
            if (!readElement(ds, true)) {
                break;
            }
        }
        return ds;
    }

    /** True when the last {@link #readDataSet(int)} stopped before its stop tag rather than at the end. */
    public boolean stoppedAtTag() {
        return stopped;
    }

    /**
     * The bytes not yet read, as a stream (decompressed, for deflate): for a caller that continues with the
     * element at which {@link #readDataSet(int)} stopped. Its {@code skip} skips in the source past what was
     * buffered (a file seeks), so that a reader of one frame does not read the frames before it.
     */
    public InputStream remainder() {
        byte[] buffered = Arrays.copyOfRange(buf, pos, limit);
        pos = limit;
        return new Remainder(buffered, in);
    }

    /** What was buffered, then the source; unlike a SequenceInputStream, skips in the source. */
    private static final class Remainder extends InputStream {
        private final byte[] head;
        private int at;
        private final InputStream source;

        Remainder(byte[] head, InputStream source) {
            this.head = head;
            this.source = source;
        }

        @Override
        public int read() throws IOException {
            return at < head.length ? head[at++] & 0xFF : source.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (at < head.length) {
                int n = Math.min(len, head.length - at);
                System.arraycopy(head, at, b, off, n);
                at += n;
                return n;
            }
            return source.read(b, off, len);
        }

        @Override
        public long skip(long n) throws IOException {
            if (n <= 0) {
                return 0;
            }
            if (at < head.length) {
                int k = (int) Math.min(n, head.length - at);
                at += k;
                return k;
            }
            return source.skip(n);
        }

        @Override
        public int available() throws IOException {
            return at < head.length ? head.length - at : source.available();
        }

        @Override
        public void close() throws IOException {
            source.close();
        }
    }

    /** Copies every byte not yet read, unchanged, to {@code out}; returns the number of bytes copied. */

    public long copyRemainderTo(OutputStream out) throws IOException {
        long n = limit - pos;
        out.write(buf, pos, limit - pos);
        pos = limit;
        byte[] b = new byte[64 * 1024];
        int r;
        while ((r = in.read(b)) > 0) {
            out.write(b, 0, r);
            n += r;
            consumed += r;
        }
        return n;
    }

    // ---------------------------------------------------------------- elements

    private int peekTag() {
        return bigEndian
                ? ((buf[pos] & 0xFF) << 24 | (buf[pos + 1] & 0xFF) << 16 | (buf[pos + 2] & 0xFF) << 8 | (buf[pos + 3] & 0xFF))
                : (LittleEndian.u16(buf, pos) << 16 | LittleEndian.u16(buf, pos + 2));
    }

    private int readTag() throws IOException {
        require(4);
        int tag = peekTag();
        pos += 4;
        return tag;
    }

    private int readU16() throws IOException {
        require(2);
        int v = bigEndian ? (buf[pos] & 0xFF) << 8 | (buf[pos + 1] & 0xFF) : LittleEndian.u16(buf, pos);
        pos += 2;
        return v;
    }

    private long readU32() throws IOException {
        require(4);
        int v = bigEndian
                ? (buf[pos] & 0xFF) << 24 | (buf[pos + 1] & 0xFF) << 16 | (buf[pos + 2] & 0xFF) << 8 | (buf[pos + 3] & 0xFF)
                : LittleEndian.i32(buf, pos);
        pos += 4;
        return v & 0xFFFFFFFFL;
    }

    /**
     * Reads one element into {@code ds}. Returns false when an Item Delimitation Item ends the enclosing item
     * (only meaningful inside items).
     */
    private boolean readElement(DataSet ds, boolean topLevel) throws IOException {
        int tag = readTag();
        if ((tag >>> 16) == 0xFFFE) {
            long len = readU32();
            if (tag == Tag.ItemDelimitationItem && !topLevel) {
                return false;
            }
            if (tag == Tag.SequenceDelimitationItem || tag == Tag.ItemDelimitationItem) {
                // stray delimiter (seen in some files' trailing bytes): ignore it as DCMTK does
                return true;
            }
            throw new DicomStreamException("unexpected item tag " + ElementDictionary.toString(tag)
                    + " at byte " + (position() - 8) + " outside a sequence (length " + len + ")");
        }
        VR vr;
        long len;
        if (explicitVR) {
            require(2);
            byte b0 = buf[pos];
            byte b1 = buf[pos + 1];
            pos += 2;
            vr = VR.ofCode((b0 & 0xFF) << 8 | (b1 & 0xFF));
            if (vr == null) {
                if (!isUpper(b0) || !isUpper(b1)) {
                    throw new DicomStreamException(String.format("invalid VR bytes %02X %02X for element %s at byte %d",
                            b0 & 0xFF, b1 & 0xFF, ElementDictionary.toString(tag), position() - 6));
                }
                vr = VR.UN; // an unknown VR: read it with the 32-bit length form, as for UN
                require(2);
                pos += 2;
                len = readU32();
            } else if (vr.longLength()) {
                require(2);
                pos += 2;
                len = readU32();
            } else {
                len = readU16();
            }
        } else {
            len = readU32();
            vr = implicitVR(ds, tag);
        }
        boolean undefined = len == 0xFFFFFFFFL;
        if ((tag & 0xFFFF) == 0 && (tag >>> 16) != 0x0002 && (tag >>> 16) != 0x0000 && !undefined) {
            skip(len); // group lengths (retired) are dropped: they would be wrong after any change
            return true;
        }
        if (vr == VR.SQ || (undefined && vr == VR.UN && tag != Tag.PixelData)) {
            readSequence(ds, tag, undefined ? UNDEFINED : len, vr == VR.UN);
        } else if (undefined) {
            if (vr == VR.OB || vr == VR.OW || vr == VR.UN || !explicitVR) {
                ds.setValue(tag, vr == VR.UN ? VR.OB : vr, readFragments(vr == VR.OW ? VR.OW : VR.OB));
            } else {
                throw new DicomStreamException("undefined length for " + ElementDictionary.toString(tag) + " " + vr);
            }
        } else if (len > bulkDataThreshold && isBulk(vr)) {
            long offset = position();
            skip(len);
            ds.setValue(tag, vr, new BulkData(offset, len, bigEndian));
        } else {
            byte[] value = readValue(len, tag);
            if (bigEndian) {
                LittleEndian.swap(value, 0, value.length, swapWidth(vr));
            }
            ds.setValue(tag, vr, value.length == 0 ? null : value);
        }
        return true;
    }

    /**
     * The size of the units whose byte order differs between little and big endian: the VR's value width,
     * except AT, which is two 16-bit values (group, element) rather than one 32-bit value (PS3.5 7.3).
     */
    static int swapWidth(VR vr) {
        return vr == VR.AT ? 2 : vr.valueWidth();
    }

    private static boolean isBulk(VR vr) {
        return switch (vr) {
            case OB, OW, OF, OD, OL, OV, UN -> true;
            default -> false;
        };
    }

    private VR implicitVR(DataSet ds, int tag) {
        int group = tag >>> 16;
        int element = tag & 0xFFFF;
        if ((group & 1) != 0 && element >= 0x1000) {
            // the creator's bytes as they are: decoding them with the Specific Character Set could fail on a
            // malformed (0008,0005), and private creator names are plain ASCII
            String creator = ds.getValue(group << 16 | element >>> 8) instanceof byte[] b
                    ? new String(b, StandardCharsets.ISO_8859_1).trim() : null; // trim: spaces and NULs
            return creator != null ? ElementDictionary.vrOf(tag, creator) : VR.UN;
        }
        VR vr = ElementDictionary.vrOf(tag);
        if (vr == VR.US && ElementDictionary.isUSorSS(tag) && !isLookupTableDescriptor(tag) && signedPixels(ds)) {
            return VR.SS; // "US or SS" follows Pixel Representation, as DCMTK and pydicom read it
        }
        return vr;
    }

    /** LUT descriptors are "US or SS" for their first value only; read them as US, as pydicom does. */
    private static boolean isLookupTableDescriptor(int tag) {
        return (tag >= 0x00281100 && tag <= 0x00281113) || tag == 0x00283002;
    }

    /** Pixel Representation (0028,0103) is 1 in this data set or the nearest enclosing one that has it. */
    private static boolean signedPixels(DataSet ds) {
        for (DataSet d = ds; d != null; d = d.parent()) {
            if (d.containsValue(Tag.PixelRepresentation)) {
                return d.getInt(Tag.PixelRepresentation, 0) == 1;
            }
        }
        return false;
    }

    private void readSequence(DataSet ds, int tag, long len, boolean implicitLittleEndian) throws IOException {
        if (++depth > MAX_DEPTH) {
            throw new DicomStreamException("sequences nested deeper than " + MAX_DEPTH + " levels");
        }
        // an SQ of unknown VR (UN, undefined length) is always encoded implicit VR little endian (PS3.5 6.2.2)
        boolean savedExplicit = explicitVR;
        boolean savedBig = bigEndian;
        if (implicitLittleEndian) {
            explicitVR = false;
            bigEndian = false;
        }
        Sequence seq = ds.newSequence(tag);
        long end = len == UNDEFINED ? Long.MAX_VALUE : position() + len;
        while (position() < end) {
            int itemTag = readTag();
            long itemLen = readU32();
            if (itemTag == Tag.SequenceDelimitationItem) {
                break;
            }
            if (itemTag != Tag.Item) {
                throw new DicomStreamException("expected an item in sequence " + ElementDictionary.toString(tag)
                        + " but found " + ElementDictionary.toString(itemTag) + " at byte " + (position() - 8));
            }
            DataSet item = seq.addItem();
            boolean undefinedItem = itemLen == 0xFFFFFFFFL;
            // an item of undefined length ends at its delimiter, or at the end of a sequence of defined length
            long itemEnd = undefinedItem ? end : position() + itemLen;
            if (itemEnd > end) {
                itemEnd = end; // an item claiming more than its sequence holds ends with the sequence, as DCMTK reads it
            }
            while (position() < itemEnd && readElement(item, false)) {
                // elements of the item
            }
            if (!undefinedItem && position() != itemEnd) {
                throw new DicomStreamException("item of " + ElementDictionary.toString(tag) + " ends at byte " + position()
                        + " but its length says " + itemEnd);
            }
        }
        if (end != Long.MAX_VALUE && position() != end) {
            throw new DicomStreamException("items overrun the length of sequence " + ElementDictionary.toString(tag));
        }
        explicitVR = savedExplicit;
        bigEndian = savedBig;
        depth--;
    }

    private Fragments readFragments(VR vr) throws IOException {
        Fragments f = new Fragments(vr);
        while (true) {
            int itemTag = readTag();
            long len = readU32();
            if (itemTag == Tag.SequenceDelimitationItem) {
                return f;
            }
            if (itemTag != Tag.Item || len == 0xFFFFFFFFL) {
                throw new DicomStreamException("malformed encapsulated pixel data: found "
                        + ElementDictionary.toString(itemTag) + " with length " + len + " at byte " + (position() - 8));
            }
            if (len > bulkDataThreshold) {
                long offset = position();
                skip(len);
                f.add(new BulkData(offset, len, false));
            } else {
                f.add(readValue(len, Tag.PixelData));
            }
        }
    }

    // ---------------------------------------------------------------- buffer

    private byte[] readValue(long len, int tag) throws IOException {
        if (len > Integer.MAX_VALUE - 16) {
            throw new DicomStreamException("value of " + ElementDictionary.toString(tag) + " is " + len
                    + " bytes, too long to load (read it as bulk data)");
        }
        int n = (int) len;
        // grow in chunks, so a length that lies about the stream fails at EOF before allocating it all
        byte[] value = new byte[Math.min(n, CHUNK)];
        int off = 0;
        while (off < n) {
            if (off == value.length) {
                value = Arrays.copyOf(value, (int) Math.min(n, (long) value.length * 2));
            }
            int avail = limit - pos;
            if (avail == 0) {
                if (refill() <= 0) {
                    throw new EOFException("stream ends inside the value of " + ElementDictionary.toString(tag)
                            + " (" + off + " of " + n + " bytes)");
                }
                avail = limit - pos;
            }
            int k = Math.min(avail, value.length - off);
            System.arraycopy(buf, pos, value, off, k);
            pos += k;
            off += k;
        }
        return value;
    }

    private void skip(long len) throws IOException {
        while (len > 0) {
            int avail = limit - pos;
            if (avail == 0) {
                // skip all but the last byte, then read that one: a FileInputStream skips past the end of its file
                // without complaint, and only the read tells that the value is cut short
                long s = len > 1 ? in.skip(len - 1) : 0;
                if (s > 0) {
                    consumed += s;
                    len -= s;
                    continue;
                }
                if (refill() <= 0) {
                    throw new EOFException("stream ends inside a skipped value");
                }
                avail = limit - pos;
            }
            int k = (int) Math.min(avail, len);
            pos += k;
            len -= k;
        }
    }

    private void require(int n) throws IOException {
        if (fill(n) < n) {
            throw new EOFException("stream ends at byte " + position() + " inside an element header");
        }
    }

    /** Makes up to n bytes available in the buffer; returns how many are available (less only at end of stream). */
    private int fill(int n) throws IOException {
        while (limit - pos < n) {
            if (pos > 0) {
                System.arraycopy(buf, pos, buf, 0, limit - pos);
                limit -= pos;
                pos = 0;
            }
            int r = in.read(buf, limit, buf.length - limit);
            if (r <= 0) {
                break;
            }
            limit += r;
            consumed += r;
        }
        return limit - pos;
    }

    private int refill() throws IOException {
        pos = limit = 0;
        int r = in.read(buf, 0, buf.length);
        if (r > 0) {
            limit = r;
            consumed += r;
        }
        return r;
    }

    @Override
    public void close() throws IOException {
        try {
            in.close();
        } finally {
            if (inflater != null) {
                inflater.end(); // native memory: not left to the garbage collector
            }
        }
    }
}
