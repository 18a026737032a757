package org.gridpacs.dicom.net;

import java.io.IOException;
import java.io.OutputStream;

import org.gridpacs.dicom.net.pdu.PDataTFWriter;

/**
 * Cuts a data set into P-DATA-TF PDUs of one PDV each, as large as the peer accepts; the PDU and PDV
 * headers are written into the same buffer as the data, so each PDU costs a single write.
 */
final class PDataOutputStream extends OutputStream {
    private static final int MAX_BUFFER = 256 * 1024;

    private final OutputStream out;
    private final int pcid;
    private final byte[] buf;
    private int count = PDataTFWriter.HEADER_LENGTH;

    PDataOutputStream(OutputStream out, int pcid, int maxFragment) {
        this.out = out;
        this.pcid = pcid;
        this.buf = new byte[PDataTFWriter.HEADER_LENGTH + Math.min(maxFragment, MAX_BUFFER)];
    }

    @Override
    public void write(int b) throws IOException {
        if (count == buf.length) {
            emit(false);
        }
        buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (count == buf.length) {
                emit(false);
            }
            int n = Math.min(len, buf.length - count);
            System.arraycopy(b, off, buf, count, n);
            count += n;
            off += n;
            len -= n;
        }
    }

    private void emit(boolean last) throws IOException {
        int fragment = count - PDataTFWriter.HEADER_LENGTH;
        PDataTFWriter.encodeHeader(buf, 0, pcid, false, last, fragment);
        out.write(buf, 0, count);
        count = PDataTFWriter.HEADER_LENGTH;
    }

    /** Sends what is buffered as the last fragment. */
    void finish() throws IOException {
        emit(true);
    }

    @Override
    public void flush() {
        // fragments are sent when full or at finish(): flushing early would only make small PDUs
    }
}
