package org.gridpacs.web.stow;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;

import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.io.DicomInputStream;
import org.gridpacs.dicom.io.TransferSyntax;

/**
 * Reads the Study Instance UID of a data set before it is stored (STOW-RS to /studies/{study} must refuse an
 * instance of another study, PS3.18 10.5), without losing a byte: what was read to find it is kept and handed
 * back in front of the rest. It comes early in a data set (group 0020, before Pixel Data and most sequences), so
 * only the elements before it are held, at most {@link #LIMIT} bytes.
 */
final class StudyLookAhead {
    /** More than any ordinary data set holds before (0020,000D); a data set that needs more is refused. */
    static final int LIMIT = 8 << 20;

    /**
     * The SOP Class, SOP Instance and Study Instance UIDs read (null when the data set has none) and the whole data
     * set again.
     */
    record Result(String sopClassUID, String sopInstanceUID, String studyInstanceUID, InputStream dataSet) {
    }

    /** Beyond {@link #LIMIT}. */
    static final class TooFarException extends IOException {
        TooFarException() {
            super("the data set holds more than " + (LIMIT >> 20) + " MiB before its Study Instance UID (0020,000D)");
        }
    }

    private StudyLookAhead() {
    }

    /**
     * @throws TooFarException                         beyond the limit
     * @throws org.gridpacs.dicom.io.DicomStreamException a data set that cannot be parsed (EOFException: cut short)
     */
    static Result read(InputStream data, TransferSyntax ts) throws IOException {
        Recording recording = new Recording(data);
        DicomInputStream in = new DicomInputStream(recording, 16 * 1024);
        in.setTransferSyntax(ts);
        in.setBulkDataThreshold(1024); // large values are skipped (still recorded), not kept twice
        org.gridpacs.dicom.data.DataSet head = in.readDataSet(Tag.StudyInstanceUID + 1);
        InputStream again = new ByteArrayInputStream(recording.bytes.toByteArray());
        return new Result(head.getString(Tag.SOPClassUID), head.getString(Tag.SOPInstanceUID),
                head.getString(Tag.StudyInstanceUID), new SequenceInputStream(again, data));
    }

    /** Keeps every byte read from the stream, up to the limit. */
    private static final class Recording extends FilterInputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 * 1024);

        Recording(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                check(1);
                bytes.write(b);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int r = in.read(b, off, len);
            if (r > 0) {
                check(r);
                bytes.write(b, off, r);
            }
            return r;
        }

        @Override
        public long skip(long n) throws IOException {
            // skipped bytes are recorded too: read them
            byte[] scratch = new byte[(int) Math.min(8192, Math.max(n, 1))];
            int r = read(scratch, 0, (int) Math.min(scratch.length, n));
            return Math.max(r, 0);
        }

        private void check(int more) throws TooFarException {
            if (bytes.size() + more > LIMIT) {
                throw new TooFarException();
            }
        }
    }
}
