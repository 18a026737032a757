package org.gridpacs.dicom.net.pdu;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * Writes P-DATA-TF PDUs holding one PDV each, so the association layer can fragment a DIMSE message
 * without copying it: either let {@link #write} send a 12-byte header followed by the caller's bytes,
 * or reserve {@link #HEADER_LENGTH} bytes in front of the fragment in its own buffer, fill them with
 * {@link #encodeHeader} and send header and fragment in a single write.
 *
 * <p>Length rule (see the package documentation): the peer's Maximum Length Received bounds the
 * PDU-length field, which for one PDV is {@code 4 + 1 + 1 + fragmentLength}; so a fragment may be at
 * most {@code maxLength - 6} bytes, as {@link #maxFragmentLength(long)} computes.
 */
public final class PDataTFWriter {
    /** Bytes in front of the fragment: PDU header (6) and PDV item header (6). */
    public static final int HEADER_LENGTH = Pdu.HEADER_LENGTH + PDataTF.PDV_HEADER_LENGTH;

    /** Largest fragment we ever put in one PDU when the peer sets no limit, so lengths stay in int range. */
    public static final int UNLIMITED_FRAGMENT_LENGTH = Integer.MAX_VALUE - 64;

    private final OutputStream out;
    private final byte[] header = new byte[HEADER_LENGTH];

    public PDataTFWriter(OutputStream out) {
        this.out = Objects.requireNonNull(out);
    }

    /**
     * The largest fragment one single-PDV P-DATA-TF may carry for a peer that announced
     * {@code peerMaxLength} as its Maximum Length Received (0 = unlimited).
     *
     * @throws IllegalArgumentException if the value is not an unsigned 32-bit number, or is so small
     *     (1..6) that no data fits; the association layer should reject such an AC
     */
    public static int maxFragmentLength(long peerMaxLength) {
        if (peerMaxLength < 0 || peerMaxLength > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("maximum length out of range: " + peerMaxLength);
        }
        if (peerMaxLength == 0) {
            return UNLIMITED_FRAGMENT_LENGTH;
        }
        if (peerMaxLength <= PDataTF.PDV_HEADER_LENGTH) {
            throw new IllegalArgumentException("maximum length " + peerMaxLength + " leaves no room for a PDV fragment");
        }
        return (int) Math.min(peerMaxLength - PDataTF.PDV_HEADER_LENGTH, UNLIMITED_FRAGMENT_LENGTH);
    }

    /** The message control header byte (PS3.8 E.2). */
    public static int controlHeader(boolean command, boolean last) {
        return (command ? PDataTF.COMMAND : 0) | (last ? PDataTF.LAST : 0);
    }

    /**
     * Encodes the PDU header and PDV item header of a single-PDV P-DATA-TF into
     * {@code dst[off, off+12)}; the fragment must follow immediately. Returns {@link #HEADER_LENGTH}.
     */
    public static int encodeHeader(byte[] dst, int off, int presentationContextId, boolean command, boolean last,
                                   int fragmentLength) {
        checkFragment(fragmentLength);
        encodePduHeader(dst, off, PDataTF.PDV_HEADER_LENGTH + fragmentLength);
        encodePdvHeader(dst, off + Pdu.HEADER_LENGTH, presentationContextId, command, last, fragmentLength);
        return HEADER_LENGTH;
    }

    /**
     * Encodes a P-DATA-TF PDU header (6 bytes) for a variable field of {@code pduLength} bytes, for
     * callers that put several PDVs in one PDU (each introduced by {@link #encodePdvHeader}).
     */
    public static void encodePduHeader(byte[] dst, int off, long pduLength) {
        if (pduLength < 0 || pduLength > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("PDU length out of range: " + pduLength);
        }
        dst[off] = (byte) Pdu.P_DATA_TF;
        dst[off + 1] = 0;
        putU32(dst, off + 2, pduLength);
    }

    /** Encodes one PDV item header (6 bytes): item length ({@code 2 + fragmentLength}), context ID, control header. */
    public static void encodePdvHeader(byte[] dst, int off, int presentationContextId, boolean command, boolean last,
                                       int fragmentLength) {
        checkFragment(fragmentLength);
        AAssociateRJ.checkByte("presentation context ID", presentationContextId);
        putU32(dst, off, 2L + fragmentLength);
        dst[off + 4] = (byte) presentationContextId;
        dst[off + 5] = (byte) controlHeader(command, last);
    }

    /** Writes one P-DATA-TF PDU carrying {@code b[off, off+len)} as a single PDV. */
    public void write(int presentationContextId, boolean command, boolean last, byte[] b, int off, int len)
            throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        encodeHeader(header, 0, presentationContextId, command, last, len);
        out.write(header);
        out.write(b, off, len);
    }

    /**
     * Writes a whole command or data set as a sequence of single-PDV PDUs of at most
     * {@code maxFragmentLength} bytes each (see {@link #maxFragmentLength(long)}); the last one has the
     * last-fragment bit. An empty value is sent as one empty last fragment.
     */
    public void writeFragmented(int presentationContextId, boolean command, byte[] b, int off, int len,
                                int maxFragmentLength) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (maxFragmentLength < 1) {
            throw new IllegalArgumentException("maxFragmentLength must be positive: " + maxFragmentLength);
        }
        do {
            int n = Math.min(len, maxFragmentLength);
            write(presentationContextId, command, n == len, b, off, n);
            off += n;
            len -= n;
        } while (len > 0);
    }

    private static void checkFragment(int fragmentLength) {
        if (fragmentLength < 0 || fragmentLength > UNLIMITED_FRAGMENT_LENGTH) {
            throw new IllegalArgumentException("fragment length out of range: " + fragmentLength);
        }
    }

    static void putU32(byte[] b, int off, long v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
