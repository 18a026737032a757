package org.gridpacs.dicom.io;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

import org.gridpacs.dicom.data.BulkData;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.ElementDictionary;
import org.gridpacs.dicom.data.Fragments;
import org.gridpacs.dicom.data.LittleEndian;
import org.gridpacs.dicom.data.Sequence;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;

/**
 * Writes Part 10 files and bare data sets in any of the native transfer syntaxes, or an encapsulated one
 * (explicit VR little endian with the pixel data fragments as they are). Sequences and items are written
 * with undefined length, so nothing needs to be measured before it is written; values of odd length are
 * padded with their VR's padding byte (PS3.5 7.1).
 */
public final class DicomOutputStream extends OutputStream {
    private OutputStream out;
    private final byte[] buf;
    private int count;
    private boolean explicitVR = true;
    private boolean bigEndian;
    private DeflaterOutputStream deflater;
    private Deflater compressor;
    private CountingOutputStream deflated;

    public DicomOutputStream(OutputStream out) {
        this(out, 64 * 1024);
    }

    /** With a buffer of {@code bufferSize} bytes (at least 512): small for command sets, large for files. */
    public DicomOutputStream(OutputStream out, int bufferSize) {
        this.out = out;
        this.buf = new byte[Math.max(512, bufferSize)];
    }

    /**
     * Writes the 128-byte preamble, "DICM" and the File Meta Information (group 0002, explicit VR little
     * endian, its group length computed), then switches to the transfer syntax it names.
     */
    public void writeFileMetaInformation(DataSet fmi) throws IOException {
        writePreambleAndMetaGroup(fmi);
        setTransferSyntax(TransferSyntax.of(fmi.getString(Tag.TransferSyntaxUID)));
    }

    /** The preamble, "DICM" and group 0002, without switching to the data set's transfer syntax. */
    void writePreambleAndMetaGroup(DataSet fmi) throws IOException {
        String ts = fmi.getString(Tag.TransferSyntaxUID);
        if (ts == null || ts.isEmpty()) {
            throw new IllegalArgumentException("File Meta Information lacks Transfer Syntax UID (0002,0010)");
        }
        ensure(132);
        java.util.Arrays.fill(buf, count, count + 128, (byte) 0);
        count += 128;
        buf[count++] = 'D';
        buf[count++] = 'I';
        buf[count++] = 'C';
        buf[count++] = 'M';
        explicitVR = true;
        bigEndian = false;
        DataSet group = new DataSet();
        for (int k = 0; k < fmi.size(); k++) {
            if ((fmi.tagAt(k) >>> 16) == 0x0002 && fmi.tagAt(k) != Tag.FileMetaInformationGroupLength) {
                group.setValue(fmi.tagAt(k), fmi.vrAt(k), fmi.valueAt(k));
            }
        }
        long length = 0;
        for (int k = 0; k < group.size(); k++) {
            length += headerLength(group.vrAt(k)) + paddedLength(group.valueAt(k));
        }
        group.setInt(Tag.FileMetaInformationGroupLength, VR.UL, (int) length);
        writeDataSet(group);
    }

    private int headerLength(VR vr) {
        return explicitVR && !vr.longLength() ? 8 : 12;
    }

    private static long paddedLength(Object v) {
        if (v == null) {
            return 0;
        }
        if (v instanceof byte[] b) {
            return b.length + (b.length & 1);
        }
        throw new IllegalArgumentException("File Meta Information holds only simple values");
    }

    /** Selects the encoding of what follows; for deflate, everything written afterwards is compressed. */
    public void setTransferSyntax(TransferSyntax ts) throws IOException {
        explicitVR = ts.explicitVR();
        bigEndian = ts.bigEndian();
        if (ts.deflated() && deflater == null) {
            flushBuffer();
            compressor = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
            deflated = new CountingOutputStream(out);
            deflater = new DeflaterOutputStream(deflated, compressor, 64 * 1024);
            out = deflater;
        }
    }

    /** Writes every element of the data set. */
    public void writeDataSet(DataSet ds) throws IOException {
        for (int k = 0; k < ds.size(); k++) {
            writeElement(ds.tagAt(k), ds.vrAt(k), ds.valueAt(k));
        }
    }

    private void writeElement(int tag, VR vr, Object value) throws IOException {
        if (value instanceof Sequence seq) {
            writeHeader(tag, VR.SQ, -1);
            for (DataSet item : seq) {
                writeHeader(Tag.Item, null, -1);
                writeDataSet(item);
                writeHeader(Tag.ItemDelimitationItem, null, 0);
            }
            writeHeader(Tag.SequenceDelimitationItem, null, 0);
        } else if (value instanceof Fragments frags) {
            writeHeader(tag, frags.vr(), -1);
            for (Object f : frags) {
                if (!(f instanceof byte[] b)) {
                    throw new IOException("cannot write a pixel data fragment left in its source (bulk data)");
                }
                writeHeader(Tag.Item, null, b.length + (b.length & 1));
                write(b, 0, b.length);
                if ((b.length & 1) != 0) {
                    write(0);
                }
            }
            writeHeader(Tag.SequenceDelimitationItem, null, 0);
        } else if (value instanceof BulkData) {
            throw new IOException("cannot write " + ElementDictionary.toString(tag)
                    + ": its value was left in the source stream (bulk data)");
        } else {
            byte[] b = (byte[]) value;
            int len = b == null ? 0 : b.length;
            int padded = len + (len & 1);
            VR written = vr;
            if (explicitVR && !vr.longLength() && padded > 0xFFFF) {
                written = VR.UN; // too long for the 16-bit length field: UN keeps the bytes (PS3.5 6.2.2 note)
            }
            writeHeader(tag, written, padded);
            if (len > 0) {
                if (bigEndian && DicomInputStream.swapWidth(vr) > 1) {
                    writeSwapped(b, DicomInputStream.swapWidth(vr));
                } else {
                    write(b, 0, len);
                }
                if ((len & 1) != 0) {
                    write(vr.paddingByte());
                }
            }
        }
    }

    private void writeSwapped(byte[] b, int width) throws IOException {
        for (int off = 0; off < b.length; ) {
            ensure(Math.min(buf.length, b.length - off));
            int n = Math.min(buf.length - count, b.length - off);
            n -= n % width;
            if (n == 0) {
                n = Math.min(width, b.length - off);
            }
            System.arraycopy(b, off, buf, count, n);
            LittleEndian.swap(buf, count, n, width);
            count += n;
            off += n;
        }
    }

    /**
     * Writes an element header; {@code length} -1 means undefined length. {@code vr} null for item and
     * delimitation tags, which have no VR. With this and {@link #write(byte[], int, int)} a caller can stream
     * a value too large to hold in memory.
     */
    public void writeHeader(int tag, VR vr, long length) throws IOException {
        ensure(12);
        put16(tag >>> 16);
        put16(tag & 0xFFFF);
        int len32 = length < 0 ? -1 : (int) length;
        if (vr == null || !explicitVR) {
            put32(len32);
            return;
        }
        buf[count++] = (byte) (vr.code() >> 8);
        buf[count++] = (byte) vr.code();
        if (vr.longLength()) {
            put16(0);
            put32(len32);
        } else {
            put16((int) length);
        }
    }

    private void put16(int v) {
        if (bigEndian) {
            buf[count++] = (byte) (v >> 8);
            buf[count++] = (byte) v;
        } else {
            buf[count++] = (byte) v;
            buf[count++] = (byte) (v >> 8);
        }
    }

    private void put32(int v) {
        if (bigEndian) {
            put16(v >>> 16);
            put16(v & 0xFFFF);
        } else {
            put16(v & 0xFFFF);
            put16(v >>> 16);
        }
    }

    private void ensure(int n) throws IOException {
        if (buf.length - count < n) {
            flushBuffer();
        }
    }

    private void flushBuffer() throws IOException {
        if (count > 0) {
            out.write(buf, 0, count);
            count = 0;
        }
    }

    @Override
    public void write(int b) throws IOException {
        ensure(1);
        buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (len >= buf.length) {
            flushBuffer();
            out.write(b, off, len);
            return;
        }
        ensure(len);
        System.arraycopy(b, off, buf, count, len);
        count += len;
    }

    /**
     * Flushes buffered bytes and completes a deflated stream, padding it to even length with one NUL byte
     * (PS3.5 A.5, as pydicom and DCMTK write it; DCMTK refuses odd-length P-DATA fragments); the underlying
     * stream stays open.
     */
    public void finish() throws IOException {
        flushBuffer();
        if (deflater != null && !compressor.finished()) {
            deflater.finish();
            compressor.end(); // native memory: not left to the garbage collector
            if ((deflated.count & 1) != 0) {
                deflated.write(0);
            }
        }
        out.flush();
    }

    /** Counts the bytes of the deflated stream, to pad it to even length. */
    private static final class CountingOutputStream extends java.io.FilterOutputStream {
        long count;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }

    @Override
    public void flush() throws IOException {
        flushBuffer();
        out.flush();
    }

    @Override
    public void close() throws IOException {
        finish();
        out.close();
    }
}
