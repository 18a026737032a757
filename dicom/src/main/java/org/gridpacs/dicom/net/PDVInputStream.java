package org.gridpacs.dicom.net;

import java.io.IOException;
import java.io.InputStream;

import org.gridpacs.dicom.net.pdu.AAbort;
import org.gridpacs.dicom.net.pdu.PDataTF;
import org.gridpacs.dicom.net.pdu.PduException;

/**
 * The data set of one DIMSE message, read straight from the P-DATA-TF PDUs as they arrive: nothing is
 * buffered beyond the PDU being read. Ends after the PDV with the last-fragment bit.
 */
final class PDVInputStream extends InputStream {
    private final Association association;
    private final int pcid;
    private PDataTF.Cursor pdv;
    private int off;
    private int remaining;
    private boolean last;
    private boolean eof;
    private IOException failure;

    PDVInputStream(Association association, int pcid) {
        this.association = association;
        this.pcid = pcid;
        take(association.cursor());
    }

    private void take(PDataTF.Cursor c) {
        pdv = c;
        off = c.valueOffset();
        remaining = c.valueLength();
        last = c.isLast();
    }

    /** Moves to the next PDV of this data set; false at its end. */
    private boolean advance() throws IOException {
        while (remaining == 0) {
            if (failure != null) {
                throw failure; // once the stream of PDUs is broken it stays broken, even for a handler that ignored it
            }
            if (last) {
                eof = true;
                return false;
            }
            boolean more;
            try {
                more = association.nextPdv();
            } catch (IOException e) {
                failure = e;
                throw e;
            }
            if (!more) {
                failure = new IOException("association ended in the middle of a data set");
                throw failure;
            }
            PDataTF.Cursor c = association.cursor();
            if (c.isCommand() || c.presentationContextId() != pcid) {
                failure = new PduException(AAbort.REASON_UNEXPECTED_PDU_PARAMETER,
                        "a data set fragment was interrupted by another message");
                throw failure;
            }
            take(c);
        }
        return true;
    }

    @Override
    public int read() throws IOException {
        if (eof || !advance()) {
            return -1;
        }
        remaining--;
        return pdv.buffer()[off++] & 0xFF;
    }

    @Override
    public int read(byte[] b, int o, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (eof || !advance()) {
            return -1;
        }
        int n = Math.min(len, remaining);
        System.arraycopy(pdv.buffer(), off, b, o, n);
        off += n;
        remaining -= n;
        return n;
    }

    @Override
    public int available() {
        return remaining;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = 0;
        while (skipped < n && !eof && advance()) {
            int k = (int) Math.min(n - skipped, remaining);
            off += k;
            remaining -= k;
            skipped += k;
        }
        return skipped;
    }

    /** Reads and discards what the handler left, so the next message starts in the right place. */
    void drain() throws IOException {
        while (!eof && advance()) {
            off += remaining;
            remaining = 0;
        }
    }

    /** True when reading failed because the association broke (not because the data set was bad). */
    boolean brokenConnection() {
        return failure != null;
    }

    /** The exception that broke the stream (a {@link PduException}, a timeout, ...), or null. */
    IOException failure() {
        return failure;
    }

    @Override
    public void close() {
        // the association owns the connection; drain() finishes the data set
    }
}
