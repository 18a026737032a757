package org.gridpacs.dicom.net.pdu;

/**
 * P-DATA-TF (PS3.8 9.3.5) as a view over its variable field (the PDV items) in a buffer it does not
 * own. A PDataTF returned by {@link PduReader#read()} is only valid until the next read, because the
 * reader reuses its buffer: that is what lets large data flow without a copy per PDV.
 *
 * <p>Iterate the PDVs with {@link #pdvs()}:
 * <pre>{@code
 * PDataTF.Cursor pdv = pdata.pdvs();
 * while (pdv.next()) {
 *     sink.write(pdv.presentationContextId(), pdv.isCommand(), pdv.isLast(),
 *                pdv.buffer(), pdv.valueOffset(), pdv.valueLength());
 * }
 * }</pre>
 *
 * <p>A P-DATA-TF with no PDV at all (PDU length 0) is accepted and simply has nothing to iterate:
 * PS3.8 asks for one or more PDVs, but an empty PDU is harmless and not worth aborting for.
 */
public final class PDataTF implements Pdu {
    /** PDV item header: 4-byte item length, presentation context ID, message control header. */
    public static final int PDV_HEADER_LENGTH = 6;

    /** Message control header bit 0: set for a command fragment, clear for a data set fragment. */
    public static final int COMMAND = 0x01;
    /** Message control header bit 1: set on the last fragment of a command or data set. */
    public static final int LAST = 0x02;

    private final byte[] buffer;
    private final int offset;
    private final int length;

    private PDataTF(byte[] buffer, int offset, int length) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
    }

    /**
     * Wraps PDV items already encoded in {@code buffer[offset, offset+length)}, checking that every PDV
     * item lies within those bounds and holds at least its presentation context ID and control header.
     * The bytes are not copied.
     *
     * @throws PduException with reason 6 (invalid PDU parameter value) if the items are malformed
     */
    public static PDataTF wrap(byte[] buffer, int offset, int length) throws PduException {
        if (offset < 0 || length < 0 || length > buffer.length - offset) {
            throw new IndexOutOfBoundsException("offset " + offset + ", length " + length + ", buffer " + buffer.length);
        }
        int pos = offset;
        int end = offset + length;
        while (pos < end) {
            if (end - pos < 4) {
                throw invalid("truncated PDV item length (" + (end - pos) + " bytes left)");
            }
            long itemLength = readU32(buffer, pos);
            if (itemLength < 2) {
                throw invalid("PDV item length " + itemLength + " < 2");
            }
            if (itemLength > end - pos - 4) {
                throw invalid("PDV item length " + itemLength + " exceeds the " + (end - pos - 4)
                        + " bytes left in the P-DATA-TF");
            }
            pos += 4 + (int) itemLength;
        }
        return new PDataTF(buffer, offset, length);
    }

    @Override
    public int type() {
        return P_DATA_TF;
    }

    /** The buffer holding the variable field; shared, not copied. */
    public byte[] buffer() {
        return buffer;
    }

    /** Offset of the first PDV item in {@link #buffer()}. */
    public int offset() {
        return offset;
    }

    /** The PDU-length: bytes of PDV items. */
    public int length() {
        return length;
    }

    /** A new cursor positioned before the first PDV. */
    public Cursor pdvs() {
        return new Cursor();
    }

    /** Number of PDV items (walks the items). */
    public int pdvCount() {
        int n = 0;
        for (Cursor c = pdvs(); c.next(); ) {
            n++;
        }
        return n;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("P-DATA-TF[length=").append(length);
        for (Cursor c = pdvs(); c.next(); ) {
            sb.append(", PDV[pcid=").append(c.presentationContextId())
                    .append(c.isCommand() ? ", command" : ", data")
                    .append(c.isLast() ? ", last" : "")
                    .append(", ").append(c.valueLength()).append(" bytes]");
        }
        return sb.append(']').toString();
    }

    /**
     * Iterates the PDV items without allocating: after {@link #next()} returns true the accessors
     * describe the current PDV, whose fragment is {@code buffer()[valueOffset(), valueOffset()+valueLength())}.
     */
    public final class Cursor {
        private int next = offset;
        private int itemStart = -1;
        private int itemLength;

        private Cursor() {
        }

        /** Moves to the next PDV; false when there is none. */
        public boolean next() {
            if (next >= offset + length) {
                return false;
            }
            itemStart = next;
            itemLength = (int) readU32(buffer, itemStart); // validated by wrap()
            next = itemStart + 4 + itemLength;
            return true;
        }

        private void checkPositioned() {
            if (itemStart < 0) {
                throw new IllegalStateException("call next() first");
            }
        }

        public int presentationContextId() {
            checkPositioned();
            return buffer[itemStart + 4] & 0xFF;
        }

        /** The whole message control header byte. */
        public int controlHeader() {
            checkPositioned();
            return buffer[itemStart + 5] & 0xFF;
        }

        public boolean isCommand() {
            return (controlHeader() & COMMAND) != 0;
        }

        public boolean isLast() {
            return (controlHeader() & LAST) != 0;
        }

        public byte[] buffer() {
            return buffer;
        }

        public int valueOffset() {
            checkPositioned();
            return itemStart + PDV_HEADER_LENGTH;
        }

        /** Fragment length: the PDV item length minus the context ID and control header bytes. */
        public int valueLength() {
            checkPositioned();
            return itemLength - 2;
        }
    }

    static long readU32(byte[] b, int off) {
        return ((b[off] & 0xFFL) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }

    private static PduException invalid(String message) {
        return new PduException(AAbort.REASON_INVALID_PDU_PARAMETER_VALUE, message);
    }
}
