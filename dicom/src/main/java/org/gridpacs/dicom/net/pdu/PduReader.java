package org.gridpacs.dicom.net.pdu;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * Reads PDUs from a stream, one per {@link #read()} call, defensively: the input may be hostile.
 *
 * <ul>
 *   <li>An unknown PDU type fails with reason 1 (unrecognized PDU) right after the header.</li>
 *   <li>A PDU length above the configured bound fails with reason 6 (invalid PDU parameter value)
 *       before anything is allocated for it.</li>
 *   <li>The body buffer grows only as bytes actually arrive, so a PDU that claims a large length and
 *       then stops costs no more memory than the bytes sent.</li>
 *   <li>A stream ending inside a PDU throws {@link EOFException}; ending before a PDU starts also throws
 *       {@code EOFException} (the association layer treats both as the transport closing).</li>
 *   <li>Anything structurally wrong inside the PDU throws {@link PduException}.</li>
 * </ul>
 *
 * <p>One body buffer is reused for all PDUs, so a {@link PDataTF} returned by {@link #read()} refers
 * to memory that the next call overwrites. Not thread-safe.
 */
public final class PduReader {
    /** Default bound for A-ASSOCIATE-RQ/AC: generous (a user identity sub-item alone may hold 64 KiB) yet harmless. */
    public static final int DEFAULT_MAX_ASSOCIATE_LENGTH = 256 * 1024;
    /** Default bound for P-DATA-TF; set it to the Maximum Length Received this side announces. */
    public static final int DEFAULT_MAX_PDATA_LENGTH = 16384;
    /** Largest body a Java array can hold, used when the P-DATA-TF length is unlimited. */
    private static final int ARRAY_LIMIT = Integer.MAX_VALUE - 16;
    private static final int INITIAL_BUFFER = 8192;

    private final InputStream in;
    private final byte[] header = new byte[Pdu.HEADER_LENGTH];
    private byte[] buffer = new byte[0];
    private int maxAssociateLength = DEFAULT_MAX_ASSOCIATE_LENGTH;
    private long maxPDataLength = DEFAULT_MAX_PDATA_LENGTH;
    private boolean atBoundary = true;

    public PduReader(InputStream in) {
        this.in = Objects.requireNonNull(in);
    }

    /** Upper bound on the PDU length of A-ASSOCIATE-RQ/AC accepted (not part of the protocol: local policy). */
    public void setMaxAssociateLength(int maxAssociateLength) {
        if (maxAssociateLength < AssociateCodec.FIXED_FIELDS_LENGTH) {
            throw new IllegalArgumentException("too small: " + maxAssociateLength);
        }
        this.maxAssociateLength = maxAssociateLength;
    }

    public int maxAssociateLength() {
        return maxAssociateLength;
    }

    /**
     * Upper bound on the PDU length of P-DATA-TF: the Maximum Length Received this side announced in
     * its User Information (same definition, see the package documentation). 0 means unlimited, which
     * is only bounded by the largest Java array: avoid announcing 0 to untrusted peers.
     */
    public void setMaxPDataLength(long maxPDataLength) {
        if (maxPDataLength < 0 || maxPDataLength > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("maximum length out of range: " + maxPDataLength);
        }
        this.maxPDataLength = maxPDataLength;
    }

    public long maxPDataLength() {
        return maxPDataLength;
    }

    /**
     * True when no byte of the next PDU has been consumed yet: after a read timeout (SO_TIMEOUT) nothing was
     * lost and {@link #read()} may be called again. False after a failure in the middle of a PDU.
     */
    public boolean atPduBoundary() {
        return atBoundary;
    }

    /** Reads the next PDU, blocking until it is complete. */
    public Pdu read() throws IOException {
        Pdu pdu = readPdu();
        atBoundary = true;
        return pdu;
    }

    private Pdu readPdu() throws IOException {
        readFully(header, Pdu.HEADER_LENGTH, "PDU header");
        int type = header[0] & 0xFF;
        long length = PDataTF.readU32(header, 2);
        switch (type) {
            case Pdu.A_ASSOCIATE_RQ, Pdu.A_ASSOCIATE_AC -> {
                if (length < AssociateCodec.FIXED_FIELDS_LENGTH || length > maxAssociateLength) {
                    throw invalidLength(type, length, AssociateCodec.FIXED_FIELDS_LENGTH + ".." + maxAssociateLength);
                }
                readBody((int) length, type);
                return AssociateCodec.decode(type, buffer, (int) length);
            }
            case Pdu.P_DATA_TF -> {
                long max = maxPDataLength == 0 ? ARRAY_LIMIT : Math.min(maxPDataLength, ARRAY_LIMIT);
                if (length > max) {
                    throw invalidLength(type, length, "0.." + max);
                }
                readBody((int) length, type);
                return PDataTF.wrap(buffer, 0, (int) length);
            }
            case Pdu.A_ASSOCIATE_RJ, Pdu.A_RELEASE_RQ, Pdu.A_RELEASE_RP, Pdu.A_ABORT -> {
                if (length != 4) {
                    throw invalidLength(type, length, "4");
                }
                readBody(4, type);
                return switch (type) {
                    // reserved bytes are not tested (PS3.8 9.3.1)
                    case Pdu.A_ASSOCIATE_RJ -> new AAssociateRJ(buffer[1] & 0xFF, buffer[2] & 0xFF, buffer[3] & 0xFF);
                    case Pdu.A_RELEASE_RQ -> AReleaseRQ.INSTANCE;
                    case Pdu.A_RELEASE_RP -> AReleaseRP.INSTANCE;
                    default -> new AAbort(buffer[2] & 0xFF, buffer[3] & 0xFF);
                };
            }
            default -> throw new PduException(AAbort.REASON_UNRECOGNIZED_PDU,
                    "unrecognized PDU type 0x" + Integer.toHexString(type));
        }
    }

    /** Reads {@code length} bytes into {@link #buffer}, growing it (by doubling) only as data arrives. */
    private void readBody(int length, int type) throws IOException {
        int pos = 0;
        while (pos < length) {
            if (pos == buffer.length) {
                int grown = (int) Math.min(length, Math.max(INITIAL_BUFFER, 2L * buffer.length));
                buffer = Arrays.copyOf(buffer, grown);
            }
            int n = in.read(buffer, pos, Math.min(length, buffer.length) - pos);
            if (n < 0) {
                throw new EOFException(Pdu.typeName(type) + " truncated: " + pos + " of " + length + " bytes");
            }
            pos += n;
        }
    }

    private void readFully(byte[] b, int length, String what) throws IOException {
        int pos = 0;
        while (pos < length) {
            int n = in.read(b, pos, length - pos);
            if (n < 0) {
                throw new EOFException(pos == 0 ? "end of stream" : what + " truncated: " + pos + " of " + length + " bytes");
            }
            if (n > 0) {
                atBoundary = false;
            }
            pos += n;
        }
    }

    private static PduException invalidLength(int type, long length, String allowed) {
        return new PduException(AAbort.REASON_INVALID_PDU_PARAMETER_VALUE,
                Pdu.typeName(type) + " PDU length " + length + " outside " + allowed);
    }
}
