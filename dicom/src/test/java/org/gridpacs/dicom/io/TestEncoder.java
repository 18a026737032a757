package org.gridpacs.dicom.io;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.BooleanSupplier;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Sequence;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;

/**
 * A second, deliberately simple encoder for the tests, independent of {@link DicomOutputStream}: it can give
 * sequences and items a defined length (which our writer never does) and builds malformed streams by hand.
 */
final class TestEncoder {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final boolean explicitVR;
    private final ByteOrder order;

    TestEncoder(TransferSyntax ts) {
        this(ts.explicitVR(), ts.bigEndian());
    }

    TestEncoder(boolean explicitVR, boolean bigEndian) {
        this.explicitVR = explicitVR;
        this.order = bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    int size() {
        return out.size();
    }

    TestEncoder raw(byte... b) {
        out.writeBytes(b);
        return this;
    }

    TestEncoder u16(int v) {
        return raw(ByteBuffer.allocate(2).order(order).putShort((short) v).array());
    }

    TestEncoder u32(long v) {
        return raw(ByteBuffer.allocate(4).order(order).putInt((int) v).array());
    }

    TestEncoder tag(int tag) {
        return u16(tag >>> 16).u16(tag & 0xFFFF);
    }

    /** An element header; {@code length} -1 for undefined. */
    TestEncoder header(int tag, VR vr, long length) {
        tag(tag);
        if (explicitVR) {
            raw((byte) (vr.code() >> 8), (byte) vr.code());
            if (vr.longLength()) {
                u16(0).u32(length);
            } else {
                u16((int) length);
            }
        } else {
            u32(length);
        }
        return this;
    }

    /** A header with the two VR characters given, for VRs the enum does not have. */
    TestEncoder header(int tag, String vrCode, long length) {
        return tag(tag).raw((byte) vrCode.charAt(0), (byte) vrCode.charAt(1)).u16(0).u32(length);
    }

    /** An element whose value bytes are already in this encoder's byte order. */
    TestEncoder element(int tag, VR vr, byte[] value) {
        return header(tag, vr, value.length).raw(value);
    }

    TestEncoder item(long length) {
        return tag(Tag.Item).u32(length);
    }

    TestEncoder itemEnd() {
        return tag(Tag.ItemDelimitationItem).u32(0);
    }

    TestEncoder sequenceEnd() {
        return tag(Tag.SequenceDelimitationItem).u32(0);
    }

    /**
     * Encodes a data set of simple values (little endian in memory, swapped here for big endian) and sequences;
     * {@code defined} chooses, for each sequence and each item in turn, a defined length rather than undefined.
     */
    TestEncoder dataSet(DataSet ds, BooleanSupplier defined) {
        for (int k = 0; k < ds.size(); k++) {
            int tag = ds.tagAt(k);
            VR vr = ds.vrAt(k);
            Object v = ds.valueAt(k);
            if (v instanceof Sequence seq) {
                TestEncoder items = new TestEncoder(explicitVR, order == ByteOrder.BIG_ENDIAN);
                for (DataSet item : seq) {
                    TestEncoder body = new TestEncoder(explicitVR, order == ByteOrder.BIG_ENDIAN).dataSet(item, defined);
                    if (defined.getAsBoolean()) {
                        items.item(body.size()).raw(body.toByteArray());
                    } else {
                        items.item(-1).raw(body.toByteArray()).itemEnd();
                    }
                }
                if (defined.getAsBoolean()) {
                    header(tag, VR.SQ, items.size()).raw(items.toByteArray());
                } else {
                    header(tag, VR.SQ, -1).raw(items.toByteArray()).sequenceEnd();
                }
            } else if (v == null || v instanceof byte[]) {
                byte[] b = v == null ? new byte[0] : ((byte[]) v).clone();
                if (order == ByteOrder.BIG_ENDIAN) {
                    swap(b, width(vr));
                }
                element(tag, vr, b);
            } else {
                throw new IllegalArgumentException("TestEncoder does not encode " + v.getClass().getSimpleName());
            }
        }
        return this;
    }

    private static int width(VR vr) {
        return switch (vr) {
            case US, SS, OW, AT -> 2;
            case UL, SL, FL, OL, OF -> 4;
            case FD, OD, SV, UV, OV -> 8;
            default -> 1;
        };
    }

    private static void swap(byte[] b, int width) {
        for (int p = 0; p + width <= b.length; p += width) {
            for (int i = 0, j = width - 1; i < j; i++, j--) {
                byte t = b[p + i];
                b[p + i] = b[p + j];
                b[p + j] = t;
            }
        }
    }
}
