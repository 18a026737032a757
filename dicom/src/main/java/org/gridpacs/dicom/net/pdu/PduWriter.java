package org.gridpacs.dicom.net.pdu;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * Encodes PDUs to an output stream, big-endian (PS3.8 9.3.1). Each PDU other than P-DATA-TF is
 * assembled in a reusable buffer and handed to the stream in one write, so an unbuffered socket stream
 * sends it in one segment. Not thread-safe: the association layer serialises writes.
 *
 * <p>Encoding a model that cannot be represented (an RQ without AE titles, an item over 65535 bytes)
 * throws {@link IllegalArgumentException} before anything is written.
 */
public final class PduWriter {
    private final OutputStream out;
    private final AssociateCodec.Sink sink = new AssociateCodec.Sink();
    private final byte[] pdataHeader = new byte[Pdu.HEADER_LENGTH];

    public PduWriter(OutputStream out) {
        this.out = Objects.requireNonNull(out);
    }

    /** Writes one PDU; does not flush. */
    public void write(Pdu pdu) throws IOException {
        if (pdu instanceof PDataTF p) {
            // the PDV items are already encoded: only the PDU header is new
            PDataTFWriter.encodePduHeader(pdataHeader, 0, p.length());
            out.write(pdataHeader);
            out.write(p.buffer(), p.offset(), p.length());
            return;
        }
        sink.reset();
        encode(pdu, sink);
        out.write(sink.buf, 0, sink.length);
    }

    /** The complete encoding of a PDU, header included. */
    public static byte[] encode(Pdu pdu) {
        if (pdu instanceof PDataTF p) {
            byte[] b = new byte[Pdu.HEADER_LENGTH + p.length()];
            PDataTFWriter.encodePduHeader(b, 0, p.length());
            System.arraycopy(p.buffer(), p.offset(), b, Pdu.HEADER_LENGTH, p.length());
            return b;
        }
        AssociateCodec.Sink s = new AssociateCodec.Sink();
        encode(pdu, s);
        return Arrays.copyOf(s.buf, s.length);
    }

    private static void encode(Pdu pdu, AssociateCodec.Sink s) {
        if (pdu instanceof AAssociate<?> a) {
            AssociateCodec.encode(a, s);
        } else if (pdu instanceof AAssociateRJ rj) {
            fixed4(s, Pdu.A_ASSOCIATE_RJ, 0, rj.result(), rj.source(), rj.reason());
        } else if (pdu instanceof AAbort ab) {
            fixed4(s, Pdu.A_ABORT, 0, 0, ab.source(), ab.reason());
        } else if (pdu instanceof AReleaseRQ) {
            fixed4(s, Pdu.A_RELEASE_RQ, 0, 0, 0, 0);
        } else if (pdu instanceof AReleaseRP) {
            fixed4(s, Pdu.A_RELEASE_RP, 0, 0, 0, 0);
        } else {
            throw new IllegalArgumentException("cannot encode " + pdu);
        }
    }

    /** The four PDUs whose variable part is always 4 bytes (PS3.8 9.3.4, 9.3.6 to 9.3.8). */
    private static void fixed4(AssociateCodec.Sink s, int type, int b7, int b8, int b9, int b10) {
        s.u8(type);
        s.u8(0);
        s.u32(4);
        s.u8(b7);
        s.u8(b8);
        s.u8(b9);
        s.u8(b10);
    }
}
